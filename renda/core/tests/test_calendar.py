"""The working-day calendar against the State Council's published schedules for 2024–2026."""

import datetime

from django.test import TestCase

from renda.core.calendar import CalendarNotCovered, WorkingCalendar, package_years
from renda.core.models import CalendarDay, CalendarYear

D = datetime.date


class PublishedSchedulesTest(TestCase):
    def setUp(self):
        self.cal = WorkingCalendar()

    def test_it_knows_the_2025_national_day_holiday(self):
        # 国办发明电〔2024〕12号: 10月1日至8日放假调休, 9月28日（周日）、10月11日（周六）上班.
        for day in range(1, 9):
            self.assertFalse(self.cal.is_working_day(D(2025, 10, day)), day)
        self.assertTrue(self.cal.is_working_day(D(2025, 9, 28)))
        self.assertTrue(self.cal.is_working_day(D(2025, 10, 11)))
        self.assertTrue(self.cal.is_working_day(D(2025, 10, 9)))

    def test_it_knows_the_2024_spring_festival(self):
        # 2月10日至17日放假, 2月4日（周日）、2月18日（周日）上班.
        self.assertFalse(self.cal.is_working_day(D(2024, 2, 10)))
        self.assertFalse(self.cal.is_working_day(D(2024, 2, 17)))
        self.assertTrue(self.cal.is_working_day(D(2024, 2, 4)))
        self.assertTrue(self.cal.is_working_day(D(2024, 2, 18)))

    def test_it_knows_2024_national_day_make_up_days(self):
        # 10月1日至7日放假, 9月29日（周日）、10月12日（周六）上班.
        self.assertFalse(self.cal.is_working_day(D(2024, 10, 7)))
        self.assertTrue(self.cal.is_working_day(D(2024, 9, 29)))
        self.assertTrue(self.cal.is_working_day(D(2024, 10, 12)))

    def test_it_knows_the_2026_spring_festival(self):
        # 国办发明电〔2025〕7号: 2月15日至23日放假, 2月14日（周六）、2月28日（周六）上班.
        self.assertFalse(self.cal.is_working_day(D(2026, 2, 15)))
        self.assertFalse(self.cal.is_working_day(D(2026, 2, 23)))
        self.assertTrue(self.cal.is_working_day(D(2026, 2, 14)))
        self.assertTrue(self.cal.is_working_day(D(2026, 2, 28)))

    def test_it_knows_2026_new_year_and_national_day(self):
        self.assertFalse(self.cal.is_working_day(D(2026, 1, 1)))
        self.assertTrue(self.cal.is_working_day(D(2026, 1, 4)))  # 周日上班
        self.assertFalse(self.cal.is_working_day(D(2026, 10, 7)))
        self.assertTrue(self.cal.is_working_day(D(2026, 10, 10)))  # 周六上班

    def test_ordinary_weekends_are_off(self):
        self.assertFalse(self.cal.is_working_day(D(2025, 11, 22)))
        self.assertFalse(self.cal.is_working_day(D(2025, 11, 23)))
        self.assertTrue(self.cal.is_working_day(D(2025, 11, 24)))


class CountingTest(TestCase):
    def setUp(self):
        self.cal = WorkingCalendar()

    def test_it_skips_the_golden_week(self):
        # 2025-09-30 (Tue) + 1 working day: 10-01..10-08 are off, so 10-09.
        self.assertEqual(self.cal.add_working_days(D(2025, 9, 30), 1), D(2025, 10, 9))

    def test_it_counts_make_up_saturdays(self):
        # 10-09 Thu, 10-10 Fri, 10-11 Sat (working): 3 working days after 10-08.
        self.assertEqual(self.cal.add_working_days(D(2025, 10, 8), 3), D(2025, 10, 11))

    def test_zero_days_is_the_start(self):
        self.assertEqual(self.cal.add_working_days(D(2025, 10, 3), 0), D(2025, 10, 3))

    def test_between_is_inverse_of_add(self):
        start = D(2025, 9, 26)
        for n in (1, 2, 5, 10, 15):
            end = self.cal.add_working_days(start, n)
            self.assertEqual(self.cal.working_days_between(start, end), n)
            self.assertEqual(self.cal.working_days_between(end, start), -n)

    def test_negative_days_are_refused(self):
        with self.assertRaises(ValueError):
            self.cal.add_working_days(D(2025, 1, 2), -1)


class CoverageTest(TestCase):
    def test_a_year_past_the_package_is_refused_with_a_clear_message(self):
        year = max(package_years()) + 2
        with self.assertRaises(CalendarNotCovered) as caught:
            WorkingCalendar().is_working_day(D(year, 3, 3))
        self.assertEqual(caught.exception.year, year)
        self.assertIn(str(year), str(caught.exception))
        self.assertIn("手工录入的年度", str(caught.exception))

    def test_counting_into_an_unknown_year_is_refused(self):
        last = max(package_years())
        with self.assertRaises(CalendarNotCovered):
            WorkingCalendar().add_working_days(D(last, 12, 20), 400)

    def test_an_administrator_can_add_a_year(self):
        year = max(package_years()) + 1
        CalendarYear.objects.create(year=year, note="国办发明电〔2026〕X号")
        CalendarDay.objects.create(date=D(year, 1, 1), kind=CalendarDay.Kind.HOLIDAY,
                                   name="元旦")
        CalendarDay.objects.create(date=D(year, 1, 2), kind=CalendarDay.Kind.HOLIDAY,
                                   name="元旦")
        cal = WorkingCalendar()
        self.assertFalse(cal.is_working_day(D(year, 1, 1)))
        # Unlisted weekdays of a manual year count as working days, weekends do not.
        first_monday = next(D(year, 1, d) for d in range(3, 10) if D(year, 1, d).weekday() == 0)
        self.assertTrue(cal.is_working_day(first_monday))
        self.assertFalse(cal.is_working_day(first_monday - datetime.timedelta(days=1)))

    def test_an_override_beats_the_package(self):
        # A local decision to work on a day the package marks as off.
        CalendarDay.objects.create(date=D(2025, 10, 8), kind=CalendarDay.Kind.WORKDAY)
        self.assertTrue(WorkingCalendar().is_working_day(D(2025, 10, 8)))
