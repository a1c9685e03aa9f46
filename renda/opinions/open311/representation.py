"""Opinion types and opinions as GeoReport v2 services and service requests.

Anyone may read a service request's number, type, status, handling unit, dates, and a status
note that is safe to publish: the status itself, a decline reason from the fixed list, or the
reviewed and anonymised result published on the echo wall (回音壁). The description, the
address, `address_id`, the coordinates and the unit's own reply go only to the client that
posted the item (it sent them for the citizen and passes the answer back). The citizen's name,
mobile number and e-mail go to nobody: the selectors do not even load them.
"""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import DeadlineRule, Unit
from renda.opinions.models import EchoWallPost, Opinion
from renda.opinions.open311.formats import MEDIA_TYPES
from renda.opinions.open311.selectors import open_status

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint list last changed (Service Discovery's `changeset`).
CHANGESET = "2026-11-25T00:00:00+08:00"
S = Opinion.Status
# The states in which the unit's final reply has been confirmed to the citizen.
REPLY_CONFIRMED = (S.CONFIRMED, S.CLOSED, S.DISSATISFIED)


def w3c(moment: datetime.datetime | None) -> str | None:
    """The spec's date-time: ISO 8601 with the offset, in Beijing time."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def deadline_text(value: Any) -> str:
    try:
        rule = DeadlineRule.parse(value)
    except (ValueError, KeyError, TypeError):
        return str(value)
    units = {Unit.WORKING_DAYS: _("%(n)d 个工作日"), Unit.DAYS: _("%(n)d 天"),
             Unit.MONTHS: _("%(n)d 个月")}
    return units[rule.unit] % {"n": rule.amount}


def service_notice(kind: dict) -> str:
    return _("交办承办单位后 %(deadline)s内答复") % {"deadline": deadline_text(kind.get("deadline"))}


def discovery_out(*, url: str) -> dict[str, Any]:
    kind = "test" if settings.DEMO or settings.DEBUG else "production"
    return {
        "changeset": CHANGESET,
        "contact": _("请联系本级人大常委会办公室"),
        "key_service": _("api_key 由本级人大常委会办公室在管理后台“Open311 接入方”中创建，"
                         "创建时只显示一次"),
        "endpoints": [{"specification": SPEC_URL, "url": url, "changeset": CHANGESET,
                       "type": kind, "formats": MEDIA_TYPES}],
    }


def service_out(kind: dict, *, metadata: bool) -> dict[str, Any]:
    label = kind.get("label") or kind["code"]
    return {
        "service_code": kind["code"],
        "service_name": label,
        "description": _("%(label)s类民意，%(notice)s。") % {"label": label,
                                                            "notice": service_notice(kind)},
        "metadata": metadata,
        "type": "realtime",
        "keywords": label,
        "group": _("群众意见"),
    }


def definition_out(*, service_code: str, stations: list[tuple[str, str]]) -> dict[str, Any]:
    attributes = []
    if stations:
        attributes.append({
            "variable": True,
            "code": "station",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("联络站编码"),
            "order": 1,
            "description": _("向哪个人大代表联络站反映（选填）；不选时由人大常委会办公室分办"),
            "values": [{"key": code, "name": name} for code, name in stations],
        })
    return {"service_code": service_code, "attributes": attributes}


def _status_notes(opinion: Opinion, *, owner: bool, answers: dict[int, str]) -> str:
    if owner:
        replies = getattr(opinion, "final_replies", [])
        if opinion.status in REPLY_CONFIRMED and replies:
            return replies[-1].body
        if opinion.pk in answers:
            return answers[opinion.pk]
    post = getattr(opinion, "wall_post", None)
    if post is not None and post.status == EchoWallPost.Status.PUBLISHED and post.reply:
        return post.reply
    label = str(opinion.get_status_display())
    if opinion.status == S.DECLINED and opinion.decline_reason:
        return f"{label}：{opinion.get_decline_reason_display()}"
    return label


def _updated(opinion: Opinion) -> datetime.datetime:
    last_event = getattr(opinion, "last_event_at", None)
    return max(filter(None, (opinion.created_at, opinion.updated_at, last_event)))


def _coordinate(value: Any) -> float | None:
    return float(value) if value is not None else None


def request_out(opinion: Opinion, *, types: dict[str, dict], owner: bool,
                answers: dict[int, str]) -> dict[str, Any]:
    """One service request; `owner`: the caller is the client that posted it."""
    kind = types.get(opinion.type_code)
    data: dict[str, Any] = {
        "service_request_id": opinion.tracking_number,
        "status": open_status(opinion),
        "status_notes": _status_notes(opinion, owner=owner, answers=answers),
        "service_name": (kind.get("label") if kind else None) or opinion.type_code,
        "service_code": opinion.type_code,
    }
    if owner:
        data["description"] = opinion.content
    data.update({
        "agency_responsible": opinion.assigned_unit.name if opinion.assigned_unit else None,
        "service_notice": service_notice(kind) if kind else None,
        "requested_datetime": w3c(opinion.created_at),
        "updated_datetime": w3c(_updated(opinion)),
        "expected_datetime": w3c(opinion.due_at),
    })
    if owner:
        data.update({"address": opinion.address or None,
                     "address_id": opinion.area.code if opinion.area else None,
                     "lat": _coordinate(opinion.latitude), "long": _coordinate(opinion.longitude)})
    return data


def tracking_url(opinion: Opinion, secret: str) -> str:
    path = reverse("opinions:track", args=[opinion.tracking_number])
    return f"{settings.SITE_URL}{path}?{urlencode({'s': secret})}"


def posted_out(opinion: Opinion, *, secret: str, kind: dict,
               account_id: str) -> list[dict[str, Any]]:
    """The answer to "POST Service Request". The notice carries the citizen's tracking link,
    with the secret, this once (a retried post gets the number only)."""
    notice = _("已受理，查询编号 %(number)s；%(deadline)s。") % {
        "number": opinion.tracking_number, "deadline": service_notice(kind)}
    if secret:
        notice += _("请将查询链接转交反映人，凭此链接可查询办理进度并评价（链接含查询密码，只显示这一次）：") \
            + tracking_url(opinion, secret)
    return [{"service_request_id": opinion.tracking_number, "service_notice": notice,
             "account_id": account_id or None}]


def token_out(opinion: Opinion) -> list[dict[str, Any]]:
    return [{"service_request_id": opinion.tracking_number, "token": opinion.tracking_number}]
