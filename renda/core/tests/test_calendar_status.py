import datetime
import io
import zoneinfo

import time_machine
from django.core.management import CommandError, call_command
from django.test import TestCase

from renda.core.calendar import package_years
from renda.core.models import CalendarYear

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class CalendarStatusTest(TestCase):
    def run_in(self, year: int) -> str:
        out = io.StringIO()
        with time_machine.travel(datetime.datetime(year, 12, 1, 9, tzinfo=SHANGHAI)):
            call_command("calendar_status", stdout=out)
        return out.getvalue()

    def test_it_passes_when_next_year_is_covered(self):
        last = max(package_years())
        output = self.run_in(last - 1)
        self.assertIn(f"{last}: covered", output)

    def test_it_fails_when_next_year_is_missing(self):
        last = max(package_years())
        with self.assertRaisesMessage(CommandError, f"{last + 1} is not covered"):
            self.run_in(last)

    def test_a_year_entered_by_hand_counts(self):
        last = max(package_years())
        CalendarYear.objects.create(year=last + 1)
        self.assertIn(f"{last + 1}: covered", self.run_in(last))
