"""Excel (.xlsx) rosters of deputies and stations: import, export and the blank template.

The first sheet of a workbook holds the roster: row 1 the column headers (any order, names as
in `DEPUTY_COLUMNS` / `STATION_COLUMNS`), one record per row after it. Headers are a file format
shared with the offices' own spreadsheets, so they are fixed Chinese strings, not translated.

Deputy roster (one term of one congress):
    姓名*  性别* (男/女)  民族  出生年份 (1975)  政治面貌  工作单位及职务  手机号码 (1[3-9] + 9 digits)
    身份证号码 (18 characters, GB 11643 check digit)  选区 (name or number, of the term)
    联络站编码 (of the congress; several separated by 、 or ,)  代表小组 (names, of the congress)
    手机号码 and 身份证号码: at least one of the two, so that a re-import finds the same person.
Station roster (one congress):
    编码*  名称*  类型* (代表联络站 …)  所在区划代码* (inside the congress's area)  地址
    纬度 经度 (decimal degrees, both or neither)  服务热线  开放时间  上级编码 (a station of the congress)

Every row is validated before anything is written, and one bad row stops the whole import: all
errors come back as (row, column, message). A re-import updates: a deputy is matched by ID number,
else by name and mobile; a station by its code. Blank cells never clear what is stored.
"""

import dataclasses
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import filetype
import openpyxl
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Font

from renda.accounts import access
from renda.directory.models import (
    Area,
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    GroupMembership,
    Mandate,
    Station,
    StationAssignment,
    Term,
)

logger = logging.getLogger(__name__)

IMPORT_PERM = "directory.import_roster"
EXPORT_PERM = "directory.export_roster"
PRIVATE_PERM = "directory.view_deputy_private"
CHANGE_REASON = "名册导入"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # refuses zip bombs before openpyxl inflates them
MAX_ROWS = 5000
XLSX_MIMES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/zip"}
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
STATION_CODE_RE = re.compile(r"^[A-Za-z0-9-]{2,32}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"
LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    help: Any = ""
    private: bool = False
    text: bool = False  # stored as text so that Excel keeps leading zeros and all 18 digits


DEPUTY_COLUMNS = (
    Column("姓名", True, _("必填")),
    Column("性别", True, _("必填：男 或 女")),
    Column("民族", help=_("例如：汉族")),
    Column("出生年份", help=_("四位数字，例如 1975；可由身份证号码推出")),
    Column("政治面貌", help=_("例如：中共党员、群众")),
    Column("工作单位及职务"),
    Column("手机号码", help=_("11 位手机号；与身份证号码至少填写一项"), private=True, text=True),
    Column("身份证号码", help=_("18 位，末位校验码须正确"), private=True, text=True),
    Column("选区", help=_("本届已建立的选区名称或编号")),
    Column("联络站编码", help=_("本人大联络站的编码，多个用顿号分隔"), text=True),
    Column("代表小组", help=_("本人大已建立的代表小组名称，多个用顿号分隔")),
)
STATION_COLUMNS = (
    Column("编码", True, _("必填，字母、数字或连字符，2 到 32 位；全系统唯一"), text=True),
    Column("名称", True, _("必填")),
    Column("类型", True, _("必填：代表履职服务中心、代表联络站、代表之家、代表联络点、移动联络站、网上联络站")),
    Column("所在区划代码", True, _("必填，本人大所在区划内的统计用区划代码"), text=True),
    Column("地址"),
    Column("纬度", help=_("-90 到 90 的小数，与经度同时填写")),
    Column("经度", help=_("-180 到 180 的小数，与纬度同时填写")),
    Column("服务热线", text=True),
    Column("开放时间", help=_("例如：周一至周五 8:30-11:30")),
    Column("上级编码", help=_("上级联络站的编码，可以是本文件中的联络站"), text=True),
)


class RosterFileError(Exception):
    """The upload is not a readable roster (wrong type, too big, no header …)."""


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number; 0 for the file as a whole
    column: str
    message: str


@dataclasses.dataclass
class ImportResult:
    kind: str
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    def add_error(self, row: int, column: str, message: Any) -> None:
        self.errors.append(RowError(row=row, column=column, message=str(message)))

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


# Reading ---------------------------------------------------------------------------------------


def read_upload(file: Any) -> bytes:
    """The bytes of an uploaded roster, after checking its name, size and content type."""
    if not str(getattr(file, "name", "") or "").lower().endswith(".xlsx"):
        raise RosterFileError(_("只能上传 .xlsx 格式的 Excel 文件（Excel 2007 及以上版本）"))
    if (getattr(file, "size", 0) or 0) > MAX_UPLOAD_BYTES:
        raise RosterFileError(_("文件不能超过 5 MB"))
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(_("文件不能超过 5 MB"))
    kind = filetype.guess(data)
    if kind is None or kind.mime not in XLSX_MIMES:
        raise RosterFileError(_("文件内容不是 Excel 表格，请上传 .xlsx 文件"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RosterFileError(_("文件已损坏，无法读取")) from None
    if "xl/workbook.xml" not in names:
        raise RosterFileError(_("文件内容不是 Excel 表格，请上传 .xlsx 文件"))
    if unzipped > MAX_UNZIPPED_BYTES:
        raise RosterFileError(_("文件解压后过大，请拆分后分批导入"))
    return data


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return str(value).strip()


def read_rows(data: bytes, columns: Iterable[Column],
              result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows of the first sheet as {header: text}, numbered as Excel numbers them."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a malformed file
        raise RosterFileError(_("无法读取该 Excel 文件，请用模板重新填写后上传")) from None
    try:
        return _sheet_rows(workbook.worksheets[0].iter_rows(values_only=True), columns, result)
    finally:
        workbook.close()


def _sheet_rows(lines: Iterator[tuple], columns: Iterable[Column],
                result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    headers = _headers(next(lines, ()), columns, result)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(lines, start=2):
        values = {h: cell_text(v) for h, v in zip(headers, line, strict=False) if h}
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterFileError(_("数据超过 %(max)s 行，请拆分后分批导入") % {"max": MAX_ROWS})
        rows.append((number, values))
    if not rows and result.ok:
        raise RosterFileError(_("表格中没有数据行"))
    return rows


def _headers(line: tuple, columns: Iterable[Column], result: ImportResult) -> list[str]:
    known = {c.header for c in columns}
    headers = [cell_text(v).rstrip("*＊ ") for v in line]
    if not any(headers):
        raise RosterFileError(_("第 1 行应为列名，请使用模板"))
    for header in headers:
        if header and header not in known:
            result.add_error(1, header, _("无法识别的列名，请使用模板中的列名"))
    for column in columns:
        if column.required and column.header not in headers:
            result.add_error(1, column.header, _("缺少必需的列"))
    return headers


# Field checks ----------------------------------------------------------------------------------


def id_number_problem(value: str) -> Any:
    """Why an ID number (GB 11643-1999) is not valid, or None."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return _("身份证号码应为 18 位，前 17 位为数字，末位为数字或 X")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("身份证号码中的出生日期无效")
    total = sum(int(digit) * weight for digit, weight in zip(value, ID_WEIGHTS, strict=False))
    if ID_CHECK_DIGITS[total % 11] != value[17]:
        return _("身份证号码校验位不正确")
    return None


def choice_labels(choices: type[models.Choices]) -> dict[str, str]:
    """Chinese label (and raw value) → value; labels are matched in Chinese whatever the locale."""
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in choices.choices}
    return labels | {value: value for value, _label in choices.choices}


def split_list(value: str) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(value) if part]


def max_length_problem(model: type[models.Model], field: str, value: str) -> Any:
    limit = model._meta.get_field(field).max_length
    if limit and len(value) > limit:
        return _("不能超过 %(max)s 个字") % {"max": limit}
    return None


def require_import_perm(actor: Any, congress: Congress) -> None:
    if not access.has_perm(actor, IMPORT_PERM, congress):
        raise PermissionDenied(_("您没有导入该人大名册的权限"))


def save_audited(obj: models.Model, actor: Any) -> None:
    """Save with the actor and the reason recorded in the object's history."""
    obj._history_user = actor
    obj._change_reason = CHANGE_REASON
    obj.save()


def load_rows(file: Any, columns: Iterable[Column],
              result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    """The rows of an upload; a file-level problem is recorded as an error on row 0."""
    try:
        rows = read_rows(read_upload(file), columns, result)
    except RosterFileError as exc:
        result.add_error(0, "", exc.args[0])
        return []
    result.total = len(rows)
    return rows


# Deputies --------------------------------------------------------------------------------------


@dataclasses.dataclass
class DeputyPlan:
    row: int
    values: dict[str, Any]
    existing: Deputy | None = None
    constituency: Constituency | None = None
    stations: list[Station] = dataclasses.field(default_factory=list)
    groups: list[DeputyGroup] = dataclasses.field(default_factory=list)
    status: str = "created"


@dataclasses.dataclass
class DeputyLookups:
    """Everything the deputy rows are checked against, fetched in a few queries."""

    term: Term
    genders: dict[str, str]
    constituencies: dict[str, Constituency]
    stations: dict[str, Station]
    groups: dict[str, DeputyGroup]
    by_id_number: dict[str, list[Deputy]]
    by_name_mobile: dict[tuple[str, str], list[Deputy]]
    mandates: dict[int, int | None]
    assignments: set[tuple[int, int]]
    memberships: set[tuple[int, int]]


def roster_import_deputies(*, actor: Any, congress: Congress, term: Term, file: Any,
                           dry_run: bool = False) -> ImportResult:
    """Import a deputy roster into one term; nothing is written unless every row is valid."""
    require_import_perm(actor, congress)
    if term.congress_id != congress.pk:
        raise ValueError("the term belongs to another congress")
    result = ImportResult(kind="deputies", dry_run=dry_run)
    with transaction.atomic():
        rows = load_rows(file, DEPUTY_COLUMNS, result)
        if not result.ok:
            return result
        lookups = deputy_lookups(actor=actor, term=term, rows=rows)
        plans = [plan_deputy(row, values, lookups, result) for row, values in rows]
        check_deputy_duplicates(plans, result)
        if not result.ok:
            return result
        for plan in plans:
            result.count(plan.status)
        if not dry_run:
            for plan in plans:
                apply_deputy(plan, actor=actor, term=term)
    return result


def deputy_lookups(*, actor: Any, term: Term, rows: list[tuple[int, dict[str, str]]]
                   ) -> DeputyLookups:
    congress = term.congress
    ids = {v.get("身份证号码", "").upper() for _n, v in rows} - {""}
    mobiles = {v.get("手机号码", "") for _n, v in rows} - {""}
    by_id: dict[str, list[Deputy]] = {}
    for deputy in Deputy.objects.filter(id_number__in=ids):
        by_id.setdefault(deputy.id_number, []).append(deputy)
    by_mobile: dict[tuple[str, str], list[Deputy]] = {}
    for deputy in Deputy.objects.filter(mobile__in=mobiles):
        by_mobile.setdefault((deputy.name, deputy.mobile), []).append(deputy)
    stations = access.scope_filter(actor, "directory.view_station",
                                   Station.objects.filter(congress=congress))
    constituencies: dict[str, Constituency] = {}
    for item in term.constituencies.all():
        constituencies[item.name] = constituencies[str(item.number)] = item
    return DeputyLookups(
        term=term, genders=choice_labels(Deputy.Gender), constituencies=constituencies,
        stations={s.code: s for s in stations}, groups={g.name: g for g in congress.groups.all()},
        by_id_number=by_id, by_name_mobile=by_mobile,
        mandates=dict(term.mandates.values_list("deputy_id", "constituency_id")),
        assignments=set(StationAssignment.objects.filter(station__congress=congress)
                        .values_list("deputy_id", "station_id")),
        memberships=set(GroupMembership.objects.filter(group__congress=congress)
                        .values_list("deputy_id", "group_id")),
    )


def plan_deputy(row: int, values: dict[str, str], lookups: DeputyLookups,
                result: ImportResult) -> DeputyPlan:
    before = len(result.errors)
    plan = DeputyPlan(row=row, values=deputy_values(row, values, lookups, result))
    plan.constituency = _pick_one(row, "选区", values.get("选区", ""), lookups.constituencies,
                                  _("本届没有该选区"), result)
    plan.stations = _pick_many(row, "联络站编码", values.get("联络站编码", ""), lookups.stations,
                               _("本人大没有编码为 %(item)s 的联络站，或您无权管理"), result)
    plan.groups = _pick_many(row, "代表小组", values.get("代表小组", ""), lookups.groups,
                             _("本人大没有名为 %(item)s 的代表小组"), result)
    if len(result.errors) == before:
        plan.existing = match_deputy(plan, lookups, result)
        plan.status = deputy_status(plan, lookups)
    return plan


def deputy_values(row: int, values: dict[str, str], lookups: DeputyLookups,
                  result: ImportResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for header, field in (("姓名", "name"), ("民族", "ethnicity"), ("政治面貌", "party"),
                          ("工作单位及职务", "occupation")):
        out[field] = values.get(header, "")
        problem = max_length_problem(Deputy, field, out[field])
        if problem:
            result.add_error(row, header, problem)
    if not out["name"]:
        result.add_error(row, "姓名", _("必须填写"))
    out["gender"] = _deputy_gender(row, values.get("性别", ""), lookups, result)
    out["birth_year"] = _deputy_birth_year(row, values.get("出生年份", ""), result)
    out.update(_deputy_contacts(row, values, result))
    _check_id_consistency(row, out, result)
    return out


def _deputy_gender(row: int, value: str, lookups: DeputyLookups, result: ImportResult) -> str:
    if not value:
        result.add_error(row, "性别", _("必须填写"))
    elif value not in lookups.genders:
        result.add_error(row, "性别", _("只能填写“男”或“女”"))
    return lookups.genders.get(value, "")


def _deputy_birth_year(row: int, value: str, result: ImportResult) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= datetime.date.today().year:
        result.add_error(row, "出生年份", _("应为四位年份，例如 1975"))
        return None
    return int(value)


def _deputy_contacts(row: int, values: dict[str, str], result: ImportResult) -> dict[str, str]:
    mobile = values.get("手机号码", "").replace(" ", "").replace("-", "")
    id_number = values.get("身份证号码", "").replace(" ", "").upper()
    if mobile and not MOBILE_RE.match(mobile):
        result.add_error(row, "手机号码", _("手机号码格式不正确，应为 11 位手机号"))
    if id_number:
        problem = id_number_problem(id_number)
        if problem:
            result.add_error(row, "身份证号码", problem)
    if not mobile and not id_number:
        result.add_error(row, "手机号码", _("手机号码和身份证号码至少填写一项"))
    return {"mobile": mobile, "id_number": id_number}


def _check_id_consistency(row: int, out: dict[str, Any], result: ImportResult) -> None:
    id_number = out["id_number"]
    if not id_number or id_number_problem(id_number):
        return
    year, male = int(id_number[6:10]), int(id_number[16]) % 2 == 1
    if out["birth_year"] is None:
        out["birth_year"] = year
    elif out["birth_year"] != year:
        result.add_error(row, "出生年份", _("与身份证号码中的出生年份不一致"))
    if out["gender"] and (out["gender"] == Deputy.Gender.MALE) != male:
        result.add_error(row, "性别", _("与身份证号码中的性别不一致"))


def _pick_one(row: int, header: str, value: str, choices: dict[str, Any], message: Any,
              result: ImportResult) -> Any:
    if value and value not in choices:
        result.add_error(row, header, message)
    return choices.get(value)


def _pick_many(row: int, header: str, value: str, choices: dict[str, Any], message: Any,
               result: ImportResult) -> list[Any]:
    picked = []
    for item in split_list(value):
        if item in choices:
            picked.append(choices[item])
        else:
            result.add_error(row, header, message % {"item": item})
    return picked


def match_deputy(plan: DeputyPlan, lookups: DeputyLookups, result: ImportResult
                 ) -> Deputy | None:
    """The stored deputy this row describes: by ID number, else by name and mobile."""
    values = plan.values
    candidates = lookups.by_id_number.get(values["id_number"], []) if values["id_number"] else []
    column = "身份证号码"
    if not candidates and values["mobile"]:
        candidates = lookups.by_name_mobile.get((values["name"], values["mobile"]), [])
        column = "手机号码"
    if len(candidates) > 1:
        result.add_error(plan.row, column, _("系统中有多名代表与此行匹配，请先在后台合并"))
    return candidates[0] if len(candidates) == 1 else None


def deputy_status(plan: DeputyPlan, lookups: DeputyLookups) -> str:
    deputy = plan.existing
    if deputy is None:
        return "created"
    if _changed_fields(deputy, plan.values):
        return "updated"
    constituency_id = plan.constituency.pk if plan.constituency else None
    if deputy.pk not in lookups.mandates or (
            constituency_id and lookups.mandates[deputy.pk] != constituency_id):
        return "updated"
    if any((deputy.pk, s.pk) not in lookups.assignments for s in plan.stations):
        return "updated"
    if any((deputy.pk, g.pk) not in lookups.memberships for g in plan.groups):
        return "updated"
    return "unchanged"


def _changed_fields(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Fields whose stored value differs from a non-blank value in the file."""
    return [f for f, v in values.items() if v not in ("", None) and getattr(obj, f) != v]


def check_deputy_duplicates(plans: list[DeputyPlan], result: ImportResult) -> None:
    seen: dict[tuple, int] = {}
    for plan in plans:
        keys = []
        if plan.values.get("id_number"):
            keys.append((("id", plan.values["id_number"]), "身份证号码"))
        if plan.values.get("mobile"):
            keys.append((("mobile", plan.values["name"], plan.values["mobile"]), "手机号码"))
        if plan.existing is not None:
            keys.append((("pk", plan.existing.pk), "姓名"))
        _check_seen(plan.row, keys, seen, result)


def _check_seen(row: int, keys: list[tuple[tuple, str]], seen: dict[tuple, int],
                result: ImportResult) -> None:
    for key, column in keys:
        if key in seen:
            result.add_error(row, column, _("与第 %(row)s 行重复") % {"row": seen[key]})
            return
    for key, _column in keys:
        seen[key] = row


def apply_deputy(plan: DeputyPlan, *, actor: Any, term: Term) -> None:
    deputy = plan.existing or Deputy()
    changed = _changed_fields(deputy, plan.values) if deputy.pk else True
    for field, value in plan.values.items():
        if value not in ("", None):
            setattr(deputy, field, value)
    if changed:
        save_audited(deputy, actor)
    mandate = Mandate.objects.filter(deputy=deputy, term=term).first()
    if mandate is None:
        mandate = Mandate(deputy=deputy, term=term, start_date=term.start_date)
    if mandate.pk is None or (plan.constituency and mandate.constituency_id != plan.constituency.pk):
        mandate.constituency = plan.constituency or mandate.constituency
        save_audited(mandate, actor)
    for station in plan.stations:
        if not StationAssignment.objects.filter(station=station, deputy=deputy).exists():
            save_audited(StationAssignment(station=station, deputy=deputy), actor)
    for group in plan.groups:
        if not GroupMembership.objects.filter(group=group, deputy=deputy).exists():
            save_audited(GroupMembership(group=group, deputy=deputy), actor)


# Stations --------------------------------------------------------------------------------------


@dataclasses.dataclass
class StationPlan:
    row: int
    code: str
    values: dict[str, Any]
    parent_code: str = ""
    existing: Station | None = None
    status: str = "created"
    depth: int = 0  # ancestors inside the file: parents are written before their children


@dataclasses.dataclass
class StationLookups:
    congress: Congress
    kinds: dict[str, str]
    areas: dict[str, Area]
    allowed_area_ids: set[int]
    stations: dict[str, Station]  # every station with a code named in the file
    changeable_ids: set[int]
    db_parent: dict[str, str]  # code → parent code, for the congress's stations


def roster_import_stations(*, actor: Any, congress: Congress, file: Any,
                           dry_run: bool = False) -> ImportResult:
    """Import a station roster into one congress; nothing is written unless every row is valid."""
    require_import_perm(actor, congress)
    result = ImportResult(kind="stations", dry_run=dry_run)
    with transaction.atomic():
        rows = load_rows(file, STATION_COLUMNS, result)
        if not result.ok:
            return result
        lookups = station_lookups(actor=actor, congress=congress, rows=rows)
        plans = [plan_station(row, values, lookups, result) for row, values in rows]
        check_station_tree(plans, lookups, result)
        if not result.ok:
            return result
        for plan in plans:
            result.count(plan.status)
        if not dry_run:
            apply_stations(plans, actor=actor, congress=congress)
    return result


def station_lookups(*, actor: Any, congress: Congress,
                    rows: list[tuple[int, dict[str, str]]]) -> StationLookups:
    codes = {v.get("编码", "") for _n, v in rows} | {v.get("上级编码", "") for _n, v in rows}
    area_codes = {v.get("所在区划代码", "") for _n, v in rows}
    stations = {s.code: s for s in Station.objects.filter(code__in=codes - {""})}
    areas = {a.code: a for a in Area.objects.filter(code__in=area_codes - {""})}
    allowed = access.scope_areas(actor).filter(path__startswith=congress.area.path)
    changeable = access.scope_filter(actor, "directory.change_station",
                                     Station.objects.filter(congress=congress))
    return StationLookups(
        congress=congress, kinds=choice_labels(Station.Kind), areas=areas,
        allowed_area_ids=set(allowed.filter(pk__in=[a.pk for a in areas.values()])
                             .values_list("pk", flat=True)),
        stations=stations, changeable_ids=set(changeable.values_list("pk", flat=True)),
        db_parent=dict(Station.objects.filter(congress=congress, parent__isnull=False)
                       .values_list("code", "parent__code")),
    )


def plan_station(row: int, values: dict[str, str], lookups: StationLookups,
                 result: ImportResult) -> StationPlan:
    code = values.get("编码", "")
    plan = StationPlan(row=row, code=code, values={}, parent_code=values.get("上级编码", ""))
    _station_code(plan, lookups, result)
    plan.values.update(_station_texts(row, values, result))
    plan.values["kind"] = _station_kind(row, values.get("类型", ""), lookups, result)
    plan.values["area"] = _station_area(row, values.get("所在区划代码", ""), lookups, result)
    plan.values.update(_station_coordinates(row, values, result))
    if plan.existing is not None:
        plan.status = "updated" if _changed_fields(plan.existing, plan.values) else "unchanged"
    return plan


def _station_code(plan: StationPlan, lookups: StationLookups, result: ImportResult) -> None:
    if not plan.code:
        result.add_error(plan.row, "编码", _("必须填写"))
    elif not STATION_CODE_RE.match(plan.code):
        result.add_error(plan.row, "编码", _("编码只能包含字母、数字和连字符，长度 2 到 32 位"))
    existing = lookups.stations.get(plan.code)
    if existing is None:
        return
    if existing.congress_id != lookups.congress.pk:
        result.add_error(plan.row, "编码", _("该编码已被其他人大的联络站使用"))
    elif existing.pk not in lookups.changeable_ids:
        result.add_error(plan.row, "编码", _("您无权修改该联络站"))
    else:
        plan.existing = existing


def _station_texts(row: int, values: dict[str, str], result: ImportResult) -> dict[str, str]:
    out = {}
    for header, field in (("名称", "name"), ("地址", "address"), ("服务热线", "hotline"),
                          ("开放时间", "opening_hours")):
        out[field] = values.get(header, "")
        problem = max_length_problem(Station, field, out[field])
        if problem:
            result.add_error(row, header, problem)
    if not out["name"]:
        result.add_error(row, "名称", _("必须填写"))
    return out


def _station_kind(row: int, value: str, lookups: StationLookups, result: ImportResult) -> str:
    if not value:
        result.add_error(row, "类型", _("必须填写"))
    elif value not in lookups.kinds:
        result.add_error(row, "类型", _("类型不正确，请填写模板说明中列出的类型之一"))
    return lookups.kinds.get(value, "")


def _station_area(row: int, code: str, lookups: StationLookups, result: ImportResult
                  ) -> Area | None:
    area = lookups.areas.get(code)
    if not code:
        result.add_error(row, "所在区划代码", _("必须填写"))
    elif area is None:
        result.add_error(row, "所在区划代码", _("系统中没有该区划代码"))
    elif not area.path.startswith(lookups.congress.area.path):
        result.add_error(row, "所在区划代码", _("该区划不在本人大所在的行政区划内"))
    elif area.pk not in lookups.allowed_area_ids:
        result.add_error(row, "所在区划代码", _("该区划不在您的管理范围内"))
    return area


def _station_coordinates(row: int, values: dict[str, str], result: ImportResult
                         ) -> dict[str, Decimal | None]:
    out = {}
    for header, field, limit in (("纬度", "latitude", 90), ("经度", "longitude", 180)):
        out[field] = _decimal(values.get(header, ""))
        if out[field] is False or (out[field] is not None and abs(out[field]) > limit):
            result.add_error(row, header, _("应为 -%(max)s 到 %(max)s 之间的数字") % {"max": limit})
            out[field] = None
    if (values.get("纬度", "") == "") != (values.get("经度", "") == ""):
        result.add_error(row, "经度", _("纬度和经度须同时填写"))
    return out


def _decimal(value: str) -> Any:
    """Six decimal places as stored; None when blank, False when not a number."""
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    if not number.is_finite():
        return False
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def check_station_tree(plans: list[StationPlan], lookups: StationLookups,
                       result: ImportResult) -> None:
    """Duplicate codes, unknown parents and cycles, through the file and the stored tree."""
    in_file: dict[str, StationPlan] = {}
    for plan in plans:
        if plan.code in in_file:
            result.add_error(plan.row, "编码", _("与第 %(row)s 行重复") % {"row": in_file[plan.code].row})
        in_file.setdefault(plan.code, plan)
    for plan in plans:
        if plan.parent_code:
            _check_parent(plan, in_file, lookups, result)


def _check_parent(plan: StationPlan, in_file: dict[str, StationPlan], lookups: StationLookups,
                  result: ImportResult) -> None:
    stored = lookups.stations.get(plan.parent_code)
    if plan.parent_code not in in_file and (
            stored is None or stored.congress_id != lookups.congress.pk):
        result.add_error(plan.row, "上级编码", _("本人大没有该编码的联络站"))
        return
    code, seen = plan.parent_code, {plan.code}
    while code:
        if code in seen:
            result.add_error(plan.row, "上级编码", _("上级关系形成循环"))
            return
        seen.add(code)
        if code in in_file:
            plan.depth += 1
        parent = in_file[code].parent_code if code in in_file else ""
        code = parent or lookups.db_parent.get(code, "")


def apply_stations(plans: list[StationPlan], *, actor: Any, congress: Congress) -> None:
    written: dict[str, Station] = {}
    for plan in sorted(plans, key=lambda p: p.depth):
        station = plan.existing or Station(code=plan.code, congress=congress)
        parent = written.get(plan.parent_code) or (
            Station.objects.get(code=plan.parent_code) if plan.parent_code else None)
        changed = plan.status != "unchanged" or (parent and station.parent_id != parent.pk)
        for field, value in plan.values.items():
            if value not in ("", None):
                setattr(station, field, value)
        if parent is not None:
            station.parent = parent
        if changed:
            save_audited(station, actor)
        written[plan.code] = station


# Export and template ---------------------------------------------------------------------------


def _workbook(title: str, columns: Iterable[Column], rows: Iterable[list[Any]]) -> bytes:
    with translation.override("zh-hans"):  # labels are read back in Chinese on import
        return _build_workbook(title, columns, rows)


def _build_workbook(title: str, columns: Iterable[Column], rows: Iterable[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    columns = list(columns)
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if column.text else 16
        for cell in sheet[letter]:
            if cell.row > 1 and isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if column.text:
                cell.number_format = "@"
    _instructions(workbook, columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(workbook: openpyxl.Workbook, columns: list[Column]) -> None:
    sheet = workbook.create_sheet(str(_("填写说明")))
    sheet.append([str(_("列名")), str(_("是否必填")), str(_("说明"))])
    for column in columns:
        sheet.append([column.header, str(_("必填")) if column.required else "", str(column.help)])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["C"].width = 60


def roster_template(*, kind: str) -> bytes:
    """A blank roster with its headers and a sheet explaining each column."""
    if kind == "deputies":
        return _workbook(str(_("代表名册")), DEPUTY_COLUMNS, [])
    return _workbook(str(_("联络站名册")), STATION_COLUMNS, [])


def roster_export_deputies(*, actor: Any, term: Term) -> bytes:
    """The deputies of a term the actor may see, in the import format. Contact and identity
    columns only for a user who may read them, filled only for the deputies he may."""
    if not access.has_perm(actor, EXPORT_PERM, term.congress):
        raise PermissionDenied(_("您没有导出该人大名册的权限"))
    deputies = export_deputy_queryset(actor=actor, term=term)
    private_ids: set[int] = set()
    if access.has_perm(actor, PRIVATE_PERM):
        private_ids = set(access.scope_filter(actor, PRIVATE_PERM, deputies)
                          .values_list("pk", flat=True))
        logger.info("roster export with private fields: user=%s term=%s deputies=%s",
                    actor.pk, term.pk, len(private_ids))
    columns = [c for c in DEPUTY_COLUMNS if not c.private or private_ids]
    rows = (deputy_row(d, private=d.pk in private_ids, with_private=bool(private_ids))
            for d in deputies)  # a generator: labels are rendered inside the Chinese override
    return _workbook(str(_("代表名册")), columns, rows)


def export_deputy_queryset(*, actor: Any, term: Term) -> models.QuerySet:
    congress = term.congress
    qs = Deputy.objects.filter(pk__in=Mandate.objects.filter(term=term).values("deputy_id"))
    return access.scope_filter(actor, "directory.view_deputy", qs).prefetch_related(
        models.Prefetch("mandates", Mandate.objects.filter(term=term)
                        .select_related("constituency"), to_attr="term_mandates"),
        models.Prefetch("station_assignments", StationAssignment.objects
                        .filter(station__congress=congress).select_related("station"),
                        to_attr="congress_assignments"),
        models.Prefetch("group_memberships", GroupMembership.objects
                        .filter(group__congress=congress).select_related("group"),
                        to_attr="congress_memberships"),
    )


def deputy_row(deputy: Deputy, *, private: bool, with_private: bool) -> list[Any]:
    mandate = deputy.term_mandates[0] if deputy.term_mandates else None
    row = [deputy.name, deputy.get_gender_display(), deputy.ethnicity, deputy.birth_year,
           deputy.party, deputy.occupation]
    if with_private:
        row += [deputy.mobile, deputy.id_number] if private else ["", ""]
    row += [
        mandate.constituency.name if mandate and mandate.constituency else "",
        "、".join(a.station.code for a in deputy.congress_assignments),
        "、".join(m.group.name for m in deputy.congress_memberships),
    ]
    return row


def roster_export_stations(*, actor: Any, congress: Congress) -> bytes:
    """The stations of a congress the actor may see, in the import format."""
    if not access.has_perm(actor, EXPORT_PERM, congress):
        raise PermissionDenied(_("您没有导出该人大名册的权限"))
    stations = access.scope_filter(
        actor, "directory.view_station", Station.objects.filter(congress=congress)
    ).select_related("area", "parent")
    rows = (station_row(s) for s in stations)
    return _workbook(str(_("联络站名册")), STATION_COLUMNS, rows)


def station_row(station: Station) -> list[Any]:
    return [
        station.code, station.name, station.get_kind_display(), station.area.code,
        station.address,
        None if station.latitude is None else str(station.latitude),
        None if station.longitude is None else str(station.longitude),
        station.hotline, station.opening_hours, station.parent.code if station.parent else "",
    ]
