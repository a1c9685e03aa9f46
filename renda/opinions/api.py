"""The opinions API under /api/v1/opinions/: the opinion types a congress accepts, and
tracking an item with its number and secret (what the tracking page shows, as JSON).

Posting goes through Open311 (/open311/v2/, `renda.opinions.open311`), the standard city apps
already speak.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from renda.api import ErrorOut, InSchema
from renda.opinions import services
from renda.opinions.models import Opinion
from renda.opinions.open311 import selectors as open311_selectors
from renda.opinions.open311.representation import deadline_text
from renda.opinions.views import _confirmed_replies, _timeline

router = Router(tags=["opinions"])
TRACK_RATE = "20/m"


class TypeQuery(InSchema):
    congress: str = Field(..., max_length=20,
                          description="人大所在行政区划的统计用区划代码，与 Open311 的 jurisdiction_id 相同，"
                                      "如 230108000000")


class TypeOut(Schema):
    code: str
    label: str
    deadline: str = Field(..., description="办理时限，如 10wd 表示 10 个工作日")
    deadline_label: str


class TrackIn(InSchema):
    tracking_number: str = Field(..., max_length=40)
    secret: str = Field(..., max_length=200)


class TimelineOut(Schema):
    at: datetime.datetime
    label: str
    who: str
    status: str


class ReplyOut(Schema):
    unit: str
    body: str
    created_at: datetime.datetime


class TrackOut(Schema):
    tracking_number: str
    status: str
    status_label: str
    type_code: str
    title: str
    content: str
    created_at: datetime.datetime
    due_at: datetime.datetime | None
    assigned_unit: str | None
    addressed_station: str | None
    rating: str
    timeline: list[TimelineOut]
    replies: list[ReplyOut]


@router.get("/types", response={200: list[TypeOut], 404: ErrorOut}, summary="民意类型及办理时限")
def type_list(request: HttpRequest, query: Query[TypeQuery]) -> Any:
    congress = open311_selectors.jurisdiction_get(jurisdiction_id=query.congress.strip())
    if congress is None:
        raise HttpError(404, _("未找到该人大"))
    return [{"code": kind["code"], "label": kind.get("label") or kind["code"],
             "deadline": str(kind.get("deadline", "")),
             "deadline_label": deadline_text(kind.get("deadline"))}
            for kind in services.opinion_types(congress=congress).values()]


@router.post("/track", response={200: TrackOut, 404: ErrorOut, 429: ErrorOut},
             summary="凭查询编号和查询密码查询办理进度")
def track(request: HttpRequest, body: TrackIn) -> Any:
    """The same 404 whether the number is unknown or the secret wrong."""
    if is_ratelimited(request, group="opinions.api.track", key="ip", rate=TRACK_RATE,
                      method="POST", increment=True):
        raise HttpError(429, _("查询过于频繁，请稍后再试"))
    opinion = services.opinion_get_by_secret(tracking_number=body.tracking_number,
                                             secret=body.secret)
    if opinion is None:
        raise HttpError(404, _("查询编号或查询密码不正确"))
    return _tracked(opinion)


def _tracked(opinion: Opinion) -> dict[str, Any]:
    return {
        "tracking_number": opinion.tracking_number, "status": opinion.status,
        "status_label": str(opinion.get_status_display()), "type_code": opinion.type_code,
        "title": opinion.title, "content": opinion.content, "created_at": opinion.created_at,
        "due_at": opinion.due_at if opinion.status in Opinion.OPEN_STATES else None,
        "assigned_unit": opinion.assigned_unit.name if opinion.assigned_unit else None,
        "addressed_station": (opinion.addressed_station.name if opinion.addressed_station
                              else None),
        "rating": opinion.rating,
        "timeline": [{**entry, "label": str(entry["label"]), "who": str(entry["who"]),
                      "status": str(entry["status"])} for entry in _timeline(opinion)],
        "replies": [{"unit": reply.unit.name, "body": reply.body, "created_at": reply.created_at}
                    for reply in _confirmed_replies(opinion)],
    }
