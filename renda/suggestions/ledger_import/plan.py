"""Reading a ledger and checking it row by row: each suggestion becomes a `SuggestionPlan`
with a `PartPlan` per row (one unit's part), or errors (row, column, reason) on the result.
Nothing is written here."""

import dataclasses
import datetime
import io
import re
from typing import Any

import openpyxl
from django.utils.translation import gettext as _

from renda.core.calendar import CalendarNotCovered
from renda.core.deadlines import DeadlineRule, due_at, end_of_day, local_zone
from renda.directory.models import (
    Congress,
    Deputy,
    HandlingUnit,
    Mandate,
    PlenarySession,
    Term,
)
from renda.directory.roster.common import (
    ImportResult,
    RosterFileError,
    cell_text,
    choice_labels,
    split_list,
)
from renda.directory.selectors import setting_value
from renda.suggestions.ledger_import.columns import COLUMNS, HEADERS
from renda.suggestions.models import (
    CONTENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Suggestion,
)
from renda.suggestions.services.review import KIND_NAMES, SERIES_NAMES

MAX_ROWS = 20000
YES = {"是", "公开", "Y", "y", "yes", "1", "true", "True"}
NO = {"否", "不公开", "N", "n", "no", "0", "false", "False"}
SESSION_RE = re.compile(
    r"^(?:第?([一二三四五六七八九十\d]+)届)?(?:人大)?第?([一二三四五六七八九十\d]+)次(?:会议)?$")
NUMBER_RE = re.compile(r"(\d+)\D*$")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
INTERIM_WORDS = ("闭会期间", "闭会")


# Plans -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class ReplyPlan:
    round: int
    on: datetime.date
    category: str
    body: str
    promised: datetime.date | None = None
    commitment: str = ""  # a Commitment.Status, for a reply that promises
    rating: str = ""


@dataclasses.dataclass
class PartPlan:
    """One row: one unit's part in a suggestion."""

    row: int
    unit: HandlingUnit | None = None
    role: str = Assignment.Role.LEAD
    assigned_on: datetime.date | None = None
    due_on: datetime.date | None = None
    extension: bool = False
    contact: tuple[str, datetime.date] | None = None
    sent_on: datetime.date | None = None  # an assisting unit's view
    replies: list[ReplyPlan] = dataclasses.field(default_factory=list)
    public_replies: bool = True
    follow_up: str = ""


@dataclasses.dataclass
class SuggestionPlan:
    row: int
    key: tuple[str, str, int]  # kind, numbering key, number
    values: dict[str, Any]
    cosigners: list[Deputy]
    parts: list[PartPlan] = dataclasses.field(default_factory=list)
    existing: Suggestion | None = None


@dataclasses.dataclass
class Lookups:
    congress: Congress
    terms: dict[int, Term]
    sessions: list[PlenarySession]
    deputies: dict[int, dict[str, list[Deputy]]]  # term id → name → deputies
    units: dict[str, list[HandlingUnit]]
    categories: dict[str, str]  # label or code → code
    reply_categories: dict[str, dict]  # label or code → the category
    number_format: str
    reply_rule: DeadlineRule
    extension_rule: DeadlineRule
    rehandle_rule: DeadlineRule


# Reading ---------------------------------------------------------------------------------------


def read_ledger(data: bytes, result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows of the first sheet as {header: text}, numbered as Excel numbers them;
    dates are kept as ISO dates."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a malformed file
        raise RosterFileError(_("无法读取该 Excel 文件，请用模板重新填写后上传")) from None
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        headers = _headers(next(lines, ()), result)
        rows = []
        for number, line in enumerate(lines, start=2):
            values = {h: _cell(v) for h, v in zip(headers, line, strict=False) if h}
            if not any(values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterFileError(_("数据超过 %(max)s 行，请拆分后分批导入") % {"max": MAX_ROWS})
            rows.append((number, values))
    finally:
        workbook.close()
    if not rows and result.ok:
        raise RosterFileError(_("表格中没有数据行"))
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return cell_text(value).replace("\x00", "")


def _headers(line: tuple, result: ImportResult) -> list[str]:
    headers = [cell_text(v).rstrip("*＊ ") for v in line]
    if not any(headers):
        raise RosterFileError(_("第 1 行应为列名，请使用模板"))
    for header in headers:
        if header and header not in HEADERS:
            result.add_error(1, header, _("无法识别的列名，请使用模板中的列名"))
    for column in COLUMNS:
        if column.required and column.header not in headers:
            result.add_error(1, column.header, _("缺少必需的列"))
    return headers


# Lookups ---------------------------------------------------------------------------------------


def _setting(congress: Congress, key: str) -> Any:
    return setting_value(congress=congress, key=key, on=datetime.date.today())


def load_lookups(congress: Congress, rows: list[tuple[int, dict[str, str]]]) -> Lookups:
    """Everything the rows refer to, in a handful of queries whatever the number of rows."""
    terms = {t.number: t for t in Term.objects.filter(congress=congress)}
    names = {n for _row, v in rows for n in [v.get("领衔代表", ""), *split_list(v.get("联名代表", ""))]}
    deputies: dict[int, dict[str, list[Deputy]]] = {}
    for term_id, deputy in _deputies(congress, names):
        deputies.setdefault(term_id, {}).setdefault(deputy.name, []).append(deputy)
    units: dict[str, list[HandlingUnit]] = {}
    for unit in HandlingUnit.objects.filter(area__path__startswith=congress.area.path):
        for name in {unit.name, unit.short_name, unit.code} - {""}:
            units.setdefault(name, []).append(unit)
    categories = {}
    for item in _setting(congress, "suggestions.categories"):
        categories[item["code"]] = categories[str(item.get("label") or item["code"])] = item["code"]
    replies = {}
    for item in _setting(congress, "suggestions.reply_categories"):
        for name in (item["code"], str(item.get("label") or item["code"]), f"{item['code']}类",
                     f"{item['code']} 类"):
            replies[name] = item
    return Lookups(
        congress=congress, terms=terms,
        sessions=list(PlenarySession.objects.filter(term__congress=congress)
                      .select_related("term")),
        deputies=deputies, units=units, categories=categories, reply_categories=replies,
        number_format=str(_setting(congress, "suggestions.number_format")),
        reply_rule=DeadlineRule.parse(_setting(congress, "suggestions.reply_deadline")),
        extension_rule=DeadlineRule.parse(_setting(congress, "suggestions.extension_max")),
        rehandle_rule=DeadlineRule.parse(_setting(congress, "suggestions.rehandle_deadline")))


def _deputies(congress: Congress, names: set[str]) -> list[tuple[int, Deputy]]:
    """(term id, deputy) for the deputies of these names with a mandate in the congress."""
    mandates = (Mandate.objects.filter(term__congress=congress, deputy__name__in=names - {""})
                .select_related("deputy").order_by("term_id", "deputy_id"))
    pairs = {(m.term_id, m.deputy_id): m.deputy for m in mandates}
    return [(term_id, deputy) for (term_id, _pk), deputy in pairs.items()]


# Checking the rows -----------------------------------------------------------------------------


class RowReader:
    """Reads the cells of one row, noting every problem on the result."""

    def __init__(self, row: int, values: dict[str, str], result: ImportResult) -> None:
        self.row, self.values, self.result = row, values, result

    def text(self, header: str, *, required: bool = False, max_length: int = 0) -> str:
        value = self.values.get(header, "").strip()
        if required and not value:
            self.error(header, _("必须填写"))
        if max_length and len(value) > max_length:
            self.error(header, _("不能超过 %(max)s 个字") % {"max": max_length})
        return value

    def error(self, header: str, message: Any) -> None:
        self.result.add_error(self.row, header, message)

    def date(self, header: str, *, required: bool = False) -> datetime.date | None:
        value = self.text(header, required=required)
        if not value:
            return None
        match = DATE_RE.match(value)
        try:
            if match is None:
                raise ValueError(value)
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            self.error(header, _("日期格式不正确，请填写如 2025-03-01 的日期"))
            return None

    def flag(self, header: str, default: bool) -> bool:
        value = self.text(header)
        if not value:
            return default
        if value not in YES | NO:
            self.error(header, _("请填写“是”或“否”"))
        return value in YES

    def choice(self, header: str, choices: dict[str, Any], message: Any) -> Any:
        value = self.text(header)
        if value and value not in choices:
            self.error(header, message)
        return choices.get(value) if value else None


def chinese_int(value: str) -> int | None:
    """"5", "五", "十七", "二十" as numbers; None for anything else."""
    if value.isdigit():
        return int(value)
    if not value or any(c not in CHINESE_DIGITS and c != "十" for c in value):
        return None
    if "十" not in value:
        return int("".join(str(CHINESE_DIGITS[c]) for c in value)) if len(value) == 1 else None
    tens, _sep, ones = value.partition("十")
    return (CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + (CHINESE_DIGITS.get(ones, 0)
                                                                 if ones else 0)


def plan_suggestions(rows: list[tuple[int, dict[str, str]]], lookups: Lookups,
                     result: ImportResult) -> list[SuggestionPlan]:
    """One plan per suggestion (rows with the same kind, series and number), with a part per
    row; suggestion-level cells must agree between its rows."""
    plans: dict[tuple, SuggestionPlan] = {}
    for row, values in rows:
        reader = RowReader(row, values, result)
        plan = _plan_suggestion(reader, lookups)
        if plan is None:
            continue
        known = plans.get(plan.key)
        if known is None:
            plans[plan.key] = plan
        else:
            _agree(reader, known, plan)
            plan = known
        part = _plan_part(reader, lookups, plan)
        if part is not None:
            plan.parts.append(part)
    for plan in plans.values():
        _check_parts(plan, result)
    return list(plans.values())


def _plan_suggestion(r: RowReader, lookups: Lookups) -> SuggestionPlan | None:
    number = _number(r)
    year = _year(r)
    kind = r.choice("类别", choice_labels(Suggestion.Kind), _("请填写“建议”或“议案”")) or (
        Suggestion.Kind.SUGGESTION)
    term, session = _term_and_session(r, lookups, year)
    title = r.text("标题", required=True, max_length=TITLE_MAX_LENGTH)
    lead = _deputy(r, "领衔代表", r.text("领衔代表", required=True), term, lookups)
    cosigners = [d for name in split_list(r.text("联名代表"))
                 if (d := _deputy(r, "联名代表", name, term, lookups)) is not None]
    category = r.choice("分类", lookups.categories, _("本级人大的代表建议分类中没有该分类"))
    if not r.text("分类"):
        r.error("分类", _("必须填写"))
    if None in (number, year, term, lead, category) or not title:
        return None
    key = f"S{session.pk}" if session else f"Y{year}"
    values = {"term": term, "session": session, "kind": kind, "year": year, "title": title,
              "content": r.text("内容", max_length=CONTENT_MAX_LENGTH) or title, "lead_deputy": lead,
              "category": category, "is_public": r.flag("建议是否公开", True),
              "code": _code(r.text("编号"), number, year, session, kind, lookups),
              "submitted_on": r.date("提出日期")}
    return SuggestionPlan(row=r.row, key=(kind, key, number), values=values, cosigners=cosigners)


def _number(r: RowReader) -> int | None:
    value = r.text("编号", required=True, max_length=40)
    match = NUMBER_RE.search(value)
    if value and (match is None or int(match.group(1)) == 0):
        r.error("编号", _("编号中应有序号（末尾的数字）"))
    return int(match.group(1)) if value and match and int(match.group(1)) else None


def _year(r: RowReader) -> int | None:
    value = r.text("年度", required=True)
    if value and not (value.isdigit() and 2000 <= int(value) <= 2100):
        r.error("年度", _("年度应为 2000 到 2100 之间的四位数字"))
        return None
    return int(value) if value else None


def _term_and_session(r: RowReader, lookups: Lookups, year: int | None
                      ) -> tuple[Term | None, PlenarySession | None]:
    written = r.text("会议或闭会期间", required=True)
    term_number = chinese_int(r.text("届次").removeprefix("第").removesuffix("届"))
    if r.text("届次") and (term_number is None or term_number not in lookups.terms):
        r.error("届次", _("本级人大没有这一届"))
        return None, None
    if not written or year is None:
        return None, None
    if written in INTERIM_WORDS:
        term = lookups.terms.get(term_number) if term_number else _term_on(lookups, year)
        if term is None:
            r.error("届次", _("无法确定届次，请填写届次"))
        return term, None
    match = SESSION_RE.match(written.replace(" ", ""))
    number = chinese_int(match.group(2)) if match else None
    if match and match.group(1):
        term_number = chinese_int(match.group(1))
    if number is None:
        r.error("会议或闭会期间", _("请填写“闭会期间”或会议次数，如“五次会议”"))
        return None, None
    return _session(r, lookups, year, term_number, number)


def _session(r: RowReader, lookups: Lookups, year: int, term_number: int | None,
             number: int) -> tuple[Term | None, PlenarySession | None]:
    found = [s for s in lookups.sessions if s.number == number and (
        s.term.number == term_number if term_number else s.start_date.year == year)]
    if len(found) != 1:
        r.error("会议或闭会期间", _("找不到这次会议（请核对年度和届次）") if not found
                else _("有多次同名会议，请填写届次"))
        return None, None
    return found[0].term, found[0]


def _term_on(lookups: Lookups, year: int) -> Term | None:
    day = datetime.date(year, 7, 1)
    return next((t for t in sorted(lookups.terms.values(), key=lambda t: -t.number)
                 if t.start_date <= day and (t.end_date is None or day <= t.end_date)), None)


def _deputy(r: RowReader, header: str, name: str, term: Term | None,
            lookups: Lookups) -> Deputy | None:
    if not name or term is None:
        return None
    found = lookups.deputies.get(term.pk, {}).get(name, [])
    if len(found) != 1:
        r.error(header, (_("本届代表中没有“%(name)s”") if not found
                         else _("本届有多名代表叫“%(name)s”，无法确定是哪一位")) % {"name": name})
        return None
    return found[0]


def _code(written: str, number: int | None, year: int | None, session: PlenarySession | None,
          kind: str, lookups: Lookups) -> str:
    """The code as the ledger writes it, or by the congress's format when only a number is
    given."""
    if not written.isdigit() or number is None:
        return written
    values = {"year": session.start_date.year if session else year,
              "session": session.number if session else "", "number": number,
              # The names registration writes codes with, whatever the language of the page.
              "kind": KIND_NAMES[kind],
              "series": SERIES_NAMES[Suggestion.Series.SESSION if session
                                     else Suggestion.Series.INTERIM]}
    try:
        return str(lookups.number_format.format(**values))[:40]
    except (KeyError, IndexError, ValueError, TypeError):
        return written


SUGGESTION_CELLS = (("标题", "title"), ("领衔代表", "lead_deputy"), ("分类", "category"),
                    ("内容", "content"), ("建议是否公开", "is_public"))


def _agree(r: RowReader, known: SuggestionPlan, plan: SuggestionPlan) -> None:
    """The rows of one suggestion must say the same about it."""
    for header, field in SUGGESTION_CELLS:
        if known.values[field] != plan.values[field]:
            r.error(header, _("与第 %(row)s 行（同一编号）不一致") % {"row": known.row})


# One unit's part -------------------------------------------------------------------------------

def _plan_part(r: RowReader, lookups: Lookups, plan: SuggestionPlan) -> PartPlan | None:
    name = r.text("承办单位")
    if not name:
        _nothing_after(r, ("承办方式", "交办日期", "答复日期", "答复分类", "评价"))
        return None
    units = lookups.units.get(name, [])
    if len(units) != 1:
        r.error("承办单位", _("本级人大所在区划内没有该承办单位") if not units
                else _("有多个承办单位叫这个名字，请填写单位编码"))
    role = r.choice("承办方式", choice_labels(Assignment.Role), _("请填写主办、协办或分办")) or (
        Assignment.Role.LEAD)
    part = PartPlan(row=r.row, unit=units[0] if len(units) == 1 else None, role=role,
                    assigned_on=r.date("交办日期", required=True), extension=r.flag("是否延期", False),
                    public_replies=r.flag("答复是否公开", True))
    part.due_on = r.date("答复期限") or _due(r, lookups, part)
    if role == Assignment.Role.ASSISTING:
        part.sent_on = r.date("答复日期")
        _nothing_after(r, ("答复分类", "评价", "重新办理答复日期", "年终二次评价"),
                       _("协办单位不直接答复代表，此列应留空"))
    else:
        _plan_replies(r, lookups, part)
    _plan_contact(r, part)
    _check_dates(r, part)
    return part


def _nothing_after(r: RowReader, headers: tuple[str, ...], message: Any = None) -> None:
    for header in headers:
        if r.text(header):
            r.error(header, message or _("未填写承办单位的，此列应留空"))


def _due(r: RowReader, lookups: Lookups, part: PartPlan) -> datetime.date | None:
    if part.assigned_on is None:
        return None
    try:
        start = end_of_day(part.assigned_on)
        deadline = due_at(start, lookups.reply_rule)
        if part.extension:
            deadline = due_at(deadline, lookups.extension_rule)
    except CalendarNotCovered:
        r.error("答复期限", _("无法按工作日计算该年度的答复期限（节假日安排未录入），请填写答复期限"))
        return None
    return deadline.astimezone(local_zone()).date()


def _plan_replies(r: RowReader, lookups: Lookups, part: PartPlan) -> None:
    first = _reply(r, lookups, 1, "答复日期", "答复分类", "答复内容", "评价")
    if first is None:
        _nothing_after(r, ("评价", "重新办理答复日期", "年终二次评价"), _("未答复的，此列应留空"))
        return
    part.replies.append(first)
    second = _reply(r, lookups, 2, "重新办理答复日期", "重新办理答复分类", "重新办理答复内容",
                    "重新办理后评价")
    if second is not None:
        if first.rating != Evaluation.Rating.DISSATISFIED:
            r.error("重新办理答复日期", _("只有评价为“不满意”的才重新办理"))
        elif second.on < first.on:
            r.error("重新办理答复日期", _("不能早于第一次答复日期"))
        part.replies.append(second)
    elif r.text("重新办理后评价"):
        r.error("重新办理后评价", _("未填写重新办理答复日期"))
    _plan_commitment(r, lookups, part)
    part.follow_up = r.choice("年终二次评价", choice_labels(Evaluation.Rating),
                              _("请填写满意、基本满意或不满意")) or ""


def _reply(r: RowReader, lookups: Lookups, round: int, date: str, category: str, body: str,
           rating: str) -> ReplyPlan | None:
    on = r.date(date)
    kind = r.choice(category, lookups.reply_categories, _("本级人大的答复分类中没有该分类"))
    if on is None and (r.text(category) or r.text(rating)):
        r.error(date, _("填写了答复分类或评价的，须填写答复日期"))
    if on is not None and not r.text(category):
        r.error(category, _("必须填写"))
    if on is None or kind is None:
        return None
    return ReplyPlan(round=round, on=on, category=kind["code"],
                     body=r.text(body, max_length=CONTENT_MAX_LENGTH) or _("见答复函"),
                     rating=r.choice(rating, choice_labels(Evaluation.Rating),
                                     _("请填写满意、基本满意或不满意")) or "")


def _plan_commitment(r: RowReader, lookups: Lookups, part: PartPlan) -> None:
    """A promise category (B by default) needs a promised date; its commitment takes the
    status written in the ledger, an earlier round's promise is counted as re-planned."""
    promised = r.date("承诺完成时间")
    status = r.choice("承诺落实情况", choice_labels(Commitment.Status),
                      _("请填写推进中、已兑现或已调整计划")) or Commitment.Status.OPEN
    promising = [reply for reply in part.replies
                 if lookups.reply_categories.get(reply.category, {}).get("promise")]
    if promising and promised is None:
        r.error("承诺完成时间", _("该答复分类须写明承诺完成时间"))
    for reply in part.replies:
        reply.promised = promised
    for reply in promising:
        reply.commitment = (status if reply is part.replies[-1]
                            else Commitment.Status.REPLANNED)


def _plan_contact(r: RowReader, part: PartPlan) -> None:
    method = r.choice("沟通方式", choice_labels(ContactRecord.Method),
                      _("请填写见面沟通、电话沟通、书面沟通或其他方式"))
    on = r.date("沟通日期")
    if method is None:
        if on is not None:
            r.error("沟通方式", _("填写了沟通日期的，须填写沟通方式"))
        return
    default = part.replies[0].on if part.replies else part.assigned_on
    part.contact = (method, on or default) if (on or default) else None


def _check_dates(r: RowReader, part: PartPlan) -> None:
    start = part.assigned_on
    if start is None:
        return
    for reply in part.replies:
        if reply.on < start:
            r.error("答复日期" if reply.round == 1 else "重新办理答复日期",
                    _("不能早于交办日期"))
    if part.due_on is not None and part.due_on < start:
        r.error("答复期限", _("不能早于交办日期"))


def _check_parts(plan: SuggestionPlan, result: ImportResult) -> None:
    """One lead unit at most, not beside units answering separately; assisting units only
    beside a lead unit; no unit twice; the promise categories carry a promised date."""
    roles = [p.role for p in plan.parts]
    seen: dict[int, int] = {}
    for part in plan.parts:
        if part.unit is not None and part.unit.pk in seen:
            result.add_error(part.row, "承办单位", _("与第 %(row)s 行重复") % {"row": seen[part.unit.pk]})
        if part.unit is not None:
            seen.setdefault(part.unit.pk, part.row)
    lead = roles.count(Assignment.Role.LEAD)
    problem = None
    if lead > 1:
        problem = _("同一件建议只能有一个主办单位")
    elif lead and Assignment.Role.SEPARATE in roles:
        problem = _("主办和分办不能同时用于同一件建议")
    elif Assignment.Role.ASSISTING in roles and not lead:
        problem = _("有协办单位的建议须有主办单位")
    if problem:
        result.add_error(plan.parts[-1].row, "承办方式", problem)
