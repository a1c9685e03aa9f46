"""The demo suggestions: a term's worth for 平房区人大 through the ledger import and the stage
services, realistic shares, idempotent."""

from collections import Counter
from io import StringIO

import time_machine
from django.test import TestCase
from django.utils import timezone

from renda.core.models import Event
from renda.directory.demo.builder import seed
from renda.directory.models import Congress, HandlingUnit
from renda.suggestions.demo import seed_suggestions
from renda.suggestions.models import (
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Reply,
    Signature,
    Suggestion,
)
from renda.suggestions.stats import Restriction, Selection, suggestion_stats

NOW = "2026-11-24 10:00 +0800"
MODELS = (Suggestion, Signature, Assignment, Reply, Evaluation, Commitment, ContactRecord,
          HandlingUnit)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts.update({f"history:{model.__name__}": model.history.count() for model in MODELS})
    counts["events"] = Event.objects.filter(content_type__model="suggestion").count()
    counts.update(Counter(Suggestion.objects.values_list("status", flat=True)))
    return counts


@time_machine.travel(NOW, tick=False)
class DemoTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            seed(timezone.localdate())
            cls.output = StringIO()
            seed_suggestions(stdout=cls.output, today=timezone.localdate())
            cls.first = _counts()
            seed_suggestions(stdout=cls.output, today=timezone.localdate())
            cls.second = _counts()
        cls.congress = Congress.objects.get(short_name="平房区人大")

    def test_a_second_run_changes_nothing(self):
        self.assertEqual(self.first, self.second)

    def test_a_terms_worth_in_every_state(self):
        total = Suggestion.objects.filter(congress=self.congress).count()
        self.assertTrue(1400 <= total <= 1650, total)
        statuses = set(Suggestion.objects.values_list("status", flat=True))
        for status in ("draft", "submitted", "registered", "assigned", "replied", "rehandling",
                       "closed"):
            self.assertIn(status, statuses)
        self.assertIn("演示代表建议: ", self.output.getvalue())
        series = Counter(Suggestion.objects.values_list("year", "series"))
        self.assertEqual(set(series), {(2025, "session"), (2025, "interim"),
                                       (2026, "session"), (2026, "interim")})

    def test_the_units_of_seed_001_in_proportion(self):
        """Seed 001's counts a year (public security 63, development 52, health 46, civil
        affairs 31, sports 6), doubled for the term's two years, within a few."""
        leads = Counter(Assignment.objects.filter(role__in=("lead", "separate"))
                        .values_list("unit__code", flat=True))
        for code, expected in (("PF-GAJ", 126), ("PF-FGJ", 104), ("PF-WJJ", 92),
                               ("PF-MZJ", 62), ("PF-TYJ", 12)):
            self.assertTrue(abs(leads[code] - expected) <= expected * 0.1 + 3,
                            (code, leads[code]))
        self.assertTrue(HandlingUnit.objects.filter(name="平房区体育局").exists())

    def test_realistic_replies_evaluations_and_commitments(self):
        """About 88 % of the final replies A or B; some dissatisfied and re-handled; year-end
        follow-ups; commitments fulfilled, open and re-planned; mostly face to face."""
        totals = suggestion_stats(selection=Selection(congress=self.congress),
                                  restriction=Restriction()).totals
        self.assertTrue(0.85 <= float(totals.solved_or_planned.value) / 100 <= 0.92,
                        totals.solved_or_planned)
        self.assertTrue(0.5 <= float(totals.solved.value) / 100 <= 0.7, totals.solved)
        self.assertLess(totals.first.satisfied.value, totals.final.satisfied.value)
        self.assertGreater(totals.follow_up.satisfied.denominator, 100)
        self.assertTrue(60 <= totals.face_to_face.value <= 85, totals.face_to_face)
        self.assertGreater(Reply.objects.filter(round=2).count(), 20)
        statuses = Counter(Commitment.objects.values_list("status", flat=True))
        self.assertEqual(set(statuses), {"open", "fulfilled", "replanned"})
        self.assertGreater(Assignment.objects.filter(role="assisting").count(), 100)
        self.assertGreater(Suggestion.objects.filter(is_public=False).count(), 10)

    def test_the_items_in_progress_went_through_the_services(self):
        """Each has its own log from the draft on; the imported ones one import event."""
        in_progress = Suggestion.objects.filter(year=2026, lead_deputy__user__username="demo-deputy",
                                                status__in=("draft", "submitted", "registered"))
        self.assertGreaterEqual(in_progress.count(), 14)
        for suggestion in in_progress:
            actions = set(Event.objects.filter(content_type__model="suggestion",
                                               object_id=suggestion.pk)
                          .values_list("action", flat=True))
            self.assertIn("draft", actions)
            self.assertNotIn("ledger_import", actions)
        inbox = Assignment.objects.filter(unit__code="PF-ZJJ", suggestion__year=2026,
                                          status__in=("assigned", "acknowledged"))
        self.assertGreaterEqual(inbox.count(), 5)
