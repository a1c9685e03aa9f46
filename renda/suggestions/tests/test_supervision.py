"""The supervision sweep of suggestions (督办): reminders before the reply deadline in working
days, escalation to the office and the key suggestion's leaders once overdue, reminders of
commitments near or past their promised date; every run twice, sending nothing twice."""

import datetime
import io

import time_machine
from django.core import mail
from django.core.management import call_command

from renda.core.deadlines import end_of_day
from renda.core.models import Event, Notification
from renda.core.workflow import events_of
from renda.directory.models import CongressSetting
from renda.suggestions import supervision
from renda.suggestions.models import Assignment, Commitment
from renda.suggestions.services.evaluation import reply_evaluate
from renda.suggestions.services.supervision import commitment_replan, key_supervision_mark
from renda.suggestions.supervision import SweepResult, supervision_sweep
from renda.suggestions.tasks import supervision_sweep_task
from renda.suggestions.tests.states import SuggestionTestCase, answering, assigned, handler_of

HANDLERS = ["handler@pingfang.example.cn", "head@pingfang.example.cn"]
OFFICE = ["office@pingfang.example.cn"]


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


class SweepTestCase(SuggestionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = cls.world.users
        for key in ("unit_handler", "unit_head", "office_staff", "leader"):
            users[key].email = f"{users[key].username}@pingfang.example.cn"
            users[key].save(update_fields=["email"])
        cls.world.outsider.email = "office@songbei.example.cn"
        cls.world.outsider.save(update_fields=["email"])

    def due_on_10_october(self, **options) -> Assignment:
        """Assigned on 10 July 2025: three months end on Friday 10 October, just after the
        National Day holiday (1–8 October)."""
        with at("2025-07-10 10:00"):
            suggestion = assigned(self.world, **options)
        [assignment] = answering(suggestion)
        self.assertEqual(assignment.due_at, end_of_day(datetime.date(2025, 10, 10)))
        return assignment

    def sweep(self, moment: str) -> SweepResult:
        with at(moment):
            return supervision_sweep()

    def actions(self, obj) -> list[str]:
        return [e.action for e in events_of(obj).filter(action__in=["remind", "escalate"])]

    def recipients(self) -> list[str]:
        return sorted(message.to[0] for message in mail.outbox)


class ReminderTest(SweepTestCase):
    def test_the_reminder_counts_working_days_across_the_holiday(self):
        assignment = self.due_on_10_october()
        # Fifteen calendar days before, but six working days: not yet.
        self.assertEqual(self.sweep("2025-09-25 09:00"), SweepResult())
        self.assertEqual(self.sweep("2025-09-26 09:00"), SweepResult(reminded=1))
        assignment.refresh_from_db()
        self.assertEqual(assignment.reminded_at,
                         datetime.datetime.fromisoformat("2025-09-26 09:00 +08:00"))
        self.assertIsNone(assignment.escalated_at)
        self.assertEqual(self.recipients(), HANDLERS)
        message = mail.outbox[0]
        self.assertIn(assignment.suggestion.code, message.subject)
        self.assertIn("2025-10-10", message.body)
        self.assertIn(assignment.suggestion.title, message.body)
        event = events_of(assignment).last()
        self.assertEqual((event.action, event.actor, event.from_status, event.to_status),
                         ("remind", None, "acknowledged", "acknowledged"))
        self.assertEqual(event.data["due_at"], assignment.due_at.isoformat())

    def test_a_congress_may_remind_later(self):
        assignment = self.due_on_10_october()
        CongressSetting.objects.create(congress=assignment.suggestion.congress,
                                       key="suggestions.reminder_before", value="1wd",
                                       effective_from=datetime.date(2025, 1, 1))
        self.assertEqual(self.sweep("2025-09-30 09:00").reminded, 0)
        self.assertEqual(self.sweep("2025-10-09 09:00").reminded, 1)

    def test_an_assisting_unit_is_reminded_of_its_view_for_the_lead_unit(self):
        with at("2025-07-10 10:00"):
            suggestion = assigned(self.world, assisting=("health",))
        assisting = suggestion.assignments.get(role=Assignment.Role.ASSISTING)
        handler_of(self.world, assisting.unit).__class__.objects.filter(
            username="handler-PF-WJJ").update(email="health@pingfang.example.cn")
        # One month for the assisting unit's view: 10 August 2025, a Sunday.
        self.assertEqual(assisting.due_at, end_of_day(datetime.date(2025, 8, 10)))
        self.assertEqual(self.sweep("2025-08-04 09:00").reminded, 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["health@pingfang.example.cn"])
        self.assertIn("协办意见期限为 2025-08-10", message.body)
        self.assertIn("送主办单位", message.body)

    def test_replied_assignments_are_left_alone(self):
        assignment = self.due_on_10_october()
        with at("2025-09-20 09:00"):
            self.reply(assignment, "A")
        self.assertEqual(self.sweep("2025-09-30 09:00"), SweepResult())
        self.assertEqual(self.sweep("2025-10-20 09:00"), SweepResult())
        self.assertEqual(mail.outbox, [])


class EscalationTest(SweepTestCase):
    def test_overdue_assignments_go_to_the_office_of_their_congress(self):
        assignment = self.due_on_10_october()
        self.assertEqual(self.sweep("2025-10-10 23:59").escalated, 0)
        mail.outbox.clear()
        self.assertEqual(self.sweep("2025-10-11 00:01"), SweepResult(reminded=0, escalated=1))
        assignment.refresh_from_db()
        self.assertIsNotNone(assignment.escalated_at)
        # Not 松北区's office, not the leader (no key supervision), not the unit.
        self.assertEqual(self.recipients(), OFFICE)
        self.assertIn(self.world.units["housing"].name, mail.outbox[0].body)
        self.assertEqual(self.actions(assignment), ["remind", "escalate"])

    def test_the_leaders_of_a_key_suggestion_hear_of_it_too(self):
        assignment = self.due_on_10_october()
        with at("2025-09-01 09:00"):
            key_supervision_mark(actor=self.office, suggestion_id=assignment.suggestion_id,
                                 reason="群众反映集中", leader_ids=[self.leader.pk])
        mail.outbox.clear()
        self.assertEqual(self.sweep("2025-10-13 09:00").escalated, 1)
        escalations = [m.to[0] for m in mail.outbox if "督办" in m.subject
                       and "重点" not in m.subject]
        self.assertEqual(sorted(escalations), ["leader@pingfang.example.cn", *OFFICE])

    def test_a_grace_period_delays_the_escalation(self):
        assignment = self.due_on_10_october()
        CongressSetting.objects.create(congress=assignment.suggestion.congress,
                                       key="suggestions.escalate_after", value="1wd",
                                       effective_from=datetime.date(2025, 1, 1))
        # 11 October 2025 is a Saturday worked in exchange for the holiday.
        self.assertEqual(self.sweep("2025-10-11 23:59").escalated, 0)
        self.assertEqual(self.sweep("2025-10-12 00:01").escalated, 1)


class IdempotenceTest(SweepTestCase):
    def test_running_the_sweep_twice_sends_nothing_twice(self):
        assignment = self.due_on_10_october()
        self.assertEqual(self.sweep("2025-09-26 09:00").reminded, 1)
        self.assertEqual(self.sweep("2025-09-26 09:00"), SweepResult())
        self.assertEqual(self.sweep("2025-10-13 08:00").escalated, 1)
        counts = (len(mail.outbox), Notification.objects.count(), Event.objects.count())
        self.assertEqual(counts[:2], (3, 3))
        for moment in ("2025-10-13 08:00", "2025-10-13 08:05", "2025-12-31 08:00"):
            self.assertEqual(self.sweep(moment), SweepResult())
        self.assertEqual((len(mail.outbox), Notification.objects.count(),
                          Event.objects.count()), counts)
        self.assertEqual(self.actions(assignment), ["remind", "escalate"])

    def test_a_lost_claim_sends_nothing(self):
        # Another run claimed the row between this run's read and its update.
        assignment = self.due_on_10_october()
        with at("2025-09-26 09:00"):
            now = supervision.timezone.now()
            candidates = supervision._assignments_to_remind(now, supervision.WorkingCalendar())
            self.assertEqual(supervision_sweep().reminded, 1)
            self.assertEqual(supervision._remind(candidates, now), 0)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(self.actions(assignment), ["remind"])

    def test_a_rehandled_assignment_is_reminded_and_escalated_again(self):
        assignment = self.due_on_10_october()
        self.assertEqual(self.sweep("2025-10-13 09:00"), SweepResult(reminded=0, escalated=1))
        with at("2025-10-14 09:00"):
            self.reply(assignment, "B")
        self.assertEqual(self.sweep("2025-10-14 10:00"), SweepResult())
        with at("2025-10-15 09:00"):
            reply_evaluate(actor=self.deputy, reply_id=assignment.replies.get().pk,
                           rating="dissatisfied")
        assignment.refresh_from_db()
        self.assertEqual(assignment.due_at, end_of_day(datetime.date(2025, 11, 15)))
        # Saturday 15 November is five working days after Friday 7 November.
        self.assertEqual(self.sweep("2025-11-06 09:00").reminded, 0)
        self.assertEqual(self.sweep("2025-11-07 09:00").reminded, 1)
        self.assertEqual(self.sweep("2025-11-16 09:00").escalated, 1)
        self.assertEqual(self.actions(assignment), ["escalate", "remind", "escalate"])


class CommitmentReminderTest(SweepTestCase):
    def commitment(self, promised: datetime.date) -> Commitment:
        with at("2025-07-10 10:00"):
            suggestion = self.replied("B")
        commitment = Commitment.objects.get(reply__assignment__suggestion=suggestion)
        Commitment.objects.filter(pk=commitment.pk).update(promised_date=promised)
        commitment.refresh_from_db()
        return commitment

    def test_the_unit_is_reminded_before_the_promised_date_once(self):
        commitment = self.commitment(datetime.date(2025, 12, 31))
        self.assertEqual(self.sweep("2025-12-23 09:00"), SweepResult())
        self.assertEqual(self.sweep("2025-12-24 09:00"), SweepResult(commitments=1))
        self.assertEqual(self.sweep("2025-12-24 09:05"), SweepResult())
        self.assertEqual(self.sweep("2026-01-05 09:00"), SweepResult())
        self.assertEqual(self.recipients(), HANDLERS)
        self.assertIn("临近到期", mail.outbox[0].subject)
        self.assertIn("2025-12-31", mail.outbox[0].body)
        self.assertEqual(self.actions(commitment), ["remind"])

    def test_a_commitment_already_past_its_date_is_reminded_as_overdue(self):
        commitment = self.commitment(datetime.date(2025, 6, 30))
        self.assertEqual(self.sweep("2025-07-11 09:00"), SweepResult(commitments=1))
        self.assertEqual(self.sweep("2025-07-12 09:00"), SweepResult())
        self.assertIn("已到期", mail.outbox[0].subject)
        commitment.refresh_from_db()
        self.assertIsNotNone(commitment.reminded_at)

    def test_a_replanned_commitment_is_reminded_before_its_new_date(self):
        commitment = self.commitment(datetime.date(2025, 12, 31))
        self.assertEqual(self.sweep("2025-12-24 09:00").commitments, 1)
        with at("2025-12-30 09:00"):
            commitment_replan(actor=self.handler, commitment_id=commitment.pk,
                              promised_date=datetime.date(2026, 6, 30),
                              reason="施工季节限制，改在明年上半年完成")
        self.assertEqual(self.sweep("2025-12-30 09:05"), SweepResult())
        self.assertEqual(self.sweep("2026-06-23 09:00"), SweepResult(commitments=1))
        self.assertIn("2026-06-30", mail.outbox[-1].body)

    def test_fulfilled_commitments_are_left_alone(self):
        commitment = self.commitment(datetime.date(2025, 12, 31))
        Commitment.objects.filter(pk=commitment.pk).update(status=Commitment.Status.FULFILLED)
        self.assertEqual(self.sweep("2026-01-10 09:00"), SweepResult())


class EntryPointsTest(SweepTestCase):
    def test_the_command_prints_the_counts(self):
        self.due_on_10_october()
        out = io.StringIO()
        with at("2025-10-13 08:00"):
            call_command("sweep_suggestions", stdout=out)
        self.assertEqual(out.getvalue().strip(),
                         "reminded: 0, escalated: 1, commitments reminded: 0")

    def test_the_task_calls_the_service(self):
        self.due_on_10_october()
        with at("2025-09-26 09:00"):
            self.assertEqual(supervision_sweep_task.call(),
                             {"reminded": 1, "escalated": 0, "commitments": 0})


class WithdrawnTest(SweepTestCase):
    def test_a_withdrawn_suggestion_is_not_swept(self):
        from renda.suggestions.models import Suggestion

        assignment = self.due_on_10_october()
        Suggestion.objects.filter(pk=assignment.suggestion_id).update(
            status=Suggestion.Status.WITHDRAWN)
        self.assertEqual(self.sweep("2025-10-20 09:00"), SweepResult(0, 0, 0))
        self.assertEqual(self.actions(assignment), [])
