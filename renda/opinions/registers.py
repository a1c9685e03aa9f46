"""The registers (登记簿) a station keeps of the citizens' opinions addressed to it (DOMAIN §2,
巴彦 "三簿二册一档"), on screen and in Excel.

Which registers a station keeps and what they are called is the congress's setting
`opinions.registers`; the kinds filled here are the reception register (接待登记: what came in
and how it was handled), the handling register (办理登记: triage, transfer, deadline,
acknowledgement, reply, overdue) and the feedback register (反馈登记: feedback to the citizen,
rating, solved, reopened). Each lists the items *received* in the period, one row per item in
the order received, so that the three agree with each other and with the rates of
`renda.opinions.stats`.

Citizens' names and mobile numbers are always masked in the registers, on screen and in the
export: a register is for counting and following up; the full details stay on the item's own
page, for the roles that may read them there. Every export is logged as an `Event` on the
station (who, which period, which registers, how many rows).
"""

import dataclasses
import datetime
import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

import openpyxl
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from renda.accounts.access import scope_filter
from renda.core.deadlines import local_zone
from renda.core.masking import mask_name, mask_phone
from renda.core.models import Event
from renda.core.workflow import event_append
from renda.directory.models import Congress, Station
from renda.directory.selectors import setting_value
from renda.opinions.models import Opinion
from renda.opinions.services import opinion_types
from renda.opinions.stats import (
    TRIAGE_ACTIONS,
    VIEW,
    Period,
    opinion_content_type,
    received_in,
)
from renda.opinions.workflow import OPINION

logger = logging.getLogger(__name__)

KEY = "opinions.registers"
EXPORT_ACTION = "export_registers"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
S = Opinion.Status


@dataclasses.dataclass(frozen=True)
class Facts:
    """What a row needs beyond the item: the type labels and the present moment."""

    types: dict[str, str]
    now: datetime.datetime


@dataclasses.dataclass(frozen=True)
class Column:
    header: Any
    width: int
    value: Callable[[Opinion, Facts], Any]


@dataclasses.dataclass(frozen=True)
class Register:
    code: str
    label: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [gettext("序号"), *(str(c.header) for c in self.columns)]

    def row(self, number: int, item: Opinion, facts: Facts) -> list[Any]:
        return [number, *(c.value(item, facts) for c in self.columns)]


# The values of the columns ---------------------------------------------------------------------


def _citizen(item: Opinion, _facts: Facts) -> str:
    return gettext("匿名") if item.is_anonymous else mask_name(item.citizen_name)


def _outcome(item: Opinion, _facts: Facts) -> str:
    """How the item was handled: its latest triage outcome, with the reason of a decline."""
    if not item.triage_action:
        return gettext("待分办")
    if item.status == S.RECEIVED:  # transferred, then returned by the unit
        return gettext("退回后待分办")
    label = str(OPINION.get(item.triage_action).label)
    if item.triage_action == "decline" and item.decline_reason:
        return f"{label}（{item.get_decline_reason_display()}）"
    return label


def _overdue(item: Opinion, facts: Facts) -> bool | None:
    """Past its deadline: replied late in the current round (since the latest transfer or
    reopening), or still open after it. None where no deadline runs."""
    if item.due_at is None:
        return None
    replied = item.replied_at
    if replied and item.transferred_at and replied >= item.transferred_at:
        return replied > item.due_at
    if item.status in Opinion.OPEN_STATES:
        return facts.now > item.due_at
    return None


def _solved(item: Opinion, _facts: Facts) -> str:
    if not item.rating:
        return ""
    return {True: gettext("是"), False: gettext("否")}.get(item.solved, gettext("未回答"))


def _attr(name: str) -> Callable[[Opinion, Facts], Any]:
    return lambda item, _facts: getattr(item, name)


def _name(name: str) -> Callable[[Opinion, Facts], str]:
    return lambda item, _facts: str(getattr(item, name) or "")


def _display(name: str) -> Callable[[Opinion, Facts], str]:
    return lambda item, _facts: str(getattr(item, f"get_{name}_display")())


NUMBER = Column(_("查询编号"), 20, _attr("tracking_number"))
TITLE = Column(_("标题"), 36, _attr("title"))
UNIT = Column(_("承办单位"), 24, _name("assigned_unit"))
REPLIED = Column(_("答复时间"), 17, _attr("replied_at"))

KINDS: dict[str, tuple[Column, ...]] = {
    "reception": (
        NUMBER,
        Column(_("受理时间"), 17, _attr("created_at")),
        Column(_("渠道"), 14, _display("channel")),
        Column(_("反映人"), 10, _citizen),
        Column(_("联系电话"), 14, lambda item, _f: mask_phone(item.citizen_mobile)),
        Column(_("类型"), 8, lambda item, f: f.types.get(item.type_code, item.type_code)),
        TITLE,
        Column(_("反映至代表"), 10, _name("addressed_deputy")),
        Column(_("问题所在区划"), 12, _name("area")),
        Column(_("处理方式"), 16, _outcome),
        Column(_("当前状态"), 12, _display("status")),
    ),
    "handling": (
        NUMBER,
        TITLE,
        Column(_("分办结果"), 16, _outcome),
        Column(_("分办时间"), 17, _attr("triaged_at")),
        UNIT,
        Column(_("交办时间"), 17, _attr("transferred_at")),
        Column(_("办理期限"), 17, _attr("due_at")),
        Column(_("延期"), 6, _attr("extension_used")),
        Column(_("签收时间"), 17, _attr("accepted_at")),
        REPLIED,
        Column(_("是否超期"), 9, _overdue),
    ),
    "feedback": (
        NUMBER,
        TITLE,
        UNIT,
        REPLIED,
        Column(_("反馈时间"), 17, _attr("confirmed_at")),
        Column(_("评价"), 10, _display("rating")),
        Column(_("问题是否解决"), 12, _solved),
        Column(_("评价时间"), 17, _attr("rated_at")),
        Column(_("重新办理"), 9, _attr("reopened")),
    ),
}


# Reads -----------------------------------------------------------------------------------------


def registers_of(*, congress: Congress) -> list[Register]:
    """The congress's registers in its order; codes of kinds not known here are skipped."""
    value = setting_value(congress=congress, key=KEY, on=timezone.localdate())
    return [Register(entry["code"], str(entry.get("label") or entry["code"]),
                     KINDS[entry["code"]])
            for entry in value if entry.get("code") in KINDS]


def _latest(actions: Iterable[str], field: str = "created_at") -> Subquery:
    events = Event.objects.filter(content_type=opinion_content_type(), object_id=OuterRef("pk"),
                                  action__in=list(actions))
    return Subquery(events.order_by("-created_at", "-id").values(field)[:1])


def register_items(*, user: Any, station: Station, period: Period) -> QuerySet[Opinion]:
    """The items addressed to the station and received in the period that the user reads,
    in the order received, with the times of their latest triage, signing, reply and
    feedback read from the action log (one subquery each, served by `event_target_time`)."""
    items = received_in(period, congress=station.congress).filter(addressed_station=station)
    return (scope_filter(user, VIEW, items)
            .select_related("addressed_deputy", "assigned_unit", "area")
            .annotate(triaged_at=_latest(TRIAGE_ACTIONS),
                      triage_action=_latest(TRIAGE_ACTIONS, "action"),
                      accepted_at=_latest(["accept"]), replied_at=_latest(["reply"]),
                      confirmed_at=_latest(["confirm"]))
            .order_by("created_at", "id"))


def register_facts(*, congress: Congress) -> Facts:
    types = {code: kind["label"] for code, kind in opinion_types(congress=congress).items()}
    return Facts(types=types, now=timezone.now())


def screen_value(value: Any) -> str:
    """A cell as the page shows it: times in Beijing time, yes or no, blank for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, local_zone()).strftime("%Y-%m-%d %H:%M")
    return str(value)


# The Excel export ------------------------------------------------------------------------------


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: Beijing time, as on the screen.
        return timezone.localtime(value, local_zone()).replace(tzinfo=None)
    if isinstance(value, bool) or value is None:
        return screen_value(value)
    return value


def _sheet_title(label: str, taken: set[str]) -> str:
    title = SHEET_TITLE_BAD.sub("", label)[:31] or "Sheet"
    while title in taken:
        title = f"{title[:28]}-{len(taken)}"
    taken.add(title)
    return title


def _write_sheet(sheet: Any, register: Register, heading: list[str], items: list[Opinion],
                 facts: Facts) -> None:
    width = len(register.columns) + 1
    for line, size in zip(heading, (14, 10), strict=True):
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=size == 14, size=size)
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                          end_column=width)
    sheet.append(register.headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F5F3F0")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for number, item in enumerate(items, start=1):
        sheet.append([_excel_value(v) for v in register.row(number, item, facts)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever a citizen's title starts with
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(register.columns, start=2):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A4"  # the heading and the column names stay while scrolling


def registers_workbook(*, station: Station, period: Period, registers: list[Register],
                       items: list[Opinion], facts: Facts) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    note = gettext("期间：%(period)s（%(start)s 至 %(end)s，按受理时间）；共 %(count)s 件；"
                   "反映人姓名和电话已脱敏；导出时间：%(now)s") % {
        "period": period.label, "start": period.start, "end": period.end, "count": len(items),
        "now": screen_value(facts.now)}
    for register in registers:
        sheet = workbook.create_sheet(_sheet_title(register.label, taken))
        _write_sheet(sheet, register, [f"{station.name}　{register.label}", note], items, facts)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registers_export(*, actor: Any, station: Station, period: Period) -> bytes:
    """The station's registers for the period as one workbook, a sheet per register, with the
    rows the actor may read; the export is logged on the station."""
    registers = registers_of(congress=station.congress)
    items = list(register_items(user=actor, station=station, period=period))
    data = registers_workbook(station=station, period=period, registers=registers, items=items,
                              facts=register_facts(congress=station.congress))
    event_append(target=station, action=EXPORT_ACTION, actor=actor,
                 data={"start": period.start.isoformat(), "end": period.end.isoformat(),
                       "registers": [r.code for r in registers], "rows": len(items)})
    logger.info("opinion registers exported: user=%s station=%s %s..%s rows=%s",
                getattr(actor, "pk", None), station.code, period.start, period.end, len(items))
    return data
