"""Shared parts of the roster import and export: upload checks, reading, field checks,
the result and error types and workbook writing."""

import dataclasses
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import filetype
import openpyxl
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Font

from renda.accounts import access
from renda.directory.models import Congress

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



def pick_one(row: int, header: str, value: str, choices: dict[str, Any], message: Any,
              result: ImportResult) -> Any:
    if value and value not in choices:
        result.add_error(row, header, message)
    return choices.get(value)


def pick_many(row: int, header: str, value: str, choices: dict[str, Any], message: Any,
               result: ImportResult) -> list[Any]:
    picked = []
    for item in split_list(value):
        if item in choices:
            picked.append(choices[item])
        else:
            result.add_error(row, header, message % {"item": item})
    return picked


def changed_fields(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Fields whose stored value differs from a non-blank value in the file."""
    return [f for f, v in values.items() if v not in ("", None) and getattr(obj, f) != v]


def write_workbook(title: str, columns: Iterable[Column], rows: Iterable[list[Any]]) -> bytes:
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

