"""Mainland China's working days: the one calendar every deadline in Renda counts with.

Statutory holidays and make-up working days (调休) come from the maintained `chinese-calendar`
package; `CalendarDay` rows override single days and `CalendarYear` rows admit years that the
package does not cover yet. A date in a year known to neither raises `CalendarNotCovered`
rather than silently treating holidays as working days.
"""

import datetime
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _


class CalendarNotCovered(Exception):
    """The holiday schedule of a year is unknown, so working days cannot be counted in it."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "%(year)s 年的法定节假日安排尚未录入，无法计算工作日。"
                "请管理员在后台“手工录入的年度”中登记该年度并录入放假和调休日期。"
            )
            % {"year": year}
        )


@lru_cache(maxsize=1)
def package_years() -> frozenset[int]:
    """Years whose schedule the installed `chinese-calendar` publishes."""
    known = set(chinese_calendar.holidays) | set(chinese_calendar.workdays)
    return frozenset(day.year for day in known)


def _overrides() -> tuple[frozenset[int], dict[datetime.date, bool]]:
    from renda.core.models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    days = {
        row.date: row.kind == CalendarDay.Kind.WORKDAY
        for row in CalendarDay.objects.only("date", "kind")
    }
    return years, days


class WorkingCalendar:
    """A snapshot of the calendar: load once, then answer many questions without queries."""

    def __init__(self) -> None:
        self.manual_years, self.overrides = _overrides()

    def covers(self, year: int) -> bool:
        return year in package_years() or year in self.manual_years

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.covers(day.year):
            raise CalendarNotCovered(day.year)
        if day in self.overrides:
            return self.overrides[day]
        if day.year in package_years():
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date `days` working days after `start` (start itself is day 0, not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted = start, 0
        while counted < days:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += datetime.timedelta(days=1)
            count += self.is_working_day(current)
        return count


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)
