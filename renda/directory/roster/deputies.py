"""The deputy roster of one term: import and export."""

import dataclasses
import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from renda.accounts import access
from renda.directory.models import (
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
from renda.directory.roster.common import (
    EXPORT_PERM,
    MOBILE_RE,
    PRIVATE_PERM,
    Column,
    ImportResult,
    changed_fields,
    choice_labels,
    id_number_problem,
    load_rows,
    max_length_problem,
    pick_many,
    pick_one,
    require_import_perm,
    save_audited,
    write_workbook,
)

logger = logging.getLogger(__name__)

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
                apply_deputy(plan, actor=actor, term=term, lookups=lookups)
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
    plan.constituency = pick_one(row, "选区", values.get("选区", ""), lookups.constituencies,
                                  _("本届没有该选区"), result)
    plan.stations = pick_many(row, "联络站编码", values.get("联络站编码", ""), lookups.stations,
                               _("本人大没有编码为 %(item)s 的联络站，或您无权管理"), result)
    plan.groups = pick_many(row, "代表小组", values.get("代表小组", ""), lookups.groups,
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
    if changed_fields(deputy, plan.values):
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


def apply_deputy(plan: DeputyPlan, *, actor: Any, term: Term, lookups: DeputyLookups) -> None:
    deputy = plan.existing or Deputy()
    changed = changed_fields(deputy, plan.values) if deputy.pk else True
    for field, value in plan.values.items():
        if value not in ("", None):
            setattr(deputy, field, value)
    if changed:
        save_audited(deputy, actor)
    apply_mandate(deputy, plan.constituency, actor=actor, term=term, lookups=lookups)
    for station in plan.stations:
        if (deputy.pk, station.pk) not in lookups.assignments:
            save_audited(StationAssignment(station=station, deputy=deputy), actor)
    for group in plan.groups:
        if (deputy.pk, group.pk) not in lookups.memberships:
            save_audited(GroupMembership(group=group, deputy=deputy), actor)


def apply_mandate(deputy: Deputy, constituency: Constituency | None, *, actor: Any, term: Term,
                  lookups: DeputyLookups) -> None:
    """Give the deputy a seat in the term, or move the seat to the constituency in the file."""
    if deputy.pk not in lookups.mandates:
        mandate = Mandate(deputy=deputy, term=term, start_date=term.start_date,
                          constituency=constituency)
    elif constituency and lookups.mandates[deputy.pk] != constituency.pk:
        mandate = Mandate.objects.get(deputy=deputy, term=term)
        mandate.constituency = constituency
    else:
        return
    save_audited(mandate, actor)



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
    return write_workbook(str(_("代表名册")), columns, rows)


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


