"""The supervision sweep (督办): reminders before the deadline in working days, escalation once
overdue, idempotent when run twice, fresh marks for a fresh deadline; the office's list."""

import datetime
import io

import time_machine
from django.core import mail
from django.core.management import call_command

from renda.core.deadlines import end_of_day
from renda.core.models import Event, Notification
from renda.core.workflow import events_of
from renda.directory.models import CongressSetting
from renda.opinions import services
from renda.opinions.selectors import supervision_list
from renda.opinions.supervision import SweepResult, supervision_sweep
from renda.opinions.tasks import supervision_sweep_task
from renda.opinions.tests.helpers import OpinionTestCase


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


class SupervisionTestCase(OpinionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = cls.world.users
        for key in ("unit_handler", "unit_head", "office_staff", "leader"):
            users[key].email = f"{users[key].username}@pingfang.example.cn"
            users[key].save(update_fields=["email"])
        cls.world.outsider.email = "office@songbei.example.cn"
        cls.world.outsider.save(update_fields=["email"])

    def transferred_on_30_september(self, status: str = "transferred"):
        # Two working days from 30 September 2025 end on 10 October (1–8 October are holidays).
        with at("2025-09-30 10:00"):
            opinion, _ = self.opinion_in(status, type_code="consultation")
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2025, 10, 10)))
        return opinion

    def sweep(self, moment: str) -> SweepResult:
        with at(moment):
            return supervision_sweep()

    def actions(self, opinion) -> list[str]:
        return [e.action for e in events_of(opinion).filter(action__in=["remind", "escalate"])]


class ReminderTest(SupervisionTestCase):
    def test_the_reminder_waits_for_the_last_working_day_across_the_holiday(self):
        opinion = self.transferred_on_30_september()
        # Ten calendar days before the deadline, but only 9 and 10 October are working days.
        for moment in ("2025-09-30 10:05", "2025-10-05 09:00", "2025-10-08 23:00"):
            with self.subTest(moment=moment):
                self.assertEqual(self.sweep(moment), SweepResult(reminded=0, escalated=0))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.sweep("2025-10-09 08:00"), SweepResult(reminded=1, escalated=0))
        opinion.refresh_from_db()
        self.assertEqual(opinion.reminded_at, datetime.datetime.fromisoformat(
            "2025-10-09 08:00 +08:00"))
        self.assertIsNone(opinion.escalated_at)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox),
                         ["handler@pingfang.example.cn", "head@pingfang.example.cn"])
        self.assertIn(opinion.tracking_number, mail.outbox[0].subject)
        self.assertIn("2025-10-10", mail.outbox[0].body)
        event = events_of(opinion).last()
        self.assertEqual((event.action, event.actor, event.from_status, event.to_status),
                         ("remind", None, "transferred", "transferred"))
        self.assertEqual(event.data["due_at"], opinion.due_at.isoformat())

    def test_a_congress_may_remind_earlier(self):
        opinion = self.transferred_on_30_september()
        CongressSetting.objects.create(congress=opinion.congress, key="opinions.reminder_before",
                                       value="2wd", effective_from=datetime.date(2025, 1, 1))
        self.assertEqual(self.sweep("2025-10-08 09:00").reminded, 1)

    def test_users_without_e_mail_or_out_of_office_get_nothing(self):
        opinion = self.transferred_on_30_september()
        head = self.world.users["unit_head"]
        head.role_assignments.update(valid_until=datetime.date(2025, 10, 1))
        self.handler.email = ""
        self.handler.save(update_fields=["email"])
        self.assertEqual(self.sweep("2025-10-09 08:00").reminded, 1)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.actions(opinion), ["remind"])

    def test_items_already_replied_are_left_alone(self):
        self.transferred_on_30_september(status="replied")
        self.assertEqual(self.sweep("2025-10-09 08:00"), SweepResult(0, 0))
        self.assertEqual(self.sweep("2025-10-20 08:00"), SweepResult(0, 0))
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Event.objects.filter(action__in=["remind", "escalate"]).exists())


class EscalationTest(SupervisionTestCase):
    def test_overdue_items_are_escalated_to_the_office_of_their_congress(self):
        opinion = self.transferred_on_30_september()
        self.assertEqual(self.sweep("2025-10-10 23:59").escalated, 0)
        mail.outbox.clear()
        self.assertEqual(self.sweep("2025-10-11 00:01"), SweepResult(reminded=0, escalated=1))
        opinion.refresh_from_db()
        self.assertIsNotNone(opinion.escalated_at)
        # Only the office of 平房区: not 松北区's, not the leader, not the unit.
        self.assertEqual([m.to for m in mail.outbox], [["office@pingfang.example.cn"]])
        self.assertIn(opinion.tracking_number, mail.outbox[0].subject)
        self.assertIn(self.world.units["housing"].name, mail.outbox[0].body)
        self.assertEqual(self.actions(opinion), ["remind", "escalate"])

    def test_a_grace_period_delays_the_escalation(self):
        opinion = self.transferred_on_30_september()
        CongressSetting.objects.create(congress=opinion.congress, key="opinions.escalate_after",
                                       value="1wd", effective_from=datetime.date(2025, 1, 1))
        # 11 October 2025 is a Saturday worked in exchange for the holiday: one working day
        # of grace ends with it.
        self.assertEqual(self.sweep("2025-10-11 23:59").escalated, 0)
        self.assertEqual(self.sweep("2025-10-12 00:01").escalated, 1)

    def test_running_the_sweep_twice_sends_nothing_twice(self):
        opinion = self.transferred_on_30_september()
        self.assertEqual(self.sweep("2025-10-09 08:00").reminded, 1)
        self.assertEqual(self.sweep("2025-10-09 08:05"), SweepResult(0, 0))
        self.assertEqual(self.sweep("2025-10-13 08:00").escalated, 1)
        sent, events = len(mail.outbox), Event.objects.count()
        notifications = Notification.objects.count()
        self.assertEqual((sent, notifications), (3, 3))
        for moment in ("2025-10-13 08:00", "2025-10-13 08:05", "2025-10-20 08:00"):
            self.assertEqual(self.sweep(moment), SweepResult(0, 0))
        self.assertEqual(len(mail.outbox), sent)
        self.assertEqual(Event.objects.count(), events)
        self.assertEqual(Notification.objects.count(), notifications)
        self.assertEqual(self.actions(opinion), ["remind", "escalate"])

    def test_a_lost_claim_sends_nothing(self):
        # Another run claimed the item between this run's read and its update.
        opinion = self.transferred_on_30_september()
        with at("2025-10-09 08:00"):
            from renda.opinions import supervision
            candidates = supervision._reminder_candidates(
                supervision.Opinion.objects.filter(status__in=["transferred"]),
                opinion.congress, supervision.timezone.now(), supervision.WorkingCalendar())
            self.assertEqual(supervision_sweep().reminded, 1)
            self.assertEqual(supervision._remind(candidates, supervision.timezone.now()), 0)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(self.actions(opinion), ["remind"])


class FreshDeadlineTest(SupervisionTestCase):
    def test_an_extension_clears_the_marks_and_reminds_again(self):
        with at("2026-03-02 10:00"):
            opinion, _ = self.opinion_in("accepted")
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2026, 3, 16)))
        self.assertEqual(self.sweep("2026-03-13 09:00").reminded, 1)
        with at("2026-03-13 10:00"):
            services.opinion_extend(actor=self.office, opinion_id=opinion.pk)
        opinion.refresh_from_db()
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2026, 3, 30)))
        self.assertIsNone(opinion.reminded_at)
        self.assertEqual(self.sweep("2026-03-13 10:05"), SweepResult(0, 0))
        self.assertEqual(self.sweep("2026-03-17 09:00"), SweepResult(0, 0))
        self.assertEqual(self.sweep("2026-03-27 09:00").reminded, 1)
        self.assertEqual(len(mail.outbox), 4)
        self.assertIn("2026-03-30", mail.outbox[-1].body)
        self.assertEqual(self.sweep("2026-03-31 09:00").escalated, 1)
        self.assertEqual(self.actions(opinion), ["remind", "remind", "escalate"])

    def test_a_reopened_item_is_supervised_again(self):
        opinion = self.transferred_on_30_september(status="confirmed")
        opinion.refresh_from_db()
        # Marks left over from the first round (set here directly) must not survive reopening.
        type(opinion).objects.filter(pk=opinion.pk).update(
            reminded_at=opinion.due_at, escalated_at=opinion.due_at)
        with at("2025-10-20 09:00"):
            secret = self.opinion_secret(opinion)
            services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                                  rating="dissatisfied")
            services.opinion_reopen(tracking_number=opinion.tracking_number, secret=secret,
                                    reason="路灯还是不亮")
        opinion.refresh_from_db()
        self.assertEqual((opinion.status, opinion.reminded_at, opinion.escalated_at),
                         ("transferred", None, None))
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2025, 10, 22)))
        self.assertEqual(self.sweep("2025-10-21 09:00").reminded, 1)
        self.assertEqual(self.sweep("2025-10-23 09:00").escalated, 1)

    def opinion_secret(self, opinion) -> str:
        return self._secrets[opinion.pk]

    def transferred_on_30_september(self, status: str = "transferred"):
        with at("2025-09-30 10:00"):
            opinion, secret = self.opinion_in(status, type_code="consultation")
        self._secrets = {opinion.pk: secret}
        return opinion


class SweepEntryPointsTest(SupervisionTestCase):
    def test_the_command_prints_the_counts(self):
        self.transferred_on_30_september()
        out = io.StringIO()
        with at("2025-10-13 08:00"):
            call_command("sweep_opinions", stdout=out)
        self.assertEqual(out.getvalue().strip(), "reminded: 0, escalated: 1")

    def test_the_task_calls_the_service(self):
        self.transferred_on_30_september()
        with at("2025-10-09 08:00"):
            self.assertEqual(supervision_sweep_task.call(), {"reminded": 1, "escalated": 0})


class SupervisionListTest(SupervisionTestCase):
    def test_the_office_sees_its_open_items_overdue_first(self):
        late = self.transferred_on_30_september()
        with at("2025-10-13 09:00"):
            fresh, _ = self.opinion_in("accepted", type_code="help")
            self.opinion_in("replied")
            items = list(supervision_list(user=self.office))
        self.assertEqual([o.pk for o in items], [late.pk, fresh.pk])
        self.assertEqual([o.is_overdue for o in items], [True, False])

    def test_another_district_sees_nothing(self):
        self.transferred_on_30_september()
        with at("2025-10-13 09:00"):
            self.assertEqual(list(supervision_list(user=self.world.outsider)), [])
            self.assertEqual(len(supervision_list(user=self.handler)), 1)
