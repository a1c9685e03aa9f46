"""Reception-day calendars (RFC 5545) of a deputy or a station, to subscribe to in a phone's
calendar. One VEVENT per occurrence of the coming year, so that clients which do not
understand recurrence rules with exceptions still show the right days.

Each event keeps its UID from one download to the next (see `reception`), and a cancelled
occurrence is sent as STATUS:CANCELLED so that a subscribed calendar drops it.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event

from renda.directory import qr
from renda.directory.models import Deputy, Station
from renda.directory.reception import Occurrence, upcoming_reception_days

TZID = "Asia/Shanghai"
FEED_DAYS = 365
PRODID = "-//Renda//Reception days//ZH"


def deputy_calendar(*, deputy: Deputy) -> bytes:
    name = _("%(name)s代表接待日") % {"name": deputy.name}
    return _calendar(name, _occurrences(deputy=deputy))


def station_calendar(*, station: Station) -> bytes:
    name = _("%(name)s接待日") % {"name": station.name}
    return _calendar(name, _occurrences(station=station))


def _occurrences(**filters: Deputy | Station) -> list[Occurrence]:
    return upcoming_reception_days(**filters, days=FEED_DAYS, include_cancelled=True)


def _calendar(name: str, occurrences: list[Occurrence]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    stamp = timezone.now()
    for occurrence in occurrences:
        cal.add_component(_event(occurrence, stamp=stamp))
    # Only the transitions of the feed's years, not the zone's whole history.
    today = timezone.localdate()
    cal.add_missing_timezones(
        first_date=today.replace(month=1, day=1), last_date=_year_after(today)
    )
    return cal.to_ical()


def _year_after(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + 2, 1, 1)


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=ZoneInfo(TZID))


def _event(occurrence: Occurrence, *, stamp: datetime.datetime) -> Event:
    station = occurrence.station
    event = Event()
    event.add("uid", occurrence.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _local(occurrence.date, occurrence.start_time))
    event.add("dtend", _local(occurrence.date, occurrence.end_time))
    event.add("summary", _summary(occurrence))
    event.add("location", _location(station))
    event.add("description", _description(occurrence))
    event.add("url", qr.page_url(station))
    event.add("status", "CANCELLED" if occurrence.cancelled else "CONFIRMED")
    if station.latitude is not None and station.longitude is not None:
        event.add("geo", (float(station.latitude), float(station.longitude)))
    return event


def _summary(occurrence: Occurrence) -> str:
    summary = _("%(title)s · %(station)s") % {
        "title": occurrence.title,
        "station": occurrence.station.name,
    }
    if occurrence.cancelled:
        summary = _("（已取消）%(summary)s") % {"summary": summary}
    return summary


def _location(station: Station) -> str:
    if not station.address:
        return station.name
    return _("%(name)s，%(address)s") % {"name": station.name, "address": station.address}


def _description(occurrence: Occurrence) -> str:
    lines = []
    if occurrence.topic:
        lines.append(_("主题：%(topic)s") % {"topic": occurrence.topic})
    if occurrence.deputies:
        separator = pgettext("list separator", "、")
        names = separator.join(deputy.name for deputy in occurrence.deputies)
        lines.append(_("值班代表：%(names)s") % {"names": names})
    if occurrence.station.hotline:
        lines.append(_("联络站热线：%(hotline)s") % {"hotline": occurrence.station.hotline})
    return "\n".join(lines)
