"""A unit asks for re-assignment within `suggestions.reassign_window` working days of the
assignment (never passing it on itself); the office approves (the assignment is cancelled and
another unit takes its role, now or later) or refuses (the unit goes on, with the reason).

Assigned on Monday 28 September 2026, the seven working days skip the National Day holiday
(1 to 7 October) and count the make-up Saturday of 10 October: the window closes at the end of
Tuesday 13 October, where a count of weekdays alone would close it on 7 October."""

import time_machine
from django.core.exceptions import ValidationError

from renda.core.workflow import events_of
from renda.directory.models import CongressSetting
from renda.suggestions.models import Assignment, Suggestion
from renda.suggestions.selectors.handling import missing_unit_queue, reassign_requests
from renda.suggestions.services import handling
from renda.suggestions.tests.factories import HandlingTestCase

A = Assignment.Status
R = Assignment.Role
REASON = "供暖管网由热力公司运营，建议改由区供热办主办"


class ReassignWindowTest(HandlingTestCase):
    def assigned_on_monday(self) -> Assignment:
        with time_machine.travel("2026-09-28 10:00 +0800", tick=False):
            return self.assignment(self.assigned())

    def request_on(self, moment: str, assignment: Assignment) -> Assignment:
        with time_machine.travel(moment, tick=False):
            return handling.assignment_request_reassign(actor=self.handler,
                                                        assignment_id=assignment.pk,
                                                        reason=REASON)

    def test_the_last_working_day_of_the_window_is_in_time(self):
        assignment = self.request_on("2026-10-13 23:30 +0800", self.assigned_on_monday())
        self.assertEqual((assignment.status, assignment.reassign_reason),
                         (A.REASSIGN_REQUESTED, REASON))
        event = events_of(assignment).get(action="request_reassign")
        self.assertEqual((event.note, event.data["window_until"][:10]), (REASON, "2026-10-13"))

    def test_the_day_after_is_refused_with_a_clear_message(self):
        assignment = self.assigned_on_monday()
        with self.assertRaisesMessage(ValidationError, "已超过申请调整交办的时限（交办后 7 个工作日内，"
                                                       "截至 2026-10-13）"):
            self.request_on("2026-10-14 08:00 +0800", assignment)
        assignment.refresh_from_db()
        self.assertEqual((assignment.status, assignment.reassign_reason), (A.ASSIGNED, ""))

    def test_the_window_is_a_setting(self):
        CongressSetting.objects.create(congress=self.world.congresses["pingfang"],
                                       key="suggestions.reassign_window", value="3wd",
                                       effective_from="2026-01-01")
        assignment = self.assigned_on_monday()
        with self.assertRaises(ValidationError):
            self.request_on("2026-10-09 09:00 +0800", assignment)  # 29, 30 Sept, 8 Oct
        self.request_on("2026-10-08 17:00 +0800", assignment)

    def test_a_reason_is_required(self):
        assignment = self.assigned_on_monday()
        with time_machine.travel("2026-09-29 10:00 +0800", tick=False), \
                self.assertRaises(ValidationError):
            handling.assignment_request_reassign(actor=self.handler,
                                                 assignment_id=assignment.pk, reason=" ")


class ReassignDecisionTest(HandlingTestCase):
    def requested(self, **assign) -> Assignment:
        assignment = self.assignment(self.assigned(**assign))
        return handling.assignment_request_reassign(actor=self.handler,
                                                    assignment_id=assignment.pk, reason=REASON)

    def test_the_office_sees_the_request(self):
        assignment = self.requested()
        self.assertEqual(list(reassign_requests(user=self.office)), [assignment])
        self.assertEqual(list(reassign_requests(user=self.world.outsider)), [])

    def test_approval_with_a_new_unit_moves_the_role_in_one_step(self):
        assignment = self.requested()
        handling.assignment_reassign_approve(actor=self.office, assignment_id=assignment.pk,
                                             new_unit_id=self.units["gov"].pk, note="改由区政府主办")
        assignment.refresh_from_db()
        self.assertEqual(assignment.status, A.CANCELLED)
        suggestion = assignment.suggestion
        replacement = suggestion.assignments.get(unit=self.units["gov"])
        self.assertEqual((replacement.role, replacement.status), (R.LEAD, A.ASSIGNED))
        self.assertGreater(replacement.assigned_at, assignment.assigned_at)
        self.assertEqual(suggestion.status, Suggestion.Status.ASSIGNED)
        self.assertTrue(events_of(suggestion).filter(action="assign_unit").exists())
        self.assertEqual(list(missing_unit_queue(user=self.office)), [])

    def test_approval_without_a_unit_waits_for_the_office(self):
        assignment = self.requested()
        handling.assignment_reassign_approve(actor=self.office, assignment_id=assignment.pk)
        suggestion = Suggestion.objects.get(pk=assignment.suggestion_id)
        self.assertEqual(list(missing_unit_queue(user=self.office)), [suggestion])
        handling.assignment_add(actor=self.office, suggestion_id=suggestion.pk,
                                unit_id=self.units["gov"].pk, role=R.LEAD)
        self.assertEqual(list(missing_unit_queue(user=self.office)), [])

    def test_the_replacement_must_be_another_unit_fitting_the_role(self):
        assignment = self.requested()
        for name, unit in (("the same unit", "housing"), ("already assisting", "health")):
            with self.subTest(name), self.assertRaises(ValidationError):
                handling.assignment_reassign_approve(actor=self.office,
                                                     assignment_id=assignment.pk,
                                                     new_unit_id=self.units[unit].pk)
        assignment.refresh_from_db()
        self.assertEqual(assignment.status, A.REASSIGN_REQUESTED)
        handling.assignment_reassign_approve(actor=self.office, assignment_id=assignment.pk)
        suggestion = assignment.suggestion
        with self.assertRaises(ValidationError):  # a separate unit beside assisting units
            handling.assignment_add(actor=self.office, suggestion_id=suggestion.pk,
                                    unit_id=self.units["gov"].pk, role=R.SEPARATE)

    def test_refusal_returns_it_to_handling_with_the_reason(self):
        assignment = self.requested()
        handling.assignment_reassign_refuse(actor=self.office, assignment_id=assignment.pk,
                                            reason="老旧小区改造属住建局牵头职责")
        assignment.refresh_from_db()
        self.assertEqual(assignment.status, A.ACKNOWLEDGED)
        event = events_of(assignment).order_by("-id").first()
        self.assertEqual((event.action, event.note), ("reassign_refuse",
                                                       "老旧小区改造属住建局牵头职责"))
        # Back in handling, it may reply as usual.
        self.contact(assignment)
        self.reply(assignment)

    def test_a_refusal_needs_a_reason(self):
        assignment = self.requested()
        with self.assertRaises(ValidationError):
            handling.assignment_reassign_refuse(actor=self.office, assignment_id=assignment.pk,
                                                reason="")
