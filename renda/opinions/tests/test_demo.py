"""`seed_demo` also seeds citizens' opinions: through the services, idempotent, in many states."""

import datetime
from collections import Counter
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from renda.core.models import Event
from renda.opinions.models import Opinion, OpinionReply

# Deadlines are counted in working days, which the calendar knows only up to 2026.
NOW = "2026-11-24 10:00 +0800"


def _counts() -> dict[str, int]:
    return {
        "opinions": Opinion.objects.count(),
        "history": Opinion.history.count(),
        "events": Event.objects.filter(content_type__model="opinion").count(),
        "replies": OpinionReply.objects.count(),
        **{f"status:{status}": n for status, n in Counter(
            Opinion.objects.values_list("status", flat=True)).items()},
    }


@time_machine.travel(NOW, tick=False)
class SeedOpinionsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.output = StringIO()
            call_command("seed_demo", stdout=cls.output)
            cls.first = _counts()
            call_command("seed_demo", stdout=cls.output)
            cls.second = _counts()

    def test_second_run_changes_nothing(self):
        self.assertEqual(self.first, self.second)

    def test_forty_to_sixty_opinions_in_many_states(self):
        self.assertTrue(40 <= Opinion.objects.count() <= 60, Opinion.objects.count())
        statuses = set(Opinion.objects.values_list("status", flat=True))
        self.assertGreaterEqual(len(statuses), 6, statuses)
        for status in (Opinion.Status.RECEIVED, Opinion.Status.TRANSFERRED,
                       Opinion.Status.CLOSED, Opinion.Status.DECLINED):
            self.assertIn(status, statuses)
        self.assertIn("演示民意: ", self.output.getvalue())

    def test_every_opinion_has_a_number_and_a_complete_log(self):
        events = Counter(Event.objects.filter(content_type__model="opinion")
                         .values_list("object_id", flat=True))
        for opinion in Opinion.objects.all():
            self.assertTrue(opinion.tracking_number)
            self.assertEqual(events[opinion.pk], opinion.history.count(), opinion)
            self.assertGreaterEqual(events[opinion.pk], 1, opinion)

    def test_idempotency_keys_are_unique(self):
        keys = list(Opinion.objects.values_list("idempotency_key", flat=True))
        self.assertTrue(all(key and key.startswith("demo-opinion-") for key in keys))
        self.assertEqual(len(keys), len(set(keys)))

    def test_some_overdue_some_rated_some_public(self):
        now = timezone.now()
        overdue = Opinion.objects.filter(status__in=Opinion.OPEN_STATES, due_at__lt=now)
        self.assertGreaterEqual(overdue.count(), 2)
        self.assertTrue(Opinion.objects.filter(rating=Opinion.Rating.SATISFIED).exists())
        self.assertTrue(Opinion.objects.filter(status=Opinion.Status.DISSATISFIED).exists())
        self.assertTrue(Opinion.objects.filter(consent_publish=True,
                                               status=Opinion.Status.CLOSED).exists())
        on_time = Opinion.objects.filter(status__in=Opinion.OPEN_STATES, due_at__gte=now)
        self.assertTrue(all(o.due_at.date() <= datetime.date(2026, 12, 31) for o in on_time))

    def test_private_contacts_are_fake_mobiles_or_anonymous(self):
        for opinion in Opinion.objects.all():
            if opinion.is_anonymous:
                self.assertEqual(opinion.citizen_mobile, "")
            else:
                self.assertRegex(opinion.citizen_mobile, r"^1[3-9]\d{9}$")
