"""Reminders to deputies behind their quota, and the hourly collection, as scheduled jobs run
by the database worker: each reminder once a month, none to a deputy on track."""

import datetime
import io
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import TestCase

from renda.core.models import Notification
from renda.core.schedule import REGISTRY
from renda.directory.models import CongressSetting
from renda.directory.testing import build_world
from renda.duties.models import DutyRecord, ScoreCard
from renda.duties.services import quota_reminders_send


class QuotaReminderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.pingfang = cls.world.congresses["pingfang"]
        wang = cls.world.deputies["wang"]
        # 王建国 has contacted 8 people for 平房区 by July: on track (5 expected). The others,
        # none. 松北区 and the city congress remind on another day.
        for key in ("songbei", "city"):
            CongressSetting.objects.create(congress=cls.world.congresses[key],
                                           key="duties.quota_reminder_day", value=15,
                                           effective_from=datetime.date(2026, 1, 1))
        DutyRecord.objects.create(congress=cls.pingfang, deputy=wang, activity_type="contact",
                                  date=datetime.date(2026, 3, 1), title="走访选民",
                                  people_count=8)

    def test_those_behind_get_one_reminder_a_month(self):
        sent = quota_reminders_send(today=datetime.date(2026, 7, 1))
        recipients = set(Notification.objects.values_list("recipient", flat=True))
        behind = {self.world.deputies[key].mobile for key in ("li", "zhao")}
        self.assertEqual(recipients, behind)
        self.assertEqual(sent, 2)
        body = Notification.objects.filter(recipient=self.world.deputies["li"].mobile).get().body
        self.assertIn("联系选民", body)
        self.assertIn("全年定额 10", body)
        # Again the same month: nothing more; the next month, again.
        self.assertEqual(quota_reminders_send(today=datetime.date(2026, 7, 1)), 0)
        self.assertEqual(quota_reminders_send(today=datetime.date(2026, 8, 1)), 2)

    def test_only_on_the_congress_reminder_day(self):
        self.assertEqual(quota_reminders_send(today=datetime.date(2026, 7, 2)), 0)
        CongressSetting.objects.create(congress=self.pingfang, key="duties.quota_reminder_day",
                                       value=2, effective_from=datetime.date(2026, 1, 1))
        self.assertEqual(quota_reminders_send(today=datetime.date(2026, 7, 2)), 2)

    def test_the_jobs_are_registered_and_run_by_the_worker(self):
        self.assertEqual(REGISTRY["duties.collect"].task, "renda.duties.tasks.collect_task")
        self.assertEqual(REGISTRY["duties.quota_reminders"].task,
                         "renda.duties.tasks.quota_reminders_task")
        with time_machine.travel("2026-07-01 09:00 +0800", tick=False), mock.patch(
                "django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("run_schedule", once=True, stdout=io.StringIO())
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0,
                         stdout=io.StringIO(), stderr=io.StringIO())
        self.assertTrue(ScoreCard.objects.filter(congress=self.pingfang, year=2026).exists())
        self.assertEqual(Notification.objects.count(), 2)
