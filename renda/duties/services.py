"""Writes of duty records and of the points scheme. Every change is checked against the
permission layer, logged as a `core.Event` (and in the models' history) and followed by the
recomputation of the score cards it touches."""

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.text import clean_text
from renda.core.uploads import EXTENSIONS, check_image, clean_file_name, files_removed_on_failure
from renda.core.workflow import event_append, permission_checker
from renda.directory.models import Congress, Deputy
from renda.directory.selectors import setting_value
from renda.duties.models import DutyPhoto, DutyRecord, PointsRule, PointsScheme, Quota
from renda.duties.permissions import MANAGE_POINTS, RECORD, RECORD_FOR_OTHERS, REJECT
from renda.duties.points import activity_types, deputies_of, scorecards_recompute

EDITABLE_FIELDS = ("activity_type", "date", "title", "place", "participants", "people_count",
                   "description")


def _allowed(actor: Any, perm: str, obj: Any) -> bool:
    return permission_checker()(actor, perm, obj)


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not _allowed(actor, perm, obj):
        raise PermissionDenied


def recordable_types(*, congress: Congress, actor: Any, deputy: Deputy) -> list[dict]:
    """The activity types `actor` may record for `deputy`: never the automatic ones, and the
    bonuses and deductions only for staff."""
    staff = may_record_for(actor, congress=congress, deputy=deputy, perm=RECORD_FOR_OTHERS)
    return [item for item in activity_types(congress=congress)
            if item["entry"] == "deputy" or (item["entry"] == "staff" and staff)]


def may_record_for(actor: Any, *, congress: Congress, deputy: Deputy, perm: str) -> bool:
    """Whether `actor` holds `perm` for a new record of `deputy` in `congress`: through a role
    of that congress whose scope reaches the deputy (the deputy's own, a station the deputy is
    assigned to, or the congress's area), for a deputy who sits in that congress."""
    from renda.accounts.access import is_global, role_perms
    from renda.accounts.models import RoleAssignment, ScopeKind
    from renda.directory.models import Mandate, StationAssignment

    if not Mandate.objects.filter(deputy=deputy, term__congress=congress).exists():
        return False
    if is_global(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    stations = None
    for assignment in RoleAssignment.objects.in_force().filter(
            user=actor, congress=congress).select_related("station"):
        if perm not in role_perms(assignment.role):
            continue
        kind = assignment.scope_kind
        if kind == ScopeKind.DEPUTY:
            if actor.deputy_id == deputy.pk:
                return True
        elif kind == ScopeKind.STATION:
            if stations is None:
                stations = list(StationAssignment.objects.filter(deputy=deputy)
                                .values_list("station__path", flat=True))
            if any(path.startswith(assignment.station.path) for path in stations):
                return True
        elif kind == ScopeKind.AREA and _allowed(actor, perm, deputy):
            return True
    return False


def _may_record(actor: Any, record: DutyRecord) -> bool:
    if record.pk is None:
        congress, deputy = record.congress, record.deputy
        return ((getattr(actor, "deputy_id", None) == deputy.pk
                 and may_record_for(actor, congress=congress, deputy=deputy, perm=RECORD))
                or may_record_for(actor, congress=congress, deputy=deputy,
                                  perm=RECORD_FOR_OTHERS))
    if _allowed(actor, RECORD_FOR_OTHERS, record):
        return True
    # The deputy changes only what a deputy may record: never a bonus or a deduction.
    own = getattr(actor, "deputy_id", None) == record.deputy_id
    entry = {item["code"]: item["entry"] for item in activity_types(congress=record.congress)}
    return (own and entry.get(record.activity_type) == "deputy"
            and _allowed(actor, RECORD, record))


def _clean(congress: Congress, actor: Any, deputy: Deputy, data: dict) -> dict:
    errors: dict[str, str] = {}
    types = {item["code"]: item for item in recordable_types(congress=congress, actor=actor,
                                                              deputy=deputy)}
    known = {item["code"]: item for item in activity_types(congress=congress)}
    code = data.get("activity_type") or ""
    if code not in types:
        if known.get(code, {}).get("entry") == "auto":
            errors["activity_type"] = _("这类活动由系统自动记录，不需要登记")
        else:
            errors["activity_type"] = _("请选择活动类型")
    date = data.get("date")
    today = timezone.localdate()
    if not isinstance(date, datetime.date):
        errors["date"] = _("请填写活动日期")
    elif date > today:
        errors["date"] = _("活动日期不能晚于今天")
    elif date.year < today.year - 1:
        errors["date"] = _("只能登记今年和去年的活动")
    texts = {}
    for name, limit, required in (("title", 200, True), ("place", 200, False),
                                  ("participants", 500, False), ("description", 5000, False)):
        try:
            texts[name] = clean_text(data.get(name) or "", field=name, max_length=limit,
                                     required=required)
        except ValidationError as error:
            errors.update({key: value[0] for key, value in error.message_dict.items()})
    people = data.get("people_count") or 0
    if not isinstance(people, int) or people < 0 or people > 100000:
        errors["people_count"] = _("联系群众人数应为 0 到 100000 之间的整数")
    if errors:
        raise ValidationError(errors)
    return {"activity_type": code, "date": date, "people_count": people, **texts}


def _duplicate_check(congress: Congress, deputy: Deputy, fields: dict,
                     exclude: int | None = None) -> None:
    same = DutyRecord.objects.filter(
        congress=congress, deputy=deputy, date=fields["date"],
        activity_type=fields["activity_type"], title=fields["title"],
        status=DutyRecord.Status.RECORDED)
    if exclude:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError({"title": _("这一天已经登记过同名的同类活动，请勿重复登记")})


def _photo_limits(congress: Congress) -> tuple[int, int]:
    return (setting_value(congress=congress, key="duties.photo_max_count"),
            setting_value(congress=congress, key="duties.photo_max_mb") * 1024 * 1024)


def _photos_check(congress: Congress, files: Sequence[File], existing: int) -> list[tuple]:
    max_count, max_bytes = _photo_limits(congress)
    if existing + len(files) > max_count:
        raise ValidationError({"photos": _("每条记录最多 %(max)d 张照片") % {"max": max_count}})
    checked = []
    for file in files:
        try:
            content_type = check_image(file, max_bytes=max_bytes)
        except ValidationError as error:
            raise ValidationError({"photos": error.messages}) from None
        checked.append((file, content_type))
    return checked


def _photos_store(record: DutyRecord, checked: list[tuple], actor: Any,
                  written: list[str]) -> None:
    for file, content_type in checked:
        photo = DutyPhoto(record=record, original_name=clean_file_name(file.name or ""),
                          size=file.size or 0, uploaded_by=actor)
        file.seek(0)
        photo.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS.get(content_type, 'jpg')}", file,
                        save=False)
        written.append(photo.file.name)
        photo._history_user = actor
        photo.save()


def duty_record_create(*, actor: Any, congress: Congress, deputy: Deputy, data: dict,
                       photos: Sequence[File] = ()) -> DutyRecord:
    """A deputy records an activity, or staff record one (or a bonus or deduction) for a
    deputy; the deputy's score card is recomputed at once."""
    record = DutyRecord(congress=congress, deputy=deputy)
    if not _may_record(actor, record):
        raise PermissionDenied
    fields = _clean(congress, actor, deputy, data)
    checked = _photos_check(congress, photos, 0)
    with files_removed_on_failure() as written, transaction.atomic():
        _duplicate_check(congress, deputy, fields)
        for name, value in fields.items():
            setattr(record, name, value)
        record.recorded_by = actor
        record._history_user = actor
        record.save()
        _photos_store(record, checked, actor, written)
        event_append(target=record, action="record", actor=actor,
                     data={"activity_type": record.activity_type, "photos": len(checked)})
        scorecards_recompute(congress=congress, year=record.date.year, deputy_ids=[deputy.pk])
    record.refresh_from_db()
    return record


def duty_record_update(*, actor: Any, record_id: int, data: dict,
                       photos: Sequence[File] = ()) -> DutyRecord:
    """The deputy or staff correct a manual record (automatic ones follow their source)."""
    record = DutyRecord.objects.select_related("congress", "deputy").get(pk=record_id)
    if not _may_record(actor, record):
        raise PermissionDenied
    if record.source != DutyRecord.Source.MANUAL:
        raise ValidationError(_("自动记录的活动随来源变化，不能修改"))
    if record.status != DutyRecord.Status.RECORDED:
        raise ValidationError(_("已退回或撤回的记录不能修改"))
    fields = _clean(record.congress, actor, record.deputy, data)
    checked = _photos_check(record.congress, photos, record.photos.count())
    old_year = record.date.year
    with files_removed_on_failure() as written, transaction.atomic():
        record = DutyRecord.objects.select_for_update().get(pk=record_id)
        _duplicate_check(record.congress, record.deputy, fields, exclude=record.pk)
        changed = sorted(name for name, value in fields.items()
                         if getattr(record, name) != value)
        for name in changed:
            setattr(record, name, fields[name])
        record._history_user = actor
        record.save()
        _photos_store(record, checked, actor, written)
        event_append(target=record, action="edit", actor=actor,
                     data={"fields": changed, "photos": len(checked)})
        for year in {old_year, record.date.year}:
            scorecards_recompute(congress=record.congress, year=year,
                                 deputy_ids=[record.deputy_id])
    record.refresh_from_db()
    return record


def _set_status(*, actor: Any, record_id: int, status: str, note: str, action: str,
                perm_check) -> DutyRecord:
    with transaction.atomic():
        record = DutyRecord.objects.select_for_update().select_related("congress").get(
            pk=record_id)
        perm_check(record)
        if record.status != DutyRecord.Status.RECORDED:
            raise ValidationError(_("这条记录已经退回或撤回"))
        before = record.status
        record.status, record.status_note = status, note
        record._history_user = actor
        record.save(update_fields=["status", "status_note", "updated_at"])
        event_append(target=record, action=action, actor=actor, from_status=before,
                     to_status=status, note=note)
        scorecards_recompute(congress=record.congress, year=record.date.year,
                             deputy_ids=[record.deputy_id])
    record.refresh_from_db()
    return record


def duty_record_reject(*, actor: Any, record_id: int, reason: str) -> DutyRecord:
    """Staff return a record that does not hold (no evidence, not a duty activity): it keeps
    its history but brings no points."""
    reason = clean_text(reason, field="reason", max_length=500, required=True)

    def check(record: DutyRecord) -> None:
        _require(actor, REJECT, record)
        if record.source != DutyRecord.Source.MANUAL:
            raise ValidationError(_("自动记录的活动不能退回，请在来源处更正"))

    return _set_status(actor=actor, record_id=record_id, status=DutyRecord.Status.REJECTED,
                       note=reason, action="reject", perm_check=check)


def duty_record_withdraw(*, actor: Any, record_id: int, reason: str = "") -> DutyRecord:
    """Whoever recorded a manual record withdraws it (entered by mistake)."""

    def check(record: DutyRecord) -> None:
        if not _may_record(actor, record):
            raise PermissionDenied
        if record.source != DutyRecord.Source.MANUAL:
            raise ValidationError(_("自动记录的活动不能撤回"))

    return _set_status(actor=actor, record_id=record_id, status=DutyRecord.Status.WITHDRAWN,
                       note=clean_text(reason, field="reason", max_length=500),
                       action="withdraw",
                       perm_check=check)


# --- The points scheme -------------------------------------------------------------------------

def _decimal(value: Any, field: str, *, allow_none: bool = False,
             minimum: Decimal | None = None) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请填写数字")}) from None
    if not number.is_finite() or abs(number) >= Decimal("100000"):
        raise ValidationError({field: _("数字超出范围")})
    if minimum is not None and number < minimum:
        raise ValidationError({field: _("不能小于 %(min)s") % {"min": minimum}})
    return number.quantize(Decimal("0.01"))


def points_rule_save(*, actor: Any, scheme_id: int, activity_type: str, points: Any,
                     cap: Any = None) -> PointsRule:
    """Set the points of one activity type in a year's scheme (creating the rule if needed);
    every score card of that year is recomputed."""
    scheme = PointsScheme.objects.select_related("congress").get(pk=scheme_id)
    _require(actor, MANAGE_POINTS, scheme)
    if activity_type not in {item["code"] for item in activity_types(congress=scheme.congress)}:
        raise ValidationError({"activity_type": _("没有这个活动类型")})
    value = _decimal(points, "points")
    limit = _decimal(cap, "cap", allow_none=True, minimum=Decimal("0"))
    with transaction.atomic():
        rule = PointsRule.objects.select_for_update().filter(
            scheme=scheme, activity_type=activity_type).first()
        before = None if rule is None else {"points": str(rule.points),
                                            "cap": None if rule.cap is None else str(rule.cap)}
        rule = rule or PointsRule(scheme=scheme, activity_type=activity_type)
        rule.points, rule.cap = value, limit
        rule._history_user = actor
        rule.save()
        event_append(target=scheme, action="rule", actor=actor, data={
            "activity_type": activity_type, "before": before,
            "after": {"points": str(value), "cap": None if limit is None else str(limit)}})
        scorecards_recompute(congress=scheme.congress, year=scheme.year)
    return rule


def points_rule_delete(*, actor: Any, scheme_id: int, activity_type: str) -> None:
    scheme = PointsScheme.objects.select_related("congress").get(pk=scheme_id)
    _require(actor, MANAGE_POINTS, scheme)
    with transaction.atomic():
        rule = PointsRule.objects.filter(scheme=scheme, activity_type=activity_type).first()
        if rule is None:
            return
        rule._history_user = actor
        rule.delete()
        event_append(target=scheme, action="rule_delete", actor=actor,
                     data={"activity_type": activity_type})
        scorecards_recompute(congress=scheme.congress, year=scheme.year)


def quota_save(*, actor: Any, scheme_id: int, code: str, label: str, activity_types_: list[str],
               measure: str, minimum: Any) -> Quota:
    scheme = PointsScheme.objects.select_related("congress").get(pk=scheme_id)
    _require(actor, MANAGE_POINTS, scheme)
    known = {item["code"] for item in activity_types(congress=scheme.congress)}
    errors = {}
    if not activity_types_ or set(activity_types_) - known:
        errors["activity_types"] = _("请选择计入定额的活动类型")
    if measure not in Quota.Measure.values:
        errors["measure"] = _("请选择计量方式")
    try:
        minimum = int(minimum)
        if minimum < 0 or minimum > 100000:
            raise ValueError
    except (TypeError, ValueError):
        errors["minimum"] = _("全年最低应为 0 到 100000 之间的整数")
    try:
        label = clean_text(label, field="label", max_length=80, required=True)
    except ValidationError as error:
        errors["label"] = error.message_dict["label"][0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        quota = Quota.objects.filter(scheme=scheme, code=code).first() or Quota(
            scheme=scheme, code=code)
        quota.label, quota.activity_types = label, list(activity_types_)
        quota.measure, quota.minimum = measure, minimum
        quota._history_user = actor
        quota.full_clean(exclude=["scheme"])
        quota.save()
        event_append(target=scheme, action="quota", actor=actor,
                     data={"code": code, "minimum": minimum, "measure": measure})
        scorecards_recompute(congress=scheme.congress, year=scheme.year)
    return quota


def scheme_update(*, actor: Any, scheme_id: int, title: str, note: str,
                  max_total: Any) -> PointsScheme:
    scheme = PointsScheme.objects.select_related("congress").get(pk=scheme_id)
    _require(actor, MANAGE_POINTS, scheme)
    title = clean_text(title, field="title", max_length=120, required=True)
    note = clean_text(note, field="note", max_length=5000)
    limit = _decimal(max_total, "max_total", allow_none=True, minimum=Decimal("0"))
    with transaction.atomic():
        scheme = PointsScheme.objects.select_for_update().get(pk=scheme_id)
        scheme.title, scheme.note, scheme.max_total = title, note, limit
        scheme._history_user = actor
        scheme.save()
        event_append(target=scheme, action="edit", actor=actor,
                     data={"max_total": None if limit is None else str(limit)})
        scorecards_recompute(congress=scheme.congress, year=scheme.year)
    return scheme


def quota_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind every deputy behind a quota (pro rata over the year), once a month, on the
    congress's reminder day; the number of reminders queued."""
    from renda.core.models import Notification
    from renda.core.notifications import notification_enqueue
    from renda.duties.models import ScoreCard
    from renda.duties.points import quota_behind

    today = today or timezone.localdate()
    sent = 0
    for congress in Congress.objects.all():
        if setting_value(congress=congress, key="duties.quota_reminder_day", on=today) != today.day:
            continue
        scorecards_recompute(congress=congress, year=today.year)
        live = {deputy.pk for deputy in deputies_of(congress=congress, year=today.year)}
        cards = (ScoreCard.objects.filter(congress=congress, year=today.year, deputy_id__in=live)
                 .select_related("deputy"))
        for card in cards:
            for quota in quota_behind(card, on=today):
                if not card.deputy.mobile:
                    continue
                key = (f"duties.quota:{congress.pk}:{card.deputy_id}:{today:%Y-%m}:"
                       f"{quota['code']}")
                body = _("%(name)s代表：今年“%(label)s”已完成 %(actual)s，全年定额 %(minimum)s，"
                         "按进度应完成 %(expected)s。请及时开展履职活动并登记。") % {
                    "name": card.deputy.name, **quota}
                if Notification.objects.filter(idempotency_key=key).exists():
                    continue
                notification_enqueue(channel="sms", recipient=card.deputy.mobile, body=body,
                                     idempotency_key=key, target=card)
                sent += 1
    return sent
