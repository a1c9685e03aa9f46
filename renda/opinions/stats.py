"""The three rates of Beijing's 接诉即办 (DOMAIN §3.4) for citizens' opinions, per station,
deputy, handling unit and area (street), over the items *received* in a period of Beijing days.

- 响应率 (response rate): of the items that needed an acknowledgement, the share acknowledged
  within the response window (setting `opinions.response_window`, default one working day).
  A station, a deputy or an area acknowledges an item by triaging it (any triage outcome or a
  transfer), counted from its receipt; a handling unit acknowledges each transfer to it by
  signing for it (签收) or returning it, counted from the transfer (an item transferred to the
  same unit twice counts twice). An item not yet acknowledged whose window has not ended is
  left out of the denominator: it has not needed a response yet.
- 解决率 (solved rate): of the rated items whose citizen answered "is the problem solved?",
  the share answered yes.
- 满意率 (satisfaction rate): (满意 + 基本满意) ÷ rated items; also 满意 alone.

Each row counts all the items of its object (an object the user may read the rates of: see the
`stat_*_for` selectors), so the office and the station itself read the same figures. Every
figure comes from aggregate queries. Working days cannot be counted in SQL, so the end of the
window for each start day is worked out from the calendar once and handed to the database as a
CASE over the days at which it changes: about twenty branches for a month.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateTimeField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.accounts.access import is_global, role_perms, scope_filter, scope_q
from renda.accounts.models import Role, RoleAssignment
from renda.core.calendar import CalendarNotCovered, WorkingCalendar
from renda.core.deadlines import DeadlineRule, due_at, local_date, local_zone
from renda.core.models import Event
from renda.directory.models import Area, Congress, Deputy, HandlingUnit, Station
from renda.directory.models.base import PATH_STEP
from renda.directory.selectors import setting_value
from renda.opinions.models import Opinion
from renda.opinions.services import opinion_types

VIEW = "opinions.view_opinion"
WINDOW_KEY = "opinions.response_window"
# What acknowledges an item: a triage outcome or a transfer (station, deputy, area), and a
# unit's signing for or returning a transfer.
TRIAGE_ACTIONS = ("answer_on_spot", "handle_in_station", "convert", "decline", "transfer")
UNIT_ACTIONS = ("accept", "return")
ONE_DAY = datetime.timedelta(days=1)
PATH_LEVEL = PATH_STEP + 1  # "000007/"
MAX_CUSTOM_DAYS = 366 * 5
R = Opinion.Rating


# Periods ---------------------------------------------------------------------------------------


class PeriodKind(models.TextChoices):
    MONTH = "month", _("按月")
    QUARTER = "quarter", _("按季度")
    YEAR = "year", _("按年")
    CUSTOM = "custom", _("自定义起止日期")


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


@dataclasses.dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included, in Beijing time."""

    start: datetime.date
    end: datetime.date
    kind: str = PeriodKind.CUSTOM

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return cls(datetime.date(year, month, 1), following - ONE_DAY, PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = cls.month(year, quarter * 3 - 2)
        return cls(first.start, cls.month(year, quarter * 3).end, PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), PeriodKind.YEAR)

    @property
    def start_at(self) -> datetime.datetime:
        return local_midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first instant after the period (exclusive)."""
        return local_midnight(self.end + ONE_DAY)

    @property
    def label(self) -> str:
        start = self.start
        if self.kind == PeriodKind.MONTH:
            return str(_("%(year)s年%(month)s月") % {"year": start.year, "month": start.month})
        if self.kind == PeriodKind.QUARTER:
            return str(_("%(year)s年第%(quarter)s季度")
                       % {"year": start.year, "quarter": (start.month + 2) // 3})
        if self.kind == PeriodKind.YEAR:
            return str(_("%(year)s年") % {"year": start.year})
        return str(_("%(start)s 至 %(end)s") % {"start": start, "end": self.end})


def received_in(period: Period, *, congress: Congress) -> QuerySet[Opinion]:
    """The congress's items received in the period; every rate and register counts these."""
    return Opinion.objects.filter(congress=congress, created_at__gte=period.start_at,
                                  created_at__lt=period.end_at)


# Figures ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ratio:
    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> Decimal | None:
        """The percentage rounded to one decimal place; None when nothing was counted."""
        if not self.denominator:
            return None
        exact = Decimal(100 * self.numerator) / Decimal(self.denominator)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value}%"

    @property
    def fraction(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    def __str__(self) -> str:
        return self.percent


@dataclasses.dataclass(frozen=True)
class Rates:
    """The three rates of one object, with the counts behind them."""

    received: int = 0
    response: Ratio = Ratio()
    response_pending: int = 0  # not acknowledged yet, window still open: left out
    response_unknown: int = 0  # window in a year the calendar does not cover: left out
    rated: int = 0
    solved: Ratio = Ratio()  # solved ÷ answered the question
    satisfied: Ratio = Ratio()  # (满意 + 基本满意) ÷ rated
    fully_satisfied: Ratio = Ratio()  # 满意 ÷ rated


def _rating_counts() -> dict[str, Count]:
    return {
        "rated": Count("pk", filter=~Q(rating="")),
        "satisfied": Count("pk", filter=Q(rating=R.SATISFIED)),
        "basically": Count("pk", filter=Q(rating=R.BASICALLY_SATISFIED)),
        "solved_answered": Count("pk", filter=Q(solved__isnull=False)),
        "solved_yes": Count("pk", filter=Q(solved=True)),
    }


def _response_counts(terms: "WindowTerms") -> dict[str, Count]:
    """Over rows aliased with `acked_at`, the time of their first acknowledgement."""
    acked = Q(acked_at__isnull=False)
    known = ~terms.unknown if terms.unknown is not None else Q()
    passed = terms.passed
    counts = {
        "on_time": Count("pk", filter=Q(acked_at__lte=terms.end)),
        "due": Count("pk", filter=known & (acked | passed) if passed else known & acked),
        "pending": Count("pk", filter=known & ~acked & ~passed if passed else known & ~acked),
    }
    if terms.unknown is not None:
        counts["unknown"] = Count("pk", filter=terms.unknown)
    return counts


def _rates(counts: dict[str, int] | None, response: dict[str, int] | None = None) -> Rates:
    """From the counts of one row; the response counts are in the same row unless given."""
    counts = counts or {}
    response = counts if response is None else response
    rated = counts.get("rated", 0)
    return Rates(
        received=counts.get("received", 0),
        response=Ratio(response.get("on_time", 0), response.get("due", 0)),
        response_pending=response.get("pending", 0),
        response_unknown=response.get("unknown", 0),
        rated=rated,
        solved=Ratio(counts.get("solved_yes", 0), counts.get("solved_answered", 0)),
        satisfied=Ratio(counts.get("satisfied", 0) + counts.get("basically", 0), rated),
        fully_satisfied=Ratio(counts.get("satisfied", 0), rated),
    )


# The response window ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WindowTerms:
    """The window as SQL terms over a start time: `end`, the instant the window ends (NULL where
    the calendar cannot say); `passed`, the starts whose window has ended by now; `unknown`,
    the starts the calendar cannot say about. None: no start is in that case."""

    end: Case
    passed: Q | None
    unknown: Q | None


class ResponseWindow:
    """The congress's response window, with one calendar snapshot for all its deadlines."""

    def __init__(self, *, congress: Congress, now: datetime.datetime) -> None:
        value = setting_value(congress=congress, key=WINDOW_KEY, on=local_date(now))
        self.rule = DeadlineRule.parse(value)
        self.now = now
        self.calendar = WorkingCalendar()
        self.uncovered: set[int] = set()

    def deadline(self, day: datetime.date) -> datetime.datetime | None:
        """When the window of something started on `day` ends (None: the calendar cannot say)."""
        try:
            return due_at(local_midnight(day), self.rule, calendar=self.calendar)
        except CalendarNotCovered as error:
            self.uncovered.add(error.year)
            return None

    def runs(self, first: datetime.date, last: datetime.date) -> list[tuple[datetime.date,
                                                                             datetime.date, Any]]:
        """The start days from `first` to `last` cut into runs that share a deadline (Friday to
        Sunday share Monday's): (first day, day after the last, deadline)."""
        runs: list[list[Any]] = []
        day = first
        while day <= last:
            deadline = self.deadline(day)
            if runs and runs[-1][2] == deadline:
                runs[-1][1] = day + ONE_DAY
            else:
                runs.append([day, day + ONE_DAY, deadline])
            day += ONE_DAY
        return [(a, b, deadline) for a, b, deadline in runs]

    def terms(self, field: str, first: datetime.date, last: datetime.date) -> WindowTerms:
        """The window of a start at `field` on the days `first` to `last`: a CASE with one
        branch per run; "passed" and "unknown" as plain ranges of `field` (merged, as the
        deadline never decreases with the start: usually one range)."""
        runs = self.runs(first, last)
        # Only runs with a deadline get a branch (the rest fall to NULL), each a closed range:
        # PostgreSQL types a CASE whose branches are all NULL as text.
        whens = [When(**{f"{field}__gte": local_midnight(start),
                         f"{field}__lt": local_midnight(stop)}, then=Value(deadline))
                 for start, stop, deadline in runs if deadline is not None]
        end = Case(*whens, default=Value(None), output_field=DateTimeField())
        passed = _ranges(field, [(a, b) for a, b, d in runs if d is not None and d < self.now])
        unknown = _ranges(field, [(a, b) for a, b, d in runs if d is None])
        return WindowTerms(end=end, passed=passed, unknown=unknown)


def _ranges(field: str, days: list[tuple[datetime.date, datetime.date]]) -> Q | None:
    """`field` within any of the ranges of days [a, b), adjacent ones merged."""
    merged: list[list[datetime.date]] = []
    for a, b in days:
        if merged and merged[-1][1] == a:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    q = None
    for a, b in merged:
        part = Q(**{f"{field}__gte": local_midnight(a), f"{field}__lt": local_midnight(b)})
        q = part if q is None else q | part
    return q


def opinion_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Opinion)


def _first_triage() -> Subquery:
    events = Event.objects.filter(content_type=opinion_content_type(), object_id=OuterRef("pk"),
                                  action__in=TRIAGE_ACTIONS)
    return Subquery(events.order_by("created_at", "id").values("created_at")[:1])


# Rates per object ------------------------------------------------------------------------------


def item_rates(*, items: QuerySet[Opinion], key: Any, window: ResponseWindow,
               period: Period) -> dict[Any, Rates]:
    """Rates of the items grouped by `key` (a field name or an expression), acknowledged by
    triage within the window after receipt: for stations, deputies and areas."""
    terms = window.terms("created_at", period.start, period.end)
    rows = (items.alias(acked_at=_first_triage())
            .order_by().values(group=key if not isinstance(key, str) else F(key))
            .annotate(received=Count("pk"), **_rating_counts(), **_response_counts(terms)))
    return {row.pop("group"): _rates(row) for row in rows}


def unit_rates(*, items: QuerySet[Opinion], unit_ids: Iterable[int],
               window: ResponseWindow) -> dict[int, Rates]:
    """Rates of handling units: the response rate over the transfers to each unit of these
    items (read from the action log, so that an item the unit returned still counts for it);
    the solved and satisfaction rates over the items it holds now, whose reply was rated."""
    unit_ids = list(unit_ids)
    counts = {row.pop("group"): row for row in (
        items.filter(assigned_unit__in=unit_ids).order_by().values(group=F("assigned_unit"))
        .annotate(received=Count("pk"), **_rating_counts()))}
    transfers = (Event.objects.filter(content_type=opinion_content_type(), action="transfer",
                                      object_id__in=items.values("pk"))
                 .annotate(unit=Cast(KT("data__unit"), BigIntegerField()))
                 .filter(unit__in=unit_ids))
    span = transfers.aggregate(first=Min("created_at"), last=Max("created_at"))
    response: dict[int, dict[str, int]] = {}
    if span["first"] is not None:
        acks = Event.objects.filter(content_type=opinion_content_type(),
                                    object_id=OuterRef("object_id"), action__in=UNIT_ACTIONS,
                                    created_at__gte=OuterRef("created_at"))
        terms = window.terms("created_at", local_date(span["first"]),
                             local_date(span["last"]))
        response = {row.pop("unit"): row for row in (
            transfers.alias(acked_at=Subquery(acks.order_by("created_at", "id")
                                              .values("created_at")[:1]))
            .order_by().values("unit").annotate(**_response_counts(terms)))}
    return {pk: _rates(counts.get(pk), response.get(pk, {})) for pk in unit_ids}


def street_key(congress: Congress) -> Substr:
    """The path of the street (or township) an item's area lies in: the level below the
    congress's own area. An item placed on the district itself keeps the district's path."""
    return Substr("area__path", 1, len(congress.area.path) + PATH_LEVEL)


# Whose rates a user reads ----------------------------------------------------------------------


class DeputyRows:
    """The scopes under which a user reads deputies' rates: the office those of its congress's
    deputies, a deputy his own. Not a station's staff: items reach a deputy through other
    stations too, which the station does not see. (A scope map for `scope_q`, not a model.)"""

    ACCESS_SCOPES = {"area": ["mandates__term__congress__area__path"], "deputy": ["pk"]}


def stat_congresses_for(*, user: Any) -> list[Congress]:
    """The congresses in which the user holds a role that reads opinions."""
    if is_global(user):
        return list(Congress.objects.select_related("area"))
    roles = [role for role in Role.values if VIEW in role_perms(role)]
    ids = (RoleAssignment.objects.in_force().filter(user=user, role__in=roles)
           .values("congress_id"))
    return list(Congress.objects.filter(pk__in=ids).select_related("area"))


def stat_stations_for(*, user: Any, congress: Congress) -> list[Station]:
    """The office: every station of the congress; a station's staff: its own (and those
    below it); nobody else."""
    stations = Station.objects.filter(congress=congress).select_related("area")
    return list(scope_filter(user, VIEW, stations).order_by("path"))


def stat_units_for(*, user: Any, congress: Congress) -> list[HandlingUnit]:
    """The office: the units in the congress's area; a unit: itself and those below it."""
    units = HandlingUnit.objects.filter(area__path__startswith=congress.area.path)
    return list(scope_filter(user, VIEW, units).order_by("path"))


def stat_deputies_for(*, user: Any, congress: Congress) -> list[Deputy]:
    q = scope_q(user, VIEW, DeputyRows)
    if q is None:
        return []
    deputies = Deputy.objects.filter(mandates__term__congress=congress).filter(q)
    return list(Deputy.objects.filter(pk__in=deputies.values("pk")).order_by("name", "pk"))


def stat_streets_for(*, user: Any, congress: Congress) -> list[Area]:
    """The streets and townships of the congress's area that the user's area roles reach."""
    streets = Area.objects.filter(parent=congress.area)
    return list(scope_filter(user, VIEW, streets).order_by("path"))


@dataclasses.dataclass
class StatScope:
    """What a user may read of one congress's statistics: the objects of each table."""

    congress: Congress
    stations: list[Station]
    units: list[HandlingUnit]
    deputies: list[Deputy]
    streets: list[Area]

    @classmethod
    def load(cls, *, user: Any, congress: Congress) -> "StatScope":
        return cls(congress=congress,
                   stations=stat_stations_for(user=user, congress=congress),
                   units=stat_units_for(user=user, congress=congress),
                   deputies=stat_deputies_for(user=user, congress=congress),
                   streets=stat_streets_for(user=user, congress=congress))

    def find(self, kind: str, key: str) -> Any:
        """The station (by code), unit or deputy (by id) of this scope, or None."""
        if kind == "station":
            return next((s for s in self.stations if s.code == key), None)
        objects = {"unit": self.units, "deputy": self.deputies}[kind]
        return next((o for o in objects if str(o.pk) == key), None)


@dataclasses.dataclass(frozen=True)
class Row:
    obj: Any
    label: str
    rates: Rates


@dataclasses.dataclass(frozen=True)
class Chart:
    """Counts of the received items by one dimension, for a chart and its table."""

    key: str
    title: str
    dimension: str
    rows: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.rows)

    def as_data(self) -> dict[str, list]:
        return {"labels": [label for label, _ in self.rows], "values": [n for _, n in self.rows]}


@dataclasses.dataclass
class Report:
    period: Period
    window: DeadlineRule
    focus_kind: str = ""
    focus: Row | None = None
    stations: list[Row] = dataclasses.field(default_factory=list)
    units: list[Row] = dataclasses.field(default_factory=list)
    deputies: list[Row] = dataclasses.field(default_factory=list)
    streets: list[Row] = dataclasses.field(default_factory=list)
    charts: list[Chart] = dataclasses.field(default_factory=list)
    uncovered_years: list[int] = dataclasses.field(default_factory=list)

    def chart_data(self) -> dict[str, dict[str, list]]:
        return {chart.key: chart.as_data() for chart in self.charts}


def _rows(objects: list, rates: dict[Any, Rates], key: Any = "pk") -> list[Row]:
    return [Row(obj, str(obj), rates.get(getattr(obj, key), Rates())) for obj in objects]


def _station_rows(items: QuerySet[Opinion], stations: list[Station], **common: Any) -> list[Row]:
    if not stations:
        return []
    rates = item_rates(items=items.filter(addressed_station__in=stations),
                       key="addressed_station", **common)
    return _rows(stations, rates)


def _deputy_rows(items: QuerySet[Opinion], deputies: list[Deputy], **common: Any) -> list[Row]:
    if not deputies:
        return []
    rates = item_rates(items=items.filter(addressed_deputy__in=deputies),
                       key="addressed_deputy", **common)
    return _rows(deputies, rates)


def _street_rows(items: QuerySet[Opinion], streets: list[Area], congress: Congress,
                 **common: Any) -> list[Row]:
    if not streets:
        return []
    key = street_key(congress)
    rates = item_rates(items=items.alias(street=key).filter(street__in=[s.path for s in streets]),
                       key=key, **common)
    return _rows(streets, rates, key="path")


def _unit_rows(items: QuerySet[Opinion], units: list[HandlingUnit], *, window: ResponseWindow,
               **_: Any) -> list[Row]:
    if not units:
        return []
    rates = unit_rates(items=items, unit_ids=[u.pk for u in units], window=window)
    return _rows(units, rates)


def opinion_stats(*, user: Any, scope: StatScope, period: Period, focus: Any = None,
                  focus_kind: str = "", now: datetime.datetime | None = None) -> Report:
    """The rates of every object of `scope` (or of the one `focus`) and the counts for the
    charts, over the items received in `period`; the charts count only the items the user may
    read (narrowed to the focus)."""
    now = now or timezone.now()
    window = ResponseWindow(congress=scope.congress, now=now)
    items = received_in(period, congress=scope.congress)
    common = {"window": window, "period": period}
    report = Report(period=period, window=window.rule, focus_kind=focus_kind)
    if focus is not None:
        build = {"station": _station_rows, "unit": _unit_rows, "deputy": _deputy_rows}
        report.focus = build[focus_kind](items, [focus], **common)[0]
    else:
        report.stations = _station_rows(items, scope.stations, **common)
        report.units = _unit_rows(items, scope.units, **common)
        report.deputies = _deputy_rows(items, scope.deputies, **common)
        report.streets = _street_rows(items, scope.streets, scope.congress, **common)
    readable = scope_filter(user, VIEW, items)
    if focus is not None:
        field = {"station": "addressed_station", "unit": "assigned_unit",
                 "deputy": "addressed_deputy"}[focus_kind]
        readable = readable.filter(**{field: focus})
    report.charts = chart_counts(items=readable, congress=scope.congress)
    report.uncovered_years = sorted(window.uncovered)
    return report


# Counts for the charts -------------------------------------------------------------------------


def _grouped(items: QuerySet[Opinion], key: Any) -> dict[Any, int]:
    key = F(key) if isinstance(key, str) else key
    rows = items.order_by().values(group=key).annotate(n=Count("pk"))
    return {row["group"]: row["n"] for row in rows}


def chart_counts(*, items: QuerySet[Opinion], congress: Congress) -> list[Chart]:
    """The items by type (the congress's code list), by street and by status."""
    by_type = _grouped(items, "type_code")
    labels = {code: kind["label"] for code, kind in opinion_types(congress=congress).items()}
    types = [(labels.get(code, code), n) for code, n in
             sorted(by_type.items(), key=lambda pair: (-pair[1], pair[0]))]
    by_status = _grouped(items, "status")
    statuses = [(label, by_status[value]) for value, label in Opinion.Status.choices
                if by_status.get(value)]
    return [Chart("type", str(_("按类型")), str(_("类型")), types),
            Chart("area", str(_("按街道（乡镇）")), str(_("街道（乡镇）")),
                  _street_counts(items, congress)),
            Chart("status", str(_("按办理状态")), str(_("状态")), statuses)]


def _street_counts(items: QuerySet[Opinion], congress: Congress) -> list[tuple[str, int]]:
    by_path = _grouped(items, street_key(congress))
    names = dict(Area.objects.filter(path__in=[p for p in by_path if p], parent=congress.area)
                 .values_list("path", "name")) if by_path else {}
    counts: dict[str, int] = {}
    for path, n in by_path.items():
        label = names.get(path) or str(_("未注明街道（乡镇）"))
        counts[label] = counts.get(label, 0) + n
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
