"""The one deadline service: every workflow computes and checks its due dates here.

A deadline is the end of a day in Beijing time: "within 10 working days" of a Monday means
the tenth working day after it, until 24:00 of that day. Month arithmetic follows the usual
legal reading: one month after 31 January is the last day of February.
"""

import calendar as _stdlib_calendar
import dataclasses
import datetime
import enum
import zoneinfo

from django.conf import settings
from django.utils import timezone

from renda.core.calendar import WorkingCalendar


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"


@dataclasses.dataclass(frozen=True)
class DeadlineRule:
    """An amount of time in one unit, as the per-congress settings store it."""

    amount: int
    unit: Unit = Unit.WORKING_DAYS

    @classmethod
    def parse(cls, value: dict | str) -> "DeadlineRule":
        """Read a rule from a setting value: {"amount": 10, "unit": "working_days"} or "10wd"."""
        if isinstance(value, dict):
            return cls(amount=int(value["amount"]), unit=Unit(value.get("unit", "working_days")))
        suffixes = {"wd": Unit.WORKING_DAYS, "d": Unit.DAYS, "m": Unit.MONTHS}
        for suffix, unit in suffixes.items():
            if value.endswith(suffix) and value[: -len(suffix)].isdigit():
                return cls(amount=int(value[: -len(suffix)]), unit=unit)
        raise ValueError(f"not a deadline rule: {value!r}")


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(local_zone()).date()


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of `day` in local time, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=local_zone())


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def add_working_days(
    day: datetime.date, days: int, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    return (calendar or WorkingCalendar()).add_working_days(day, days)


def due_date(
    start: datetime.date, rule: DeadlineRule, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last day on which something started on `start` is still on time."""
    if rule.unit is Unit.WORKING_DAYS:
        return add_working_days(start, rule.amount, calendar=calendar)
    if rule.unit is Unit.MONTHS:
        return add_months(start, rule.amount)
    return start + datetime.timedelta(days=rule.amount)


def due_at(
    start: datetime.datetime, rule: DeadlineRule, *, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """The aware instant a deadline that began at `start` runs out."""
    return end_of_day(due_date(local_date(start), rule, calendar=calendar))


def is_overdue(deadline: datetime.datetime, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) > deadline


def days_left(
    deadline: datetime.datetime,
    *,
    now: datetime.datetime | None = None,
    working: bool = True,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Days from today until the deadline's day: 0 on the day itself, negative once overdue.

    With `working`, only working days count, which is how handlers read "还剩 3 个工作日".
    """
    today, last = local_date(now or timezone.now()), local_date(deadline)
    if not working:
        return (last - today).days
    return (calendar or WorkingCalendar()).working_days_between(today, last)
