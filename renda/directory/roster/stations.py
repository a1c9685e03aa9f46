"""The station roster of one congress: import and export."""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from renda.accounts import access
from renda.directory.models import (
    Area,
    Congress,
    Station,
)
from renda.directory.roster.common import (
    EXPORT_PERM,
    STATION_CODE_RE,
    Column,
    ImportResult,
    changed_fields,
    choice_labels,
    load_rows,
    max_length_problem,
    require_import_perm,
    save_audited,
    write_workbook,
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
        plan.status = "updated" if changed_fields(plan.existing, plan.values) else "unchanged"
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



def roster_export_stations(*, actor: Any, congress: Congress) -> bytes:
    """The stations of a congress the actor may see, in the import format."""
    if not access.has_perm(actor, EXPORT_PERM, congress):
        raise PermissionDenied(_("您没有导出该人大名册的权限"))
    stations = access.scope_filter(
        actor, "directory.view_station", Station.objects.filter(congress=congress)
    ).select_related("area", "parent")
    rows = (station_row(s) for s in stations)
    return write_workbook(str(_("联络站名册")), STATION_COLUMNS, rows)


def station_row(station: Station) -> list[Any]:
    return [
        station.code, station.name, station.get_kind_display(), station.area.code,
        station.address,
        None if station.latitude is None else str(station.latitude),
        None if station.longitude is None else str(station.longitude),
        station.hotline, station.opening_hours, station.parent.code if station.parent else "",
    ]
