"""Demo suggestions (代表建议) for 平房区人大: a term's worth, about 1,500, on top of the directory
demo, so that every statistics page has something real to show.

The bulk is what a congress office would bring from its old spreadsheets: the suggestions of
the fourth and fifth plenary sessions of the seventeenth term (January 2025 and January 2026)
and of the closed periods of 2025 and 2026, spread over the district's handling units in the
proportions of seed 001 (Harbin: public security 63, development 52, health 46, civil affairs
31, sports 6 … a year; here doubled for two years), with the units the directory demo lacks
(industry, culture and tourism, sports, natural resources, water, medical insurance) added.
They are written as a ledger in memory and loaded through the ledger import
(`renda.suggestions.ledger_import.ledger_import_rows`, what an office's upload goes through
once its sheet is read; `ledger_workbook` writes the same rows as an .xlsx): A/B/C/D replies in realistic
shares (about 88 % A + B), the deputies' evaluations with some dissatisfied and re-handled,
year-end follow-up evaluations, commitments fulfilled, open or re-planned, contact records,
a few late or extended replies; the units differ in how well they do, so that the rankings
mean something. Then a few dozen items still in progress are created through the services of
each stage (drafted, submitted, registered, assigned, acknowledged, replied).

Deterministic (`random.Random(2027)`, dates up to `ANCHOR`) and idempotent: the import leaves
the suggestions already in the system alone, and an in-progress item is created only when no
suggestion of its deputy has its title. Titles are built from templates × places of the
district; contents are data, in Chinese, not translated. The people are the demo's invented
deputies.
"""

import dataclasses
import datetime
import io
import random
from collections import Counter
from typing import Any, TextIO

import openpyxl
from django.db import transaction

from renda.accounts.models import User
from renda.directory.demo.areas import PINGFANG
from renda.directory.demo.sync import upsert
from renda.directory.demo.units import office_phone
from renda.directory.models import Area, Congress, Deputy, HandlingUnit, Term
from renda.suggestions.demo.topics import TOPICS, Topic
from renda.suggestions.ledger_import import HEADERS, ImportResult, ledger_import_rows
from renda.suggestions.models import Suggestion

SEED = 2027
ANCHOR = datetime.date(2026, 11, 20)  # the demo's "today": nothing is dated after it
OFFICE = "demo-office"
TERM = 17
D = datetime.date

# Units the directory demo lacks (code suffix, name, short name).
EXTRA_UNITS = (
    ("GXJ", "平房区工业和信息化局", "区工信局"),
    ("WLJ", "平房区文化广电和旅游局", "区文旅局"),
    ("TYJ", "平房区体育局", "区体育局"),
    ("ZRJ", "哈尔滨市自然资源和规划局平房分局", "自然资源分局"),
    ("SWJ", "平房区水务局", "区水务局"),
    ("YBJ", "平房区医疗保障局", "区医保局"),
)


@dataclasses.dataclass(frozen=True)
class UnitPlan:
    """How many suggestions a unit leads over the two years, and how well it does: the share
    of its replies that are A, that come late, and of its evaluations that are dissatisfied."""

    suffix: str
    count: int
    solved: float = 0.62
    late: float = 0.05
    dissatisfied: float = 0.06


UNITS = (
    # Seed 001's five, doubled for two years; public security answers all on time.
    UnitPlan("GAJ", 126, 0.70, 0.0, 0.02), UnitPlan("FGJ", 104, 0.55, 0.03, 0.05),
    UnitPlan("WJJ", 92, 0.64, 0.02, 0.04), UnitPlan("MZJ", 62, 0.68, 0.0, 0.03),
    UnitPlan("TYJ", 12, 0.58, 0.08, 0.08),
    # The rest of the district, heaviest first.
    UnitPlan("ZJJ", 190, 0.50, 0.09, 0.10), UnitPlan("CGJ", 150, 0.60, 0.06, 0.08),
    UnitPlan("JTJ", 118, 0.52, 0.07, 0.09), UnitPlan("JYJ", 112, 0.63, 0.03, 0.05),
    UnitPlan("HBJ", 64, 0.57, 0.05, 0.07), UnitPlan("RSJ", 56, 0.66, 0.03, 0.04),
    UnitPlan("ZRJ", 52, 0.45, 0.10, 0.10), UnitPlan("GXJ", 48, 0.60, 0.04, 0.05),
    UnitPlan("SJJ", 38, 0.65, 0.03, 0.05), UnitPlan("NYJ", 36, 0.60, 0.05, 0.06),
    UnitPlan("SWJ", 34, 0.55, 0.06, 0.07), UnitPlan("WLJ", 30, 0.62, 0.04, 0.05),
    UnitPlan("YBJ", 30, 0.66, 0.02, 0.04), UnitPlan("YJJ", 24, 0.70, 0.02, 0.03),
    UnitPlan("CZJ", 20, 0.50, 0.05, 0.06), UnitPlan("ZFB", 16, 0.62, 0.04, 0.05),
    UnitPlan("XJ", 14), UnitPlan("BG", 12), UnitPlan("LM", 10), UnitPlan("YX", 12),
    UnitPlan("XG", 10), UnitPlan("XW", 10), UnitPlan("PFZ", 14),
    UnitPlan("FY", 8, 0.60, 0.0, 0.03), UnitPlan("JCY", 6, 0.66, 0.0, 0.0),
)

# The four periods of the ledger: (session number or None, year, share of the suggestions).
PERIODS = ((4, 2025, 0.35), (None, 2025, 0.15), (5, 2026, 0.35), (None, 2026, 0.15))


@dataclasses.dataclass
class Cast:
    congress: Congress
    term: Term
    sessions: dict[int, Any]
    units: dict[str, HandlingUnit]
    deputies: list[Deputy]
    weights: list[float]
    office: User

    @classmethod
    def load(cls) -> "Cast":
        area = Area.objects.get(code=PINGFANG.code)
        congress = Congress.objects.get(area=area, level=Congress.Level.DISTRICT)
        term = Term.objects.get(congress=congress, number=TERM)
        units = _units(area)
        deputies = _deputies(term)
        demo = User.objects.filter(username="demo-deputy").select_related("deputy").first()
        # A few very active deputies, most with a handful; the demo deputy among the active.
        weights = [8.0 if demo and d.pk == demo.deputy_id else 1.0 + 6.0 / (1 + i % 37)
                   for i, d in enumerate(deputies)]
        return cls(congress=congress, term=term,
                   sessions={s.number: s for s in term.sessions.all()}, units=units,
                   deputies=deputies, weights=weights,
                   office=User.objects.get(username=OFFICE))


def _units(area: Area) -> dict[str, HandlingUnit]:
    """The district's units by code suffix, with those the directory demo lacks added."""
    government = HandlingUnit.objects.get(code=f"{PINGFANG.abbr}-GOV")
    for suffix, name, short in EXTRA_UNITS:
        code = f"{PINGFANG.abbr}-{suffix}"
        upsert(HandlingUnit, {"code": code}, {
            "name": name, "short_name": short, "kind": HandlingUnit.Kind.DEPARTMENT,
            "area": area, "parent": government, "office_phone": office_phone(code),
            "is_active": True})
    prefix = f"{PINGFANG.abbr}-"
    return {u.code.removeprefix(prefix): u for u in
            HandlingUnit.objects.filter(code__startswith=prefix)}


def _deputies(term: Term) -> list[Deputy]:
    """The term's deputies whose names are unique in it (a ledger names deputies by name)."""
    deputies = list(Deputy.objects.filter(mandates__term=term).order_by("pk").distinct())
    names = Counter(d.name for d in deputies)
    return [d for d in deputies if names[d.name] == 1]


# The ledger ------------------------------------------------------------------------------------


def _places(rng: random.Random) -> str:
    street = rng.choice(PINGFANG.streets)
    where = rng.random()
    if where < 0.45:
        return f"{street.name}{rng.choice(street.communities)}"
    if where < 0.8:
        return rng.choice(street.roads)
    return street.name


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date
                 ) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _after(day: datetime.date, low: int, high: int, rng: random.Random) -> datetime.date:
    return day + datetime.timedelta(days=rng.randint(low, high))


@dataclasses.dataclass
class Item:
    """One demo suggestion as the ledger holds it."""

    series: int | None  # session number, or None for the closed period
    year: int
    number: int
    unit: UnitPlan
    topic: Topic
    place: str
    lead: Deputy
    cosigners: list[Deputy]
    submitted: datetime.date


class LedgerWriter:
    """Writes the rows of the demo items, deciding each one's course with the random
    generator: reply, lateness, category, evaluation, re-handling, follow-up, commitment."""

    def __init__(self, cast: Cast, rng: random.Random, anchor: datetime.date) -> None:
        self.cast, self.rng, self.anchor = cast, rng, anchor

    def rows(self, item: Item) -> list[dict[str, str]]:
        """A lead unit (with an assisting unit for about 15 %), or two units answering
        separately (about 3 %)."""
        base = self._base(item)
        if self._separate(item):
            other = self._other_unit(item.unit.suffix)
            return [{**base, **self._part(item, unit, "分办")} for unit in (item.unit, other)]
        lead = {**base, **self._part(item, item.unit, "主办")}
        if self.rng.random() < 0.15:
            return [lead, {**base, **self._assisting(item, lead)}]
        return [lead]

    def _separate(self, item: Item) -> bool:
        return item.number % 31 == 7  # about 3 %: two units answering separately

    def _base(self, item: Item) -> dict[str, str]:
        topic, place = item.topic, item.place
        return {
            "编号": _code(item), "年度": str(item.year), "届次": str(TERM),
            "会议或闭会期间": f"{item.series}次会议" if item.series else "闭会期间",
            "提出日期": item.submitted.isoformat(), "标题": topic.title.format(place=place),
            "内容": topic.content(place), "领衔代表": item.lead.name,
            "联名代表": "、".join(d.name for d in item.cosigners),
            "分类": topic.category, "建议是否公开": "否" if item.number % 29 == 3 else "是",
        }

    def _assigned(self, item: Item) -> datetime.date:
        if item.series:
            start = self.cast.sessions[item.series].end_date
            return _after(start, 35, 42, random.Random(item.year))  # one交办 meeting a year
        return _after(item.submitted, 3, 7, self.rng)

    def _part(self, item: Item, unit: UnitPlan, role: str) -> dict[str, str]:
        rng = self.rng
        assigned = self._assigned(item)
        cells = {"承办单位": self.cast.units[unit.suffix].name, "承办方式": role,
                 "交办日期": assigned.isoformat()}
        extended = rng.random() < 0.03
        if extended:
            cells["是否延期"] = "是"
        late = rng.random() < unit.late
        delay = rng.randint(95, 125) if late or extended else rng.randint(25, 88)
        replied = assigned + datetime.timedelta(days=delay)
        if replied > self.anchor - datetime.timedelta(days=2):
            return cells  # still being handled
        cells.update(self._reply(item, unit, assigned, replied))
        return cells

    def _reply(self, item: Item, unit: UnitPlan, assigned: datetime.date,
               replied: datetime.date) -> dict[str, str]:
        rng = self.rng
        category = self._category(unit)
        contact = rng.choices(("见面沟通", "电话沟通", "书面沟通"), (74, 16, 10))[0]
        cells = {
            "沟通方式": contact,
            "沟通日期": max(assigned, replied - datetime.timedelta(days=rng.randint(3, 25))
                            ).isoformat(),
            "答复日期": replied.isoformat(), "答复分类": category,
            "答复内容": item.topic.reply(category, item.place, self.cast.units[unit.suffix],
                                     replied),
            "答复是否公开": "否" if rng.random() < 0.06 else "是",
        }
        if category == "B":
            cells.update(self._commitment(replied))
        evaluated = replied + datetime.timedelta(days=rng.randint(5, 20))
        if evaluated <= self.anchor:
            cells.update(self._evaluation(item, unit, category, replied))
        return cells

    def _category(self, unit: UnitPlan) -> str:
        """A with the unit's share; A + B about 86 % of first replies (88 % or so of the
        final ones, after re-handling), a little more for the better units; the rest C, and D
        for a third of it."""
        solved_or_planned = 0.865 + (unit.solved - 0.62) * 0.3
        draw = self.rng.random()
        if draw < unit.solved:
            return "A"
        if draw < solved_or_planned:
            return "B"
        return "C" if draw < solved_or_planned + (1 - solved_or_planned) * 2 / 3 else "D"

    def _commitment(self, replied: datetime.date) -> dict[str, str]:
        promised = _after(replied, 120, 420, self.rng)
        if promised < self.anchor:
            status = self.rng.choices(("已兑现", "已调整计划", "推进中"), (82, 8, 10))[0]
        else:
            status = "已兑现" if self.rng.random() < 0.1 else "推进中"
        return {"承诺完成时间": promised.isoformat(), "承诺落实情况": status}

    def _evaluation(self, item: Item, unit: UnitPlan, category: str,
                    replied: datetime.date) -> dict[str, str]:
        rng = self.rng
        unhappy = unit.dissatisfied * (2.5 if category in "CD" else 1)
        if rng.random() < unhappy:
            cells = {"评价": "不满意"}
            second = _after(replied, 18, 32, rng)
            if second <= self.anchor - datetime.timedelta(days=3):
                again = "A" if rng.random() < 0.6 else "B"
                cells.update({"重新办理答复日期": second.isoformat(), "重新办理答复分类": again,
                              "重新办理答复内容": item.topic.reply(
                                  again, item.place, self.cast.units[unit.suffix], second),
                              "重新办理后评价": rng.choices(("满意", "基本满意", "不满意"),
                                                            (35, 55, 10))[0]})
                if again == "B" and "承诺完成时间" not in cells:
                    cells.update(self._commitment(second))
            return cells
        rating = rng.choices(("满意", "基本满意"), (74, 26))[0]
        cells = {"评价": rating}
        if item.year < self.anchor.year and rng.random() < 0.45:
            cells["年终二次评价"] = rng.choices(("满意", "基本满意", "不满意"), (72, 24, 4))[0]
        return cells

    def _assisting(self, item: Item, lead: dict[str, str]) -> dict[str, str]:
        other = self._other_unit(item.unit.suffix)
        assigned = D.fromisoformat(lead["交办日期"])
        sent = _after(assigned, 10, 25, self.rng)
        cells = {"承办单位": self.cast.units[other.suffix].name, "承办方式": "协办",
                 "交办日期": assigned.isoformat()}
        if sent <= self.anchor:
            cells["答复日期"] = sent.isoformat()
        return cells

    def _other_unit(self, suffix: str) -> UnitPlan:
        choices = [u for u in UNITS if u.suffix != suffix and u.count >= 30]
        return self.rng.choice(choices)


def _code(item: Item) -> str:
    """The number alone: the import writes the code by the congress's `number_format`, as
    registration does (2025大会建议第1号)."""
    return str(item.number)


def plan_items(cast: Cast, rng: random.Random, anchor: datetime.date) -> list[Item]:
    """Every demo suggestion: each unit's count split over the four periods, in a shuffled
    order, numbered in its series."""
    pool: dict[int, list[UnitPlan]] = {i: [] for i in range(len(PERIODS))}
    for unit in UNITS:
        for index, (_session, _year, share) in enumerate(PERIODS):
            pool[index] += [unit] * round(unit.count * share)
    items = []
    for index, (session, year, _share) in enumerate(PERIODS):
        units = pool[index]
        rng.shuffle(units)
        for number, unit in enumerate(units, start=1):
            items.append(_item(cast, rng, anchor, session, year, number, unit))
    return [item for item in items if item.submitted <= anchor]


def _item(cast: Cast, rng: random.Random, anchor: datetime.date, session: int | None,
          year: int, number: int, unit: UnitPlan) -> Item:
    topic = rng.choice(TOPICS[unit.suffix])
    lead = rng.choices(cast.deputies, cast.weights)[0]
    others = [d for d in rng.sample(cast.deputies, 4) if d.pk != lead.pk]
    cosigners = others[:rng.choice((0, 0, 0, 1, 2, 3))]
    if session:
        submitted = cast.sessions[session].start_date
    else:
        start = cast.sessions[4 if year == 2025 else 5].end_date + datetime.timedelta(days=20)
        submitted = _day_between(rng, start, min(D(year, 12, 15), anchor))
    return Item(series=session, year=year, number=number, unit=unit, topic=topic,
                place=_places(rng), lead=lead, cosigners=cosigners, submitted=submitted)


def demo_ledger(cast: Cast, anchor: datetime.date) -> list[tuple[int, dict[str, str]]]:
    """The demo ledger's rows as the import reads them from a sheet: (Excel row, {header:
    text}), numbered from 2 under the header row."""
    rng = random.Random(SEED)
    writer = LedgerWriter(cast, rng, anchor)
    rows = [row for item in plan_items(cast, rng, anchor) for row in writer.rows(item)]
    return [(number, {h: row.get(h, "") for h in HEADERS})
            for number, row in enumerate(rows, start=2)]


def ledger_workbook(rows: list[tuple[int, dict[str, str]]]) -> bytes:
    """The same rows as an Excel ledger (for an office to try the import page with)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADERS))
    for _number, values in rows:
        sheet.append([values.get(header, "") for header in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Seeding ---------------------------------------------------------------------------------------


def seed_suggestions(*, stdout: TextIO | None = None,
                     today: datetime.date | None = None) -> dict[str, int]:
    """Load the demo ledger (what is missing of it) and the items in progress; returns the
    number of 平房区人大's suggestions per status (printed on one line with `stdout`)."""
    anchor = min(ANCHOR, today or datetime.date.today())
    with transaction.atomic():
        cast = Cast.load()
        # The rows go through the import as an office's uploaded sheet would, less the
        # writing and reading of the file itself (a third of the time).
        result = ledger_import_rows(actor=cast.office, congress=cast.congress,
                                    rows=demo_ledger(cast, anchor),
                                    result=ImportResult(kind="suggestions", dry_run=False),
                                    checksum=f"demo-{SEED}")
        if not result.ok:
            raise RuntimeError(f"demo ledger refused: {result.errors[:5]}")
        from renda.suggestions.demo.progress import seed_in_progress

        seed_in_progress(cast)
    statuses = Counter(Suggestion.objects.filter(congress=cast.congress)
                       .values_list("status", flat=True))
    summary = {s: statuses[s] for s in Suggestion.Status.values if statuses[s]}
    if stdout is not None:
        labels = dict(Suggestion.Status.choices)
        parts = "，".join(f"{labels[s]} {n}" for s, n in summary.items())
        stdout.write(f"  演示代表建议: {sum(summary.values())} 件（{parts}）\n")
    return summary

