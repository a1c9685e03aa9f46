"""Reception days (接待日) as dated occurrences: the recurring rules of each station expanded
with dateutil, minus the occurrences that were moved or cancelled, plus the one-off days.

A ReceptionDay with `schedule` and `replaces_date` set replaces the rule's occurrence on that
date: it shows on its own `date` instead, or nowhere when cancelled. Such a day keeps the
rule's UID so that a calendar client that already holds the occurrence moves it.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from dateutil import rrule
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from renda.core.config import spec
from renda.directory.models import Congress, Deputy, ReceptionDay, ReceptionSchedule, Station
from renda.directory.public import public_deputies
from renda.directory.selectors import setting_value

HORIZON_KEY = "directory.upcoming_reception_days"
WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclasses.dataclass
class Occurrence:
    station: Station
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    title: str
    topic: str
    deputies: list[Deputy]
    uid: str
    cancelled: bool = False

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.start_time, self.station.path, self.uid)


def upcoming_reception_days(
    *,
    station: Station | None = None,
    deputy: Deputy | None = None,
    start: datetime.date | None = None,
    days: int | None = None,
    include_cancelled: bool = False,
) -> list[Occurrence]:
    """Occurrences from `start` (today) for `days` days (the congress setting when None), of
    active stations, optionally of one station and/or with one deputy on duty.

    The deputies listed on each occurrence are the public ones only. Runs a fixed number of
    queries whatever the number of rules, days and deputies.
    """
    start = start or timezone.localdate()
    if days is None:
        days = _horizon_days(station=station, deputy=deputy)
    end = start + datetime.timedelta(days=days)  # exclusive
    schedules = list(_schedules(station=station, deputy=deputy, start=start, end=end))
    exceptions = _exceptions(schedules=schedules, start=start, end=end)
    found = {o.uid: o for o in _rule_occurrences(schedules, exceptions, start=start, end=end)}
    for day in _days(station=station, deputy=deputy, start=start, end=end):
        found[_day_uid(day)] = _day_occurrence(day)
    kept = (
        o
        for o in found.values()
        if start <= o.date < end and (include_cancelled or not o.cancelled)
    )
    return sorted(kept, key=lambda o: o.sort_key)


def _horizon_days(*, station: Station | None, deputy: Deputy | None) -> int:
    congress = station.congress if station else _deputy_congress(deputy)
    if congress is None:
        return int(spec(HORIZON_KEY).default)
    return int(setting_value(congress=congress, key=HORIZON_KEY))


def _deputy_congress(deputy: Deputy | None) -> Congress | None:
    if deputy is None:
        return None
    return Congress.objects.filter(stations__deputies=deputy).order_by("pk").first()


def _duty_prefetch() -> Prefetch:
    return Prefetch("deputies", queryset=public_deputies().order_by("name", "pk"))


def _schedules(
    *, station: Station | None, deputy: Deputy | None, start: datetime.date, end: datetime.date
) -> QuerySet[ReceptionSchedule]:
    qs = ReceptionSchedule.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start),
        station__is_active=True,
        valid_from__lt=end,
    )
    if station is not None:
        qs = qs.filter(station=station)
    if deputy is not None:
        qs = qs.filter(deputies=deputy)
    return qs.select_related("station").prefetch_related(_duty_prefetch())


def _exceptions(
    *, schedules: list[ReceptionSchedule], start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], ReceptionDay]:
    """The days that replace an occurrence of one of `schedules` inside the window, moved or
    cancelled, whoever is on duty on them (they remove the rule's occurrence in any case)."""
    rows = ReceptionDay.objects.filter(
        schedule__in=[s.pk for s in schedules], replaces_date__gte=start, replaces_date__lt=end
    ).only("pk", "schedule_id", "replaces_date", "is_cancelled")
    return {(row.schedule_id, row.replaces_date): row for row in rows}


def _days(
    *, station: Station | None, deputy: Deputy | None, start: datetime.date, end: datetime.date
) -> QuerySet[ReceptionDay]:
    """One-off and moved days dated inside the window, and cancelled replacements (so that a
    calendar feed can announce the cancellation)."""
    qs = ReceptionDay.objects.filter(station__is_active=True, date__gte=start, date__lt=end)
    if station is not None:
        qs = qs.filter(station=station)
    if deputy is not None:
        qs = qs.filter(deputies=deputy)
    return qs.select_related("station").prefetch_related(_duty_prefetch())


def rule_dates(
    schedule: ReceptionSchedule, *, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The dates of a rule inside [start, end) and its validity period."""
    first = max(start, schedule.valid_from)
    last = end - datetime.timedelta(days=1)
    if schedule.valid_until:
        last = min(last, schedule.valid_until)
    weekday = WEEKDAYS[schedule.weekday]
    if schedule.frequency == ReceptionSchedule.Frequency.WEEKLY:
        freq, byweekday = rrule.WEEKLY, weekday
    elif schedule.week_of_month:
        freq, byweekday = rrule.MONTHLY, weekday(schedule.week_of_month)
    else:
        return []  # a monthly rule without its week of the month is incomplete
    dtstart = datetime.datetime.combine(first, datetime.time.min)
    until = datetime.datetime.combine(last, datetime.time.min)
    if until < dtstart:
        return []
    return [d.date() for d in rrule.rrule(freq, byweekday=byweekday, dtstart=dtstart, until=until)]


def _rule_occurrences(
    schedules: Iterable[ReceptionSchedule],
    exceptions: dict[tuple[int, datetime.date], ReceptionDay],
    *,
    start: datetime.date,
    end: datetime.date,
) -> Iterable[Occurrence]:
    for schedule in schedules:
        for date in rule_dates(schedule, start=start, end=end):
            if (schedule.pk, date) not in exceptions:
                yield _rule_occurrence(schedule, date)


def _rule_uid(station: Station, schedule_id: int, date: datetime.date) -> str:
    return f"reception-{station.code}-s{schedule_id}-{date:%Y%m%d}@renda"


def _day_uid(day: ReceptionDay) -> str:
    if day.schedule_id and day.replaces_date:
        return _rule_uid(day.station, day.schedule_id, day.replaces_date)
    return f"reception-{day.station.code}-d{day.pk}-{day.date:%Y%m%d}@renda"


def _rule_occurrence(schedule: ReceptionSchedule, date: datetime.date) -> Occurrence:
    return Occurrence(
        station=schedule.station,
        date=date,
        start_time=schedule.start_time,
        end_time=schedule.end_time,
        title=schedule.title,
        topic="",
        deputies=list(schedule.deputies.all()),
        uid=_rule_uid(schedule.station, schedule.pk, date),
    )


def _day_occurrence(day: ReceptionDay) -> Occurrence:
    # A cancelled replacement stands on the date it cancels.
    date = day.replaces_date if day.is_cancelled and day.replaces_date else day.date
    return Occurrence(
        station=day.station,
        date=date,
        start_time=day.start_time,
        end_time=day.end_time,
        title=day.title,
        topic=day.topic,
        deputies=list(day.deputies.all()),
        uid=_day_uid(day),
        cancelled=day.is_cancelled,
    )
