"""Writes of the intake loop: submission, triage, handling, feedback and the citizen's rating.

Every status change follows `renda.opinions.workflow.OPINION` and appends one `Event`. Staff
actions go through `workflow_apply` (which checks the actor's permission on the item); the
citizen's actions check the tracking secret instead and are logged with no actor.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import DeadlineRule, due_at, is_overdue, local_date
from renda.core.text import clean_text as _text
from renda.core.workflow import (
    TransitionNotAllowed,
    event_append,
    permission_checker,
    workflow_apply,
    workflow_move,
)
from renda.directory.models import Area, Congress, Deputy, HandlingUnit, Mandate, Station
from renda.directory.roster.common import MOBILE_RE
from renda.directory.selectors import setting_value
from renda.opinions.models import (
    CONTENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Open311Client,
    Opinion,
    OpinionCounter,
    OpinionReply,
)
from renda.opinions.wall import wall_post_prepare
from renda.opinions.workflow import (
    APPROVE_EXTENSION,
    HANDLE,
    OPINION,
    TRIAGE,
    TRIAGE_OUTCOMES,
)

S = Opinion.Status
# A new deadline deserves a new reminder and, if missed, a new escalation.
FRESH_SUPERVISION = {"reminded_at": None, "escalated_at": None}
CONCLUDING_OUTCOMES = {"answer_on_spot", "handle_in_station", "convert", "decline"}


# Helpers ---------------------------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _secret_matches(opinion: Opinion, secret: str) -> bool:
    return hmac.compare_digest(opinion.secret_hash, _hash(secret or ""))


def _setting(congress: Congress, key: str) -> Any:
    return setting_value(congress=congress, key=key, on=local_date(timezone.now()))


def opinion_types(*, congress: Congress) -> dict[str, dict]:
    """The congress's opinion types in force today, by code."""
    return {item["code"]: item for item in _setting(congress, "opinions.types")}


def _deadline_rule(opinion: Opinion) -> DeadlineRule:
    kind = opinion_types(congress=opinion.congress).get(opinion.type_code)
    if kind is None:
        raise ValidationError(_("该民意的类型已不在本级人大的类型配置中，请先修改类型"))
    return DeadlineRule.parse(kind["deadline"])




def _require(actor: Any, perm: str, opinion: Opinion) -> None:
    """Refuse before any business check, so a stranger learns nothing about the item."""
    if not permission_checker()(actor, perm, opinion):
        raise PermissionDenied


def _lock(opinion_id: int) -> Opinion:
    """The row, locked; services that lock it themselves check the transition's permission
    with `_require` first and then move it with `workflow_move(check_permission=False)`."""
    return (Opinion.objects.select_for_update(of=("self",)).select_related("congress__area")
            .get(pk=opinion_id))


# Submission ------------------------------------------------------------------------------------


def _check_addressees(congress: Congress, station: Station | None, deputy: Deputy | None,
                      area: Area | None) -> None:
    if station is not None and station.congress_id != congress.pk:
        raise ValidationError({"addressed_station": _("该联络站不属于本级人大")})
    if deputy is not None and not Mandate.objects.filter(
            deputy=deputy, term__congress=congress).exists():
        raise ValidationError({"addressed_deputy": _("该代表不是本级人大代表")})
    if area is not None and not area.path.startswith(congress.area.path):
        raise ValidationError({"area": _("该区划不在本级人大的行政区域内")})


def _clean_submission(*, congress: Congress, channel: str, type_code: str, title: str,
                      content: str, citizen_name: str, citizen_mobile: str) -> dict[str, Any]:
    if channel not in Opinion.Channel.values:
        raise ValidationError({"channel": _("未知的渠道")})
    if type_code not in opinion_types(congress=congress):
        raise ValidationError({"type_code": _("请选择民意类型")})
    mobile = "".join(ch for ch in (citizen_mobile or "") if ch.isdigit())
    if mobile and not MOBILE_RE.match(mobile):
        raise ValidationError({"citizen_mobile": _("请填写 11 位手机号码")})
    name = _text(citizen_name, field="citizen_name", max_length=40)
    return {
        "channel": channel, "type_code": type_code, "citizen_name": name,
        "citizen_mobile": mobile, "is_anonymous": not (name or mobile),
        "title": _text(title, field="title", max_length=TITLE_MAX_LENGTH, required=True),
        "content": _text(content, field="content", max_length=CONTENT_MAX_LENGTH,
                         required=True),
    }


def _clean_location(latitude: Any, longitude: Any) -> dict[str, Decimal | None]:
    """Both coordinates or neither, in range, rounded to the six places stored."""
    if latitude in (None, "") and longitude in (None, ""):
        return {"latitude": None, "longitude": None}
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError):
        raise ValidationError({"latitude": _("经纬度须为数字")}) from None
    if not (lat.is_finite() and lon.is_finite() and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"latitude": _("经纬度超出范围")})
    places = Decimal("0.000001")
    return {"latitude": lat.quantize(places), "longitude": lon.quantize(places)}


def _next_tracking_number(congress: Congress) -> str:
    """Allocate the next number of the congress's year; the counter row stays locked until the
    surrounding transaction ends, so concurrent submissions queue here for a moment."""
    year = local_date(timezone.now()).year
    OpinionCounter.objects.get_or_create(congress=congress, year=year)
    counter = OpinionCounter.objects.select_for_update().get(congress=congress, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = _setting(congress, "opinions.tracking_prefix") or f"RD{congress.pk}"
    return f"{prefix}{year}-{counter.last:06d}"


def opinion_submit(*, congress: Congress, channel: str, type_code: str, title: str,
                   content: str, citizen_name: str = "", citizen_mobile: str = "",
                   addressed_station: Station | None = None,
                   addressed_deputy: Deputy | None = None, area: Area | None = None,
                   consent_publish: bool = False, idempotency_key: str | None = None,
                   address: str = "", latitude: Any = None, longitude: Any = None,
                   mobile_verified: bool = False,
                   api_client: Open311Client | None = None,
                   actor: Any = None) -> tuple[Opinion, str]:
    """Receive an opinion; returns it with the citizen's secret, shown once and never stored.

    The same `idempotency_key` (a form's one-time token) returns the item already received and
    an empty secret: a double click or a resubmitted form never creates two items.
    `api_client` is the Open311 client that posted the item (channel `api`).
    """
    if idempotency_key:
        existing = Opinion.objects.filter(congress=congress,
                                          idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, ""
    fields = _clean_submission(congress=congress, channel=channel, type_code=type_code,
                               title=title, content=content, citizen_name=citizen_name,
                               citizen_mobile=citizen_mobile)
    _check_addressees(congress, addressed_station, addressed_deputy, area)
    if api_client is not None and api_client.congress_id != congress.pk:
        raise ValidationError({"api_client": _("该接入方不属于本级人大")})
    fields["address"] = _text(address, field="address", max_length=200)
    # Set when the citizen confirmed the number with a one-time code (the web form).
    fields["mobile_verified_at"] = timezone.now() if mobile_verified and fields[
        "citizen_mobile"] else None
    fields.update(_clean_location(latitude, longitude))
    secret = secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            opinion = Opinion(
                congress=congress, tracking_number=_next_tracking_number(congress),
                secret_hash=_hash(secret), addressed_station=addressed_station,
                addressed_deputy=addressed_deputy, area=area,
                consent_publish=consent_publish, idempotency_key=idempotency_key or None,
                api_client=api_client, **fields)
            if getattr(actor, "pk", None):
                opinion._history_user = actor
            opinion.save()
            data = {"channel": channel, **({"api_client": api_client.pk} if api_client else {})}
            event_append(target=opinion, action="submit", actor=actor, to_status=S.RECEIVED,
                         data=data)
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same form arrived twice at once and the other request won the race.
        return Opinion.objects.get(congress=congress, idempotency_key=idempotency_key), ""
    return opinion, secret


# Triage and transfer ---------------------------------------------------------------------------


def opinion_triage(*, actor: Any, opinion_id: int, outcome: str, note: str = "",
                   reason: str = "") -> Opinion:
    """Answer on the spot, handle in the station, turn into a deputy's suggestion, or decline
    with a reason from the fixed list. Transfers go through `opinion_transfer`."""
    if outcome not in TRIAGE_OUTCOMES:
        raise ValueError(f"not a triage outcome: {outcome!r}")
    changes: dict[str, Any] = {"concluded_at": timezone.now()}
    data: dict[str, Any] = {}
    if outcome == "decline":
        if reason not in Opinion.DeclineReason.values:
            raise ValidationError({"reason": _("请选择不予受理的理由")})
        changes["decline_reason"] = data["reason"] = reason
    with transaction.atomic():
        opinion = workflow_apply(workflow=OPINION, pk=opinion_id, action=outcome, actor=actor,
                                 note=note, data=data, changes=changes)
        wall_post_prepare(opinion_id=opinion.pk)  # the echo wall's draft, if the citizen consented
    return opinion


def opinion_transfer(*, actor: Any, opinion_id: int, unit_id: int, note: str = "") -> Opinion:
    """Assign to a handling unit (交办); the deadline runs from now by the item's type."""
    with transaction.atomic():
        opinion = _lock(opinion_id)
        _require(actor, TRIAGE, opinion)
        unit = HandlingUnit.objects.select_related("area").get(pk=unit_id)
        if not unit.is_active or not unit.area.path.startswith(opinion.congress.area.path):
            raise ValidationError({"unit": _("只能交办给本行政区域内在用的承办单位")})
        now = timezone.now()
        deadline = due_at(now, _deadline_rule(opinion))
        return workflow_move(
            workflow=OPINION, obj=opinion, action="transfer", actor=actor,
            check_permission=False, note=note,
            data={"unit": unit.pk, "due_at": deadline.isoformat()},
            changes={"assigned_unit": unit, "transferred_at": now, "due_at": deadline,
                     **FRESH_SUPERVISION})


# Handling units --------------------------------------------------------------------------------


def opinion_accept(*, actor: Any, opinion_id: int, note: str = "") -> Opinion:
    return workflow_apply(workflow=OPINION, pk=opinion_id, action="accept", actor=actor,
                          note=note)


def opinion_return(*, actor: Any, opinion_id: int, reason: str) -> Opinion:
    """A unit sends back an item that is not its business, within the return window; it goes
    back to triage without a unit."""
    reason = _text(reason, field="reason", max_length=1000, required=True)
    with transaction.atomic():
        opinion = _lock(opinion_id)
        _require(actor, HANDLE, opinion)
        if opinion.status == S.TRANSFERRED and opinion.transferred_at:
            window = DeadlineRule.parse(_setting(opinion.congress, "opinions.return_window"))
            if is_overdue(due_at(opinion.transferred_at, window)):
                raise ValidationError(_("已超过申请退回的时限，请办理或申请延期"))
        return workflow_move(
            workflow=OPINION, obj=opinion, action="return", actor=actor,
            check_permission=False, note=reason,
            data={"unit": opinion.assigned_unit_id},
            changes={"assigned_unit": None, "transferred_at": None, "due_at": None,
                     **FRESH_SUPERVISION})


def opinion_extend(*, actor: Any, opinion_id: int, amount: int | None = None,
                   note: str = "") -> Opinion:
    """Approve the one extension an item may have, of at most the congress's maximum
    (`opinions.extension_max`), counted from the current deadline."""
    with transaction.atomic():
        opinion = _lock(opinion_id)
        _require(actor, APPROVE_EXTENSION, opinion)
        if opinion.extension_used:
            raise TransitionNotAllowed(_("每件民意只能延期一次"))
        maximum = DeadlineRule.parse(_setting(opinion.congress, "opinions.extension_max"))
        amount = maximum.amount if amount is None else amount
        if not 0 < amount <= maximum.amount:
            raise ValidationError({"amount": _("延期不能超过 %(max)d") % {"max": maximum.amount}})
        new_due = due_at(opinion.due_at or timezone.now(), DeadlineRule(amount, maximum.unit))
        return workflow_move(
            workflow=OPINION, obj=opinion, action="extend", actor=actor,
            check_permission=False, note=note,
            data={"from": opinion.due_at.isoformat() if opinion.due_at else None,
                  "to": new_due.isoformat()},
            changes={"due_at": new_due, "extension_used": True, **FRESH_SUPERVISION})


def opinion_reply(*, actor: Any, opinion_id: int, body: str) -> Opinion:
    """The unit's final reply; the station then tells the citizen."""
    body = _text(body, field="body", max_length=CONTENT_MAX_LENGTH, required=True)
    with transaction.atomic():
        opinion = workflow_apply(workflow=OPINION, pk=opinion_id, action="reply", actor=actor)
        reply = OpinionReply(opinion=opinion, unit_id=opinion.assigned_unit_id, author=actor,
                             body=body, is_final=True)
        reply._history_user = actor
        reply.save()
    return opinion


def opinion_confirm(*, actor: Any, opinion_id: int, note: str = "") -> Opinion:
    """The station has told the citizen the result (结果反馈)."""
    return workflow_apply(workflow=OPINION, pk=opinion_id, action="confirm", actor=actor,
                          note=note)


# The citizen, by tracking number and secret -----------------------------------------------------


def opinion_get_by_secret(*, tracking_number: str, secret: str) -> Opinion | None:
    """The item, or None whether the number is unknown or the secret wrong (no difference)."""
    opinion = Opinion.objects.filter(tracking_number=(tracking_number or "").strip()).first()
    if opinion is None or not _secret_matches(opinion, secret):
        return None
    return opinion


def _citizen_apply(*, tracking_number: str, secret: str, action: str,
                   prepare: Callable[[Opinion], dict[str, Any]], note: str = "",
                   data: dict | None = None) -> Opinion:
    """A citizen's own action: the tracking secret stands in for a permission."""
    with transaction.atomic():
        opinion = (Opinion.objects.select_for_update(of=("self",)).select_related("congress")
                   .filter(tracking_number=(tracking_number or "").strip()).first())
        if opinion is None or not _secret_matches(opinion, secret):
            raise PermissionDenied
        return workflow_move(workflow=OPINION, obj=opinion, action=action, actor=None,
                             note=note, data=data, changes=prepare, check_permission=False)


def opinion_rate(*, tracking_number: str, secret: str, rating: str,
                 comment: str = "", solved: bool | None = None) -> Opinion:
    """The citizen rates the result: satisfied or basically satisfied closes the item;
    dissatisfied leaves it open to one reopening. `solved` is the citizen's answer to "is the
    problem solved?" (None when not answered), which the 解决率 counts."""
    if rating not in Opinion.Rating.values:
        raise ValidationError({"rating": _("请选择评价")})
    comment = _text(comment, field="comment", max_length=1000)
    action = "rate_dissatisfied" if rating == Opinion.Rating.DISSATISFIED else "rate"
    now = timezone.now()
    with transaction.atomic():
        opinion = _citizen_apply(
            tracking_number=tracking_number, secret=secret, action=action, note=comment,
            data={"rating": rating, "solved": solved},
            prepare=lambda _opinion: {"rating": rating, "rating_comment": comment,
                                      "solved": solved, "rated_at": now, "concluded_at": now})
        wall_post_prepare(opinion_id=opinion.pk)  # the echo wall's draft, if the citizen consented
    return opinion


def _reopen_changes(opinion: Opinion) -> dict[str, Any]:
    if opinion.reopened:
        raise TransitionNotAllowed(_("每件民意只能重新办理一次"))
    now = timezone.now()
    return {"reopened": True, "transferred_at": now, "due_at": due_at(now, _deadline_rule(opinion)),
            "rating": "", "solved": None, "rated_at": None, "concluded_at": None,
            **FRESH_SUPERVISION}


def opinion_reopen(*, tracking_number: str, secret: str, reason: str) -> Opinion:
    """A dissatisfied citizen has the item handled again, once, by the same unit with a fresh
    deadline."""
    reason = _text(reason, field="reason", max_length=1000, required=True)
    return _citizen_apply(tracking_number=tracking_number, secret=secret, action="reopen",
                          note=reason, prepare=_reopen_changes)
