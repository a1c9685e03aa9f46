"""The figures of deputies' suggestions (DOMAIN §4's table), per handling unit, lead deputy,
term, plenary session (or closed period) and year, with the counts behind them.

No official formulas exist, so every choice below is the congress's setting
`suggestions.statistics` (see `Definitions`), and the page prints it beside each figure:

- 办结率 completion: concluded suggestions ÷ assigned suggestions. "Assigned" is a suggestion
  given to units (`assigned_at` set) and not withdrawn; "concluded" one whose status is among
  `concluded_statuses` (default: closed, 已办结).
- 按时办结率 on time, counted per unit's part (件次: a suggestion answered separately by two
  units counts twice): the parts of answering units (roles in `answering_roles`, default lead
  and separate; re-assigned units left out) replied within the deadline in force: the reply
  deadline, an approved extension (unless `on_time_includes_extension` is false) or the
  re-handling deadline. A part not replied yet whose deadline has not passed is left out of
  the denominator (shown as "not due yet"), as the opinions' response rate does.
- 解决率 solved: of the replies in force, those in a category marked `solved` in the reply
  categories (A by default); also those `solved` or `promise` (A + B, the national
  "解决或计划逐步解决").
- 满意率 satisfaction: of the lead deputy's evaluations, those among `satisfied_ratings`
  (满意 + 基本满意 by default); also 满意 alone. Three sets: the first evaluation (of the
  first-round reply), the final one (of the reply in force, after any re-handling) and the
  follow-up evaluation at year end (二次评价).
- 见面沟通率 face to face: of the replies in force, those the unit gave after a contact of a
  method in `face_to_face_methods` (dated on or before the day of the reply).
- 落实率 implemented: of the replies in force, the `solved` ones plus the `promise` ones whose
  commitment is fulfilled (when `implemented_counts_fulfilled`).

"The reply in force" is each answering unit's reply of its current round: a second-round reply
replaces the first, and a unit re-handling after a dissatisfied evaluation has none until it
answers again. A handling unit's own rows count its assignments rather than suggestions, which
is also the basis of every figure a unit reads of itself. Every assignment, reply and
evaluation belongs to one unit, and every suggestion to one deputy, term, session and year: any
table's rows add up to the totals.

Every figure comes from a few aggregate queries (conditional counts grouped by the row's key);
nothing is computed per suggestion in Python.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renda.core.deadlines import local_date, local_zone
from renda.directory.models import Congress, Deputy, HandlingUnit, PlenarySession, Term
from renda.directory.selectors import setting_value
from renda.opinions.stats import Ratio
from renda.suggestions.models import (
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Reply,
    Suggestion,
)

KEY = "suggestions.statistics"
CATEGORIES_KEY = "suggestions.categories"
REPLY_CATEGORIES_KEY = "suggestions.reply_categories"
S = Suggestion.Status
A = Assignment.Status
REPLIED_STATES = (S.REPLIED, S.REHANDLING, S.CLOSED)
# Where the suggestion and the assignment are seen from each table the figures count.
PATHS = {
    "suggestion": ("", None),
    "assignment": ("suggestion__", ""),
    "reply": ("assignment__suggestion__", "assignment__"),
    "evaluation": ("reply__assignment__suggestion__", "reply__assignment__"),
}


# Definitions -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Definitions:
    """What each figure counts for one congress: its setting `suggestions.statistics` (keys
    missing from a congress's value keep the default) and its reply categories."""

    answering_roles: tuple[str, ...]
    concluded_statuses: tuple[str, ...]
    on_time_includes_extension: bool
    face_to_face_methods: tuple[str, ...]
    satisfied_ratings: tuple[str, ...]
    implemented_counts_fulfilled: bool
    solved_categories: tuple[str, ...]
    planned_categories: tuple[str, ...]
    reply_categories: dict[str, str]  # code → label, in the congress's order
    categories: dict[str, str]  # suggestion category code → label

    @classmethod
    def load(cls, congress: Congress, on: datetime.date | None = None) -> "Definitions":
        from renda.core.config import spec

        on = on or local_date(timezone.now())
        value = {**spec(KEY).default, **(setting_value(congress=congress, key=KEY, on=on) or {})}
        replies = setting_value(congress=congress, key=REPLY_CATEGORIES_KEY, on=on)
        categories = setting_value(congress=congress, key=CATEGORIES_KEY, on=on)
        return cls(
            answering_roles=tuple(value["answering_roles"]),
            concluded_statuses=tuple(value["concluded_statuses"]),
            on_time_includes_extension=bool(value["on_time_includes_extension"]),
            face_to_face_methods=tuple(value["face_to_face_methods"]),
            satisfied_ratings=tuple(value["satisfied_ratings"]),
            implemented_counts_fulfilled=bool(value["implemented_counts_fulfilled"]),
            solved_categories=tuple(c["code"] for c in replies if c.get("solved")),
            planned_categories=tuple(c["code"] for c in replies if c.get("promise")),
            reply_categories={c["code"]: str(c.get("label") or c["code"]) for c in replies},
            categories={c["code"]: str(c.get("label") or c["code"]) for c in categories},
        )

    def labels(self, codes: Iterable[str], choices: Any = None) -> str:
        """Codes as their labels, joined with 、 (a reply category, a role, a status …)."""
        names = dict(choices.choices) if choices is not None else self.reply_categories
        separator = pgettext("list separator", "、")
        return separator.join(str(names.get(code, code)) for code in codes) or "—"


# What is counted -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Selection:
    """The suggestions counted: one congress, and optionally one term, one year, one plenary
    session or the closed period, one kind (suggestions or motions; "" for both)."""

    congress: Congress
    term: Term | None = None
    year: int | None = None
    session: PlenarySession | None = None
    interim: bool = False
    kind: str = Suggestion.Kind.SUGGESTION

    def q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}congress": self.congress}) & ~Q(**{f"{prefix}status": S.WITHDRAWN})
        for field, value in (("term", self.term), ("year", self.year), ("kind", self.kind),
                             ("session", self.session)):
            if value:
                q &= Q(**{f"{prefix}{field}": value})
        if self.interim and not self.session:
            q &= Q(**{f"{prefix}series": Suggestion.Series.INTERIM})
        return q

    @property
    def label(self) -> str:
        parts = [str(self.term) if self.term else str(self.congress)]
        if self.session:
            parts.append(str(self.session))
        elif self.interim:
            parts.append(_("闭会期间"))
        if self.year:
            parts.append(_("%(year)s年度") % {"year": self.year})
        if self.kind:
            parts.append(str(Suggestion.Kind(self.kind).label))
        return " · ".join(parts)


@dataclasses.dataclass(frozen=True)
class Restriction:
    """The part of the selection a user reads: a unit's assignments (`units`) or one deputy's
    suggestions (`deputy`); neither for the whole congress."""

    units: tuple[int, ...] | None = None
    deputy: int | None = None

    @property
    def basis(self) -> str:
        """A unit reads its assignments; everyone else counts suggestions."""
        return "assignment" if self.units is not None else "suggestion"

    def q(self, table: str) -> Q:
        s, a = PATHS[table]
        q = Q()
        if self.units is not None:
            q &= Q(**{f"{a}unit__in": self.units})
        if self.deputy is not None:
            q &= Q(**{f"{s}lead_deputy": self.deputy})
        return q


# Figures ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Satisfaction:
    satisfied: Ratio = Ratio()  # (满意 + 基本满意) ÷ evaluated
    fully: Ratio = Ratio()  # 满意 ÷ evaluated


@dataclasses.dataclass(frozen=True)
class Figures:
    """Every figure of one row, with the counts behind it. `received` and `registered` are
    None where the row counts assignments (a unit's)."""

    received: int | None = None
    registered: int | None = None
    assigned: int = 0
    replied: int = 0
    concluded: int = 0
    completion: Ratio = Ratio()
    on_time: Ratio = Ratio()
    on_time_pending: int = 0  # parts not replied, deadline not passed: left out of on_time
    replies: int = 0
    solved: Ratio = Ratio()
    solved_or_planned: Ratio = Ratio()
    face_to_face: Ratio = Ratio()
    implemented: Ratio = Ratio()
    first: Satisfaction = Satisfaction()
    final: Satisfaction = Satisfaction()
    follow_up: Satisfaction = Satisfaction()

    @classmethod
    def of(cls, c: dict[str, int], basis: str) -> "Figures":
        def get(name: str) -> int:
            return c.get(name) or 0

        def satisfaction(prefix: str) -> Satisfaction:
            n = get(f"{prefix}_n")
            return Satisfaction(Ratio(get(f"{prefix}_sat"), n), Ratio(get(f"{prefix}_full"), n))

        replies = get("replies")
        return cls(
            received=get("received") if basis == "suggestion" else None,
            registered=get("registered") if basis == "suggestion" else None,
            assigned=get("assigned"), replied=get("replied"), concluded=get("concluded"),
            completion=Ratio(get("concluded"), get("assigned")),
            on_time=Ratio(get("on_time"), get("on_time") + get("late")),
            on_time_pending=get("parts") - get("on_time") - get("late"),
            replies=replies, solved=Ratio(get("solved"), replies),
            solved_or_planned=Ratio(get("solved_or_planned"), replies),
            face_to_face=Ratio(get("face"), replies),
            implemented=Ratio(get("implemented"), replies),
            first=satisfaction("first"), final=satisfaction("final"),
            follow_up=satisfaction("follow"),
        )


def _on_time(d: Definitions, prefix: str = "") -> Q:
    """An assignment replied in its current round within the deadline in force."""
    q = Q(**{f"{prefix}status": A.REPLIED, f"{prefix}replied_at__lte": F(f"{prefix}due_at")})
    if not d.on_time_includes_extension:
        q &= Q(**{f"{prefix}extension_used": False})
    return q


def _late(d: Definitions, now: datetime.datetime, prefix: str = "") -> Q:
    """An assignment replied after its deadline (or, where extensions do not count, after an
    extension), or not replied in its current round with the deadline past."""
    replied = Q(**{f"{prefix}status": A.REPLIED})
    late = replied & Q(**{f"{prefix}replied_at__gt": F(f"{prefix}due_at")})
    if not d.on_time_includes_extension:
        late |= replied & Q(**{f"{prefix}extension_used": True})
    return late | (~replied & Q(**{f"{prefix}due_at__lt": now}))


def _answering(d: Definitions, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}role__in": d.answering_roles})
            & ~Q(**{f"{prefix}status": A.CANCELLED}))


ASSIGNED = Q(assigned_at__isnull=False)
# The counts of suggestions themselves; a unit's rows count its assignments instead.
SUGGESTION_COUNTS = ("received", "registered", "assigned", "replied", "concluded")


def _suggestion_counts(d: Definitions) -> dict[str, Any]:
    return {
        "received": Count("pk", filter=Q(submitted_at__isnull=False)),
        "registered": Count("pk", filter=Q(registered_at__isnull=False)),
        "assigned": Count("pk", filter=ASSIGNED),
        "replied": Count("pk", filter=ASSIGNED & Q(status__in=REPLIED_STATES)),
        "concluded": Count("pk", filter=ASSIGNED & Q(status__in=d.concluded_statuses)),
    }


def _assignment_counts(d: Definitions, now: datetime.datetime, basis: str) -> dict[str, Any]:
    """Each answering unit's part (件次): on time, late, and for a unit's own rows its
    assignments, replied and concluded."""
    counts = {"parts": Count("pk"), "on_time": Count("pk", filter=_on_time(d)),
              "late": Count("pk", filter=_late(d, now))}
    if basis == "assignment":
        counts.update(
            assigned=Count("pk"), replied=Count("pk", filter=Q(status=A.REPLIED)),
            concluded=Count("pk", filter=Q(suggestion__status__in=d.concluded_statuses)))
    return counts


def _reply_counts(d: Definitions) -> dict[str, Any]:
    implemented = Q(category__in=d.solved_categories)
    if d.implemented_counts_fulfilled:
        implemented |= Q(category__in=d.planned_categories,
                         commitment__status=Commitment.Status.FULFILLED)
    return {
        "replies": Count("pk"),
        "solved": Count("pk", filter=Q(category__in=d.solved_categories)),
        "solved_or_planned": Count("pk", filter=Q(
            category__in=d.solved_categories + d.planned_categories)),
        "implemented": Count("pk", filter=implemented),
        "face": Count("pk", filter=_met(d)),
        **{f"category:{code}": Count("pk", filter=Q(category=code))
           for code in d.reply_categories},
    }


def _met(d: Definitions) -> Exists:
    """A contact of a face-to-face method on or before the day of the reply: one probe of
    the contacts' assignment index per reply (on a million suggestions, cheaper than a
    separate query with it as a semi-join, which PostgreSQL misjudges into a nested loop)."""
    return Exists(ContactRecord.objects.filter(
        assignment=OuterRef("assignment"), method__in=d.face_to_face_methods,
        contacted_on__lte=TruncDate(ExpressionWrapper(OuterRef("created_at"),
                                                      output_field=DateTimeField()),
                                    tzinfo=local_zone())))


def _evaluation_counts(d: Definitions) -> dict[str, Any]:
    initial = Q(kind=Evaluation.Kind.INITIAL)
    sets = {"first": initial & Q(reply__round=1),
            "final": initial & Q(reply__round=F("reply__assignment__round")),
            "follow": Q(kind=Evaluation.Kind.FOLLOW_UP)}
    counts = {}
    for name, q in sets.items():
        counts[f"{name}_n"] = Count("pk", filter=q)
        counts[f"{name}_sat"] = Count("pk", filter=q & Q(rating__in=d.satisfied_ratings))
        counts[f"{name}_full"] = Count("pk", filter=q & Q(rating=Evaluation.Rating.SATISFIED))
    return counts


# The tables the figures count, for one selection and restriction ------------------------------


def counted_suggestions(sel: Selection, r: Restriction) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(sel.q(), r.q("suggestion"))


def counted_assignments(sel: Selection, r: Restriction, d: Definitions) -> QuerySet[Assignment]:
    return Assignment.objects.filter(sel.q("suggestion__"), _answering(d), r.q("assignment"),
                                     suggestion__assigned_at__isnull=False)


def counted_replies(sel: Selection, r: Restriction, d: Definitions) -> QuerySet[Reply]:
    """The reply in force of each answering unit: the one of its current round (a unit
    re-handling after a dissatisfied evaluation has none until it answers again)."""
    return Reply.objects.filter(sel.q("assignment__suggestion__"), _answering(d, "assignment__"),
                                r.q("reply"), round=F("assignment__round"))


def counted_evaluations(sel: Selection, r: Restriction, d: Definitions) -> QuerySet[Evaluation]:
    """The lead deputy's evaluations of the answering units' replies."""
    s, a = PATHS["evaluation"]
    return Evaluation.objects.filter(sel.q(s), _answering(d, a), r.q("evaluation"),
                                     deputy=F(f"{s}lead_deputy"))


# Grouped counts --------------------------------------------------------------------------------

# A row's key as (the level it lives on, its fields there): "s" the suggestion, "a" the
# assignment. A plenary session's key carries the year, so that the closed period (no session)
# splits into years.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unit": ("a", ("unit",)),
    "deputy": ("s", ("lead_deputy",)),
    "term": ("s", ("term",)),
    "session": ("s", ("session", "year")),
    "year": ("s", ("year",)),
}


def _grouped(qs: QuerySet, fields: list[str], counts: dict[str, Any]) -> dict[Any, dict]:
    if not fields:
        return {(): qs.aggregate(**counts)}
    rows = qs.order_by().values(*fields).annotate(**counts)
    return {tuple(row.pop(f) for f in fields): row for row in rows}


def _fields(table: str, group: str | None) -> list[str]:
    if group is None:
        return []
    level, names = GROUPS[group]
    s, a = PATHS[table]
    prefix = s if level == "s" else a
    return [f"{prefix}{name}" for name in names]


def grouped_counts(sel: Selection, r: Restriction, d: Definitions, group: str | None,
                   now: datetime.datetime | None = None) -> dict[Any, dict[str, int]]:
    """The raw counts of every row of `group` (None: one row, the total), keyed by the row's
    key tuple: three queries (four for suggestions), whatever the number of suggestions."""
    now = now or timezone.now()
    basis = "assignment" if group == "unit" else r.basis
    parts = [_grouped(counted_assignments(sel, r, d), _fields("assignment", group),
                      _assignment_counts(d, now, basis))]
    if basis == "suggestion":
        parts.append(_grouped(counted_suggestions(sel, r), _fields("suggestion", group),
                              _suggestion_counts(d)))
    parts.append(_grouped(counted_replies(sel, r, d), _fields("reply", group), _reply_counts(d)))
    parts.append(_grouped(counted_evaluations(sel, r, d), _fields("evaluation", group),
                          _evaluation_counts(d)))
    merged: dict[Any, dict[str, int]] = {}
    for part in parts:
        for key, counts in part.items():
            merged.setdefault(key, {}).update(counts)
    return merged


def add_counts(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counts in rows:
        for name, value in counts.items():
            total[name] = total.get(name, 0) + (value or 0)
    return total


# Rows, rankings and the report -----------------------------------------------------------------


@dataclasses.dataclass
class Row:
    key: Any
    label: str
    figures: Figures
    obj: Any = None
    rank: int | None = None
    counts: dict[str, int] = dataclasses.field(default_factory=dict, repr=False)


RANKINGS = {
    "completion": (lambda f: f.completion, "办结率"),
    "on_time": (lambda f: f.on_time, "按时办结率"),
    "satisfaction": (lambda f: f.final.satisfied, "满意率"),
}


def rank_rows(rows: list[Row], metric: str) -> list[Row]:
    """Rows ordered by the metric, highest first, with competition ranks (1, 2, 2, 4) by the
    exact fraction; equal values keep a stable order: more items first, then the directory's
    order of the units (their tree path), then the label. Rows with nothing to count come last,
    unranked."""
    ratio_of = RANKINGS[metric][0]

    def exact(row: Row) -> Fraction | None:
        ratio = ratio_of(row.figures)
        return Fraction(ratio.numerator, ratio.denominator) if ratio.denominator else None

    def order(row: Row) -> tuple:
        value = exact(row)
        return (value is None, -(value or 0), -ratio_of(row.figures).denominator,
                getattr(row.obj, "path", "") or row.label, str(row.key))

    ordered = sorted(rows, key=order)
    previous: Fraction | None = None
    for position, row in enumerate(ordered, start=1):
        value = exact(row)
        if value is None:
            row.rank = None
        elif value != previous:
            row.rank, previous = position, value
        else:
            row.rank = ordered[position - 2].rank
    return ordered


@dataclasses.dataclass(frozen=True)
class Chart:
    """Counts or percentages by one dimension, for a chart and its table."""

    key: str
    title: str
    dimension: str
    rows: list[tuple[str, Any]]
    percent: bool = False

    @property
    def total(self) -> int:
        return 0 if self.percent else sum(n for _, n in self.rows)

    def as_data(self) -> dict[str, Any]:
        return {"labels": [label for label, _ in self.rows],
                "values": [float(v) if self.percent else v for _, v in self.rows],
                "percent": self.percent}


@dataclasses.dataclass
class Report:
    selection: Selection
    definitions: Definitions
    basis: str
    totals: Figures
    group: str = ""
    rows: list[Row] = dataclasses.field(default_factory=list)
    units: list[Row] = dataclasses.field(default_factory=list)
    ranking: str = "completion"
    charts: list[Chart] = dataclasses.field(default_factory=list)

    def chart_data(self) -> dict[str, dict[str, Any]]:
        return {chart.key: chart.as_data() for chart in self.charts}


def _labelled(group: str, counts: dict[Any, dict], basis: str, objects: dict[Any, Any]
              ) -> list[Row]:
    rows = []
    for key, c in counts.items():
        obj, label = _describe(group, key, objects)
        rows.append(Row(key=key, label=label, figures=Figures.of(c, basis), obj=obj, counts=c))
    return rows


def _describe(group: str, key: tuple, objects: dict[Any, Any]) -> tuple[Any, str]:
    if group == "year":
        return None, _("%(year)s年") % {"year": key[0]}
    if group == "session":
        session, year = key
        if session is None:
            return None, _("%(year)s年闭会期间") % {"year": year}
        obj = objects.get(session)
        return obj, str(obj) if obj else str(session)
    obj = objects.get(key[0])
    return obj, str(obj) if obj is not None else _("（未知）")


def _objects(group: str, keys: Iterable[tuple]) -> dict[Any, Any]:
    ids = {key[0] for key in keys if key and key[0] is not None}
    model = {"unit": HandlingUnit, "deputy": Deputy, "term": Term,
             "session": PlenarySession}.get(group)
    if model is None or not ids:
        return {}
    queryset = model.objects.filter(pk__in=ids)
    if model is Term:
        queryset = queryset.select_related("congress")
    if model is PlenarySession:
        queryset = queryset.select_related("term__congress")
    return {obj.pk: obj for obj in queryset}


def _sort_rows(group: str, rows: list[Row]) -> list[Row]:
    if group == "term":
        return sorted(rows, key=lambda r: r.obj.number if r.obj else 0)
    if group == "session":
        return sorted(rows, key=lambda r: (r.key[1], r.obj is None,
                                           r.obj.start_date if r.obj else None))
    if group == "year":
        return sorted(rows, key=lambda r: r.key[0])
    return sorted(rows, key=lambda r: (r.label, str(r.key)))


def group_rows(sel: Selection, r: Restriction, d: Definitions, group: str,
               now: datetime.datetime | None = None) -> list[Row]:
    counts = grouped_counts(sel, r, d, group, now)
    basis = "assignment" if group == "unit" else r.basis
    rows = _labelled(group, counts, basis, _objects(group, counts))
    return _sort_rows(group, rows)


def _categories(sel: Selection, r: Restriction, d: Definitions,
                with_counts: bool) -> tuple[Chart, dict[str, int]]:
    """Registered suggestions by category (a unit: its assignments by the suggestion's
    category); with `with_counts`, the suggestions' own counts summed over the categories, in
    the same query."""
    if r.basis == "assignment":
        by = dict(counted_assignments(sel, r, d).order_by().values_list("suggestion__category")
                  .annotate(n=Count("pk")))
        counts: dict[str, int] = {}
    else:
        extra = _suggestion_counts(d) if with_counts else {
            "registered": Count("pk", filter=Q(registered_at__isnull=False))}
        grouped = _grouped(counted_suggestions(sel, r), ["category"], extra)
        by = {key[0]: c["registered"] for key, c in grouped.items()}
        counts = add_counts(grouped.values()) if with_counts else {}
    rows = [(d.categories.get(code, code), n) for code, n in
            sorted(by.items(), key=lambda pair: (-pair[1], pair[0])) if n]
    return Chart("category", _("按建议分类"), _("分类"), rows), counts


def reply_category_chart(counts: dict[str, int], d: Definitions) -> Chart:
    """The replies in force by reply category, from the counts of the rows."""
    rows = [(label, counts.get(f"category:{code}", 0)) for code, label in
            d.reply_categories.items()]
    known = sum(n for _label, n in rows)
    rows = [(label, n) for label, n in rows if n]
    if counts.get("replies", 0) > known:
        rows.append((_("其他"), counts["replies"] - known))
    return Chart("reply_category", _("按答复分类"), _("答复分类"), rows)


def ranking_chart(units: list[Row], metric: str) -> Chart:
    ratio_of, label = RANKINGS[metric]
    rows = [(row.label, ratio_of(row.figures).value) for row in units
            if ratio_of(row.figures).denominator]
    return Chart("ranking", _("承办单位%(metric)s排名") % {"metric": _(label)},
                 _("承办单位"), rows, percent=True)


def suggestion_stats(*, selection: Selection, restriction: Restriction, group: str = "unit",
                     ranking: str = "completion", definitions: Definitions | None = None,
                     now: datetime.datetime | None = None) -> Report:
    """The totals and the rows of `group`: the units ranked by `ranking` (in `units`), or the
    deputies', terms', sessions' or years' rows (in `rows`); and the charts.

    Every row's figures add up to the totals (each suggestion belongs to one deputy, term,
    session and year; each assignment, reply and evaluation to one unit), so the totals are the
    rows' sums, less the suggestions' own counts when the rows are units: about six queries."""
    d = definitions or Definitions.load(selection.congress)
    sel, r = selection, restriction
    rows = group_rows(sel, r, d, group, now)
    counts = add_counts(row.counts for row in rows)
    units_of_suggestions = group == "unit" and r.basis == "suggestion"
    category, own = _categories(sel, r, d, with_counts=units_of_suggestions)
    if units_of_suggestions:
        counts = {k: v for k, v in counts.items() if k not in SUGGESTION_COUNTS} | own
    report = Report(selection=sel, definitions=d, basis=r.basis,
                    totals=Figures.of(counts, r.basis), group=group, ranking=ranking)
    if group == "unit":
        report.units = rank_rows(rows, ranking)
    else:
        report.rows = rows
    report.charts = [category, reply_category_chart(counts, d)]
    if report.units:
        report.charts.append(ranking_chart(report.units, ranking))
    return report
