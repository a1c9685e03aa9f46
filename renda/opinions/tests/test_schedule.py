"""The deadline sweep as a scheduled job on the task queue: `run_schedule` enqueues it when its
interval has passed (never twice within one), the database worker runs it, and running the whole
chain again sends nothing twice."""

import datetime
import io
from unittest import mock

import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from renda.core.models import ScheduledJob
from renda.core.schedule import REGISTRY, schedule_due
from renda.core.workflow import events_of
from renda.opinions.tests.test_supervision import SupervisionTestCase, at


class ScheduleTest(SupervisionTestCase):
    def run_chain(self, moment: str) -> str:
        out = io.StringIO()
        # The worker closes stale connections between tasks; in a test that would close the
        # connection holding the test's own transaction (PostgreSQL), so it is left open here.
        with at(moment), mock.patch(
                "django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("run_schedule", once=True, stdout=out)
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0,
                         stdout=io.StringIO(), stderr=io.StringIO())
        return out.getvalue()

    def test_the_opinions_sweep_is_registered(self):
        job = REGISTRY["opinions.supervision"]
        self.assertEqual(job.task, "renda.opinions.tasks.supervision_sweep_task")
        self.assertEqual(job.every, datetime.timedelta(seconds=300))

    def test_a_job_is_enqueued_once_per_interval(self):
        with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
            self.assertIn("opinions.supervision", schedule_due())
            self.assertNotIn("opinions.supervision", schedule_due())
        with time_machine.travel("2026-03-02 09:04 +0800", tick=False):
            self.assertNotIn("opinions.supervision", schedule_due())
        with time_machine.travel("2026-03-02 09:05 +0800", tick=False):
            self.assertIn("opinions.supervision", schedule_due())
        self.assertEqual(ScheduledJob.objects.get(name="opinions.supervision").runs, 2)
        self.assertEqual(DBTaskResult.objects.filter(
            task_path="renda.opinions.tasks.supervision_sweep_task").count(), 2)

    def test_the_worker_escalates_an_overdue_item_once(self):
        opinion = self.transferred_on_30_september()
        self.assertIn("enqueued opinions.supervision", self.run_chain("2025-10-11 09:00"))
        self.assertEqual(self.actions(opinion), ["escalate"])
        sent = len(mail.outbox)
        self.assertGreater(sent, 0)
        # Later runs of the whole chain find nothing new to send.
        for moment in ("2025-10-11 09:10", "2025-10-13 09:00"):
            self.run_chain(moment)
        self.assertEqual(self.actions(opinion), ["escalate"])
        self.assertEqual(len(mail.outbox), sent)
        self.assertEqual(events_of(opinion).filter(action="escalate").count(), 1)
