import datetime
import zoneinfo

import time_machine
from django.test import SimpleTestCase, TestCase

from renda.core import deadlines
from renda.core.deadlines import DeadlineRule, Unit

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


class RuleTest(SimpleTestCase):
    def test_it_parses_setting_values(self):
        self.assertEqual(DeadlineRule.parse("10wd"), DeadlineRule(10, Unit.WORKING_DAYS))
        self.assertEqual(DeadlineRule.parse("3m"), DeadlineRule(3, Unit.MONTHS))
        self.assertEqual(DeadlineRule.parse("15d"), DeadlineRule(15, Unit.DAYS))
        self.assertEqual(DeadlineRule.parse({"amount": 2, "unit": "working_days"}),
                         DeadlineRule(2, Unit.WORKING_DAYS))

    def test_it_refuses_nonsense(self):
        for value in ("ten days", "wd", "3x"):
            with self.assertRaises(ValueError):
                DeadlineRule.parse(value)

    def test_months_clamp_to_the_end_of_a_short_month(self):
        self.assertEqual(deadlines.add_months(D(2025, 11, 30), 3), D(2026, 2, 28))
        self.assertEqual(deadlines.add_months(D(2024, 1, 31), 1), D(2024, 2, 29))
        self.assertEqual(deadlines.add_months(D(2025, 3, 15), 12), D(2026, 3, 15))


class DueTest(TestCase):
    def test_a_deadline_runs_to_the_end_of_its_local_day(self):
        # Assigned 2025-09-29 late in the evening; 10 working days skip the golden week.
        start = at(2025, 9, 29, 22, 30)
        due = deadlines.due_at(start, DeadlineRule(10))
        self.assertEqual(due.astimezone(SHANGHAI).date(), D(2025, 10, 20))
        self.assertEqual(due.astimezone(SHANGHAI).time(), datetime.time.max)

    def test_utc_start_is_read_in_beijing_time(self):
        # 2025-09-30 17:00 UTC is already 10-01 01:00 in Beijing.
        start = datetime.datetime(2025, 9, 30, 17, tzinfo=datetime.UTC)
        due = deadlines.due_at(start, DeadlineRule(1))
        self.assertEqual(due.astimezone(SHANGHAI).date(), D(2025, 10, 9))

    def test_months_and_days(self):
        start = at(2026, 3, 12, 9)
        self.assertEqual(deadlines.due_date(start.date(), DeadlineRule(3, Unit.MONTHS)),
                         D(2026, 6, 12))
        self.assertEqual(deadlines.due_date(start.date(), DeadlineRule(15, Unit.DAYS)),
                         D(2026, 3, 27))

    def test_overdue_and_days_left(self):
        due = deadlines.end_of_day(D(2025, 10, 10))
        with time_machine.travel(at(2025, 9, 30, 10), tick=False):
            self.assertFalse(deadlines.is_overdue(due))
            # 10-09 and 10-10 are the only working days left.
            self.assertEqual(deadlines.days_left(due), 2)
            self.assertEqual(deadlines.days_left(due, working=False), 10)
        with time_machine.travel(at(2025, 10, 10, 23, 59), tick=False):
            self.assertFalse(deadlines.is_overdue(due))
            self.assertEqual(deadlines.days_left(due), 0)
        with time_machine.travel(at(2025, 10, 11, 0, 0, 1), tick=False):
            self.assertTrue(deadlines.is_overdue(due))
            self.assertEqual(deadlines.days_left(due), -1)  # 10-11 is a make-up working day
