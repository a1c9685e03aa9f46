"""交办: one lead unit with assisting units, or several units answering separately; deadlines
from the congress's settings (months for replies); closed-period suggestions assigned within
the working days of `suggestions.interim_assign_within`; all or nothing."""

import datetime
import zoneinfo

import time_machine
from django.core.exceptions import ValidationError

from renda.core.models import Event
from renda.core.workflow import events_of
from renda.directory.models import CongressSetting, HandlingUnit
from renda.suggestions.models import Assignment, Suggestion
from renda.suggestions.selectors.handling import interim_timing
from renda.suggestions.services import handling
from renda.suggestions.tests.factories import HandlingTestCase

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
R = Assignment.Role


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=BEIJING)


class AssignTest(HandlingTestCase):
    @time_machine.travel("2026-09-28 10:00 +0800", tick=False)
    def test_a_lead_and_an_assisting_unit_get_their_deadlines(self):
        suggestion = self.assigned()
        self.assertEqual(suggestion.status, Suggestion.Status.ASSIGNED)
        self.assertEqual(suggestion.assigned_at, datetime.datetime(2026, 9, 28, 10, tzinfo=BEIJING))
        lead, assisting = self.assignment(suggestion), self.assignment(suggestion, "health")
        # Three months to reply; one month for the assisting unit's view.
        self.assertEqual((lead.role, lead.due_at), (R.LEAD, end_of(datetime.date(2026, 12, 28))))
        self.assertEqual((assisting.role, assisting.due_at),
                         (R.ASSISTING, end_of(datetime.date(2026, 10, 28))))
        event = events_of(suggestion).get(action="assign")
        self.assertEqual(event.data["units"], [{"unit": self.units["housing"].pk, "role": "lead"},
                                               {"unit": self.units["health"].pk,
                                                "role": "assisting"}])
        self.assertEqual(Event.objects.filter(action="assigned").count(), 2)

    @time_machine.travel("2026-11-30 10:00 +0800", tick=False)
    def test_three_months_from_the_end_of_november_is_the_end_of_february(self):
        lead = self.assignment(self.assigned(assisting=()))
        self.assertEqual(lead.due_at, end_of(datetime.date(2027, 2, 28)))

    @time_machine.travel("2026-09-28 10:00 +0800", tick=False)
    def test_deadlines_follow_the_congress_settings(self):
        congress = self.world.congresses["pingfang"]
        for key, value in (("suggestions.reply_deadline", "2m"),
                           ("suggestions.assist_deadline", "15d")):
            CongressSetting.objects.create(congress=congress, key=key, value=value,
                                           effective_from=datetime.date(2026, 1, 1))
        suggestion = self.assigned()
        self.assertEqual(self.assignment(suggestion).due_at, end_of(datetime.date(2026, 11, 28)))
        self.assertEqual(self.assignment(suggestion, "health").due_at,
                         end_of(datetime.date(2026, 10, 13)))

    def test_several_units_answer_separately(self):
        suggestion = self.assigned(lead=None, assisting=(), separate=("housing", "health"))
        roles = set(suggestion.assignments.values_list("unit__code", "role"))
        self.assertEqual(roles, {("PF-ZJJ", R.SEPARATE), ("PF-WJJ", R.SEPARATE)})

    def test_it_refuses_plans_that_make_no_sense(self):
        housing, health, gov = (self.units[k].pk for k in ("housing", "health", "gov"))
        cases = {
            "no unit": {},
            "lead and separate": {"lead_unit_id": housing, "separate_unit_ids": [health, gov]},
            "one separate unit": {"separate_unit_ids": [housing]},
            "assisting without lead": {"separate_unit_ids": [housing, gov],
                                       "assisting_unit_ids": [health]},
            "lead also assisting": {"lead_unit_id": housing, "assisting_unit_ids": [housing]},
            "another district's unit": {"lead_unit_id": self.units["songbei_gov"].pk},
            "unknown unit": {"lead_unit_id": 999999},
        }
        suggestion = self.registered()
        for name, plan in cases.items():
            with self.subTest(name), self.assertRaises(ValidationError):
                handling.suggestion_assign(actor=self.office, suggestion_id=suggestion.pk, **plan)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, Suggestion.Status.REGISTERED)
        self.assertFalse(Assignment.objects.exists())

    def test_an_inactive_unit_rolls_the_whole_assignment_back(self):
        HandlingUnit.objects.filter(pk=self.units["health"].pk).update(is_active=False)
        suggestion = self.registered()
        with self.assertRaisesMessage(ValidationError, "在用的承办单位"):
            handling.suggestion_assign(actor=self.office, suggestion_id=suggestion.pk,
                                       lead_unit_id=self.units["housing"].pk,
                                       assisting_unit_ids=[self.units["health"].pk])
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.assigned_at),
                         (Suggestion.Status.REGISTERED, None))
        self.assertFalse(Assignment.objects.exists())
        self.assertFalse(events_of(suggestion).filter(action="assign").exists())

    def test_a_suggestion_not_registered_cannot_be_assigned(self):
        suggestion = self.assigned()
        with self.assertRaisesMessage(Exception, "刷新后重试"):
            handling.suggestion_assign(actor=self.office, suggestion_id=suggestion.pk,
                                       lead_unit_id=self.units["gov"].pk)
        self.assertEqual(suggestion.assignments.count(), 2)


class InterimTimingTest(HandlingTestCase):
    """Received on Wednesday 30 September 2026: the five working days skip the National Day
    holiday (1 to 7 October) and count the make-up Saturday of 10 October, so the last day is
    Tuesday 13 October (a count of weekdays alone would say 9 October)."""

    def received(self) -> Suggestion:
        with time_machine.travel("2026-09-30 09:00 +0800", tick=False):
            return self.registered()

    def assign_on(self, moment: str, suggestion: Suggestion) -> Suggestion:
        with time_machine.travel(moment, tick=False):
            return handling.suggestion_assign(actor=self.office, suggestion_id=suggestion.pk,
                                              lead_unit_id=self.units["housing"].pk)

    def test_assigned_on_the_last_working_day_is_on_time(self):
        suggestion = self.assign_on("2026-10-13 17:00 +0800", self.received())
        timing = interim_timing(suggestion=suggestion)
        self.assertEqual((timing.deadline, timing.on_time), (datetime.date(2026, 10, 13), True))
        event = events_of(suggestion).get(action="assign")
        self.assertEqual((event.data["interim_deadline"], event.data["interim_on_time"]),
                         ("2026-10-13", True))

    def test_assigned_the_day_after_is_late(self):
        suggestion = self.assign_on("2026-10-14 09:00 +0800", self.received())
        self.assertIs(interim_timing(suggestion=suggestion).on_time, False)
        self.assertIs(events_of(suggestion).get(action="assign").data["interim_on_time"], False)

    def test_a_waiting_suggestion_shows_whether_it_is_overdue(self):
        suggestion = self.received()
        with time_machine.travel("2026-10-09 09:00 +0800", tick=False):
            timing = interim_timing(suggestion=suggestion)
        self.assertEqual((timing.on_time, timing.overdue), (None, False))
        with time_machine.travel("2026-10-14 09:00 +0800", tick=False):
            self.assertTrue(interim_timing(suggestion=suggestion).overdue)

    def test_session_suggestions_have_no_such_deadline(self):
        suggestion = self.received()
        Suggestion.objects.filter(pk=suggestion.pk).update(series=Suggestion.Series.SESSION)
        suggestion.refresh_from_db()
        self.assertIsNone(interim_timing(suggestion=suggestion))
