"""The echo wall (回音壁): resolved opinions whose citizens consented, anonymised, checked by
staff, then shown in public (DOMAIN §3.5).

An opinion is resolved when the citizen closes it with a satisfied or basically satisfied
rating, or when the station answers it on the spot or handles it itself. At that moment, in the
same transaction, `wall_post_prepare` writes a pending post: the title, the question and the
reply passed through `mask_text`. Station or office staff then publish it (after editing the
text if the rules missed something), reject it, or later withdraw it; every step is an `Event`.

The public pages read `WallEntry` rows built from the post's own text and a few public facts of
its opinion (type, station, dates, outcome): never the opinion itself, so no template can print a
name, a mobile number or a tracking number by mistake.
"""

import dataclasses
import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.accounts.access import has_perm, scope_filter
from renda.core.config import spec
from renda.core.deadlines import local_date
from renda.core.masking import mask_text
from renda.core.models import Event
from renda.core.workflow import Transition, Workflow, event_append, workflow_move
from renda.directory.models import Congress, CongressSetting
from renda.opinions.models import (
    CONTENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    EchoWallPost,
    Opinion,
    OpinionReply,
)

REVIEW = "opinions.review_echowallpost"
VIEW = "opinions.view_echowallpost"
TYPES_KEY = "opinions.types"
PAGE_SIZE = 12
P = EchoWallPost.Status
S = Opinion.Status
PUBLIC_RATINGS = (Opinion.Rating.SATISFIED, Opinion.Rating.BASICALLY_SATISFIED)
# The triage outcomes that resolve an item in the station, by the status they lead to.
STATION_OUTCOMES = {S.ANSWERED_ON_SPOT: "answer_on_spot", S.HANDLED_IN_STATION: "handle_in_station"}

ECHO_WALL = Workflow(
    model=EchoWallPost,
    transitions=(
        Transition("publish", {P.PENDING}, P.PUBLISHED, permission=REVIEW,
                   label=gettext_lazy("公开")),
        Transition("reject", {P.PENDING}, P.REJECTED, permission=REVIEW,
                   label=gettext_lazy("不予公开")),
        Transition("withdraw", {P.PUBLISHED}, P.WITHDRAWN, permission=REVIEW,
                   label=gettext_lazy("撤下")),
    ),
)
REVIEW_ACTIONS = tuple(step.action for step in ECHO_WALL.transitions)


# Preparing a post ------------------------------------------------------------------------------


def _resolved(opinion: Opinion) -> bool:
    if opinion.status == S.CLOSED:
        return opinion.rating in PUBLIC_RATINGS
    return opinion.status in STATION_OUTCOMES


def original_replies(opinions: Iterable[Opinion]) -> dict[int, str]:
    """The answer each opinion got, by opinion id, in two queries whatever their number: the
    unit's latest final reply, or the note of the station's triage (answered on the spot,
    handled in the station)."""
    opinions = list(opinions)
    answers: dict[int, str] = {}
    replies = (OpinionReply.objects.filter(opinion__in=opinions, is_final=True)
               .order_by("created_at", "id").values_list("opinion_id", "body"))
    for opinion_id, body in replies:
        answers[opinion_id] = body  # the latest wins: a reopened item has a second reply
    in_station = [o.pk for o in opinions if o.status in STATION_OUTCOMES]
    if in_station:
        notes = (Event.objects.filter(content_type=ContentType.objects.get_for_model(Opinion),
                                      object_id__in=in_station,
                                      action__in=STATION_OUTCOMES.values())
                 .order_by("created_at", "id").values_list("object_id", "note"))
        for opinion_id, note in notes:
            answers[opinion_id] = note
    return answers


def _anonymised(opinion: Opinion) -> dict[str, str]:
    names = [opinion.citizen_name]
    reply = original_replies([opinion]).get(opinion.pk, "")
    return {
        "title": mask_text(opinion.title, names=names)[:TITLE_MAX_LENGTH],
        "content": mask_text(opinion.content, names=names)[:CONTENT_MAX_LENGTH],
        "reply": mask_text(reply, names=names)[:CONTENT_MAX_LENGTH],
    }


def wall_post_prepare(*, opinion_id: int) -> EchoWallPost | None:
    """The pending post of a resolved opinion whose citizen consented, created once: called
    again it returns the post there is (whatever its status), and None for an opinion that is
    not resolved or whose citizen did not consent. Called by the services that resolve an item,
    inside their transaction, on the row they hold locked."""
    with transaction.atomic():
        opinion = Opinion.objects.select_for_update(of=("self",)).get(pk=opinion_id)
        if not (opinion.consent_publish and _resolved(opinion)):
            return None
        existing = EchoWallPost.objects.filter(opinion=opinion).first()
        if existing is not None:
            return existing
        post = EchoWallPost.objects.create(opinion=opinion, **_anonymised(opinion))
        event_append(target=post, action="prepare", actor=None, to_status=P.PENDING,
                     data={"opinion": opinion.pk})
    return post


# Reviewing -------------------------------------------------------------------------------------


def _clean(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: _("此项不能为空")})
    if len(value) > max_length:
        raise ValidationError({field: _("最多 %(max)d 个字，现有 %(count)d 个字")
                               % {"max": max_length, "count": len(value)}})
    return value


def _private_left(opinion: Opinion, texts: dict[str, str]) -> None:
    """Refuse to publish the citizen's own name or mobile number, however the reviewer's
    edits brought them back (the masking rules are no longer run on what staff wrote)."""
    checks = []
    if len(opinion.citizen_name.strip()) >= 2:
        checks.append(re.compile(re.escape(opinion.citizen_name.strip())))
    if opinion.citizen_mobile:
        checks.append(re.compile(r"[-\s]?".join(opinion.citizen_mobile)))
    for field, text in texts.items():
        if any(check.search(text) for check in checks):
            raise ValidationError({field: _("公开内容中含有反映人的姓名或手机号码，请删除后再公开")})


def _publish_changes(post: EchoWallPost, *, title: str, content: str,
                     reply: str) -> dict[str, Any]:
    texts = {
        "title": _clean(title, field="title", max_length=TITLE_MAX_LENGTH, required=True),
        "content": _clean(content, field="content", max_length=CONTENT_MAX_LENGTH,
                          required=True),
        "reply": _clean(reply, field="reply", max_length=CONTENT_MAX_LENGTH),
    }
    _private_left(post.opinion, texts)
    return {**texts, "published_at": timezone.now()}


def wall_post_review(*, actor: Any, post_id: int, action: str, title: str = "",
                     content: str = "", reply: str = "", note: str = "") -> EchoWallPost:
    """Publish a pending post (with the reviewer's edits of its title, question and reply),
    reject it with a reason, or withdraw a published one with a reason.

    The actor needs `opinions.review_echowallpost` on the post (scoped by its opinion's station
    and area), checked before anything else so that a stranger learns nothing; a post another
    reviewer has already moved raises `TransitionNotAllowed`.
    """
    if action not in REVIEW_ACTIONS:
        raise ValueError(f"not an echo wall action: {action!r}")
    with transaction.atomic():
        post = (EchoWallPost.objects.select_for_update(of=("self",))
                .select_related("opinion").get(pk=post_id))
        if not has_perm(actor, REVIEW, post):
            raise PermissionDenied
        note = _clean(note, field="note", max_length=500, required=action != "publish")

        def changes(obj: EchoWallPost) -> dict[str, Any]:
            extra = (_publish_changes(obj, title=title, content=content, reply=reply)
                     if action == "publish" else {})
            return {**extra, "reviewed_by": actor, "reviewed_at": timezone.now(),
                    "review_note": note}

        return workflow_move(workflow=ECHO_WALL, obj=post, action=action, actor=actor,
                             check_permission=False, note=note, changes=changes)


# Reading: staff --------------------------------------------------------------------------------


def wall_review_queue(*, user: Any, status: str = P.PENDING,
                      perm: str = REVIEW) -> QuerySet[EchoWallPost]:
    """The posts in `status` within the user's scope under `perm`: pending ones the oldest
    first (a queue), the others the latest reviewed first."""
    posts = (EchoWallPost.objects.filter(status=status)
             .select_related("opinion__addressed_station", "opinion__congress", "reviewed_by"))
    order = ("created_at", "id") if status == P.PENDING else ("-reviewed_at", "-id")
    return scope_filter(user, perm, posts).order_by(*order)


def wall_post_get_for(*, user: Any, pk: int, perm: str = REVIEW) -> EchoWallPost:
    return scope_filter(user, perm, EchoWallPost.objects.select_related(
        "opinion__addressed_station", "opinion__congress", "reviewed_by")).get(pk=pk)


# Reading: the public ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WallEntry:
    """What the public may read of one published post, and nothing else."""

    pk: int
    title: str
    content: str
    reply: str
    type_label: str
    station_name: str
    station_code: str
    received_on: datetime.date
    concluded_on: datetime.date | None
    rating: str  # 满意 or 基本满意; empty for an item resolved in the station
    outcome: str  # 已办结, 当场答复 or 站内办结
    published_at: datetime.datetime | None


ENTRY_FIELDS = ("pk", "title", "content", "reply", "published_at", "opinion__congress_id",
                "opinion__type_code", "opinion__status", "opinion__rating",
                "opinion__created_at", "opinion__concluded_at",
                "opinion__addressed_station__name", "opinion__addressed_station__code")


def _published() -> QuerySet[EchoWallPost]:
    return EchoWallPost.objects.filter(status=P.PUBLISHED)


def type_labels(congress_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """The names of the opinion types in force today, by (congress id, code), in one query
    for all the congresses (the per-congress `setting_value` would take one each)."""
    ids = set(congress_ids)
    rows = (CongressSetting.objects.filter(congress_id__in=ids, key=TYPES_KEY,
                                           effective_from__lte=local_date(timezone.now()))
            .order_by("congress_id", "-effective_from").values_list("congress_id", "value"))
    in_force: dict[int, list[dict]] = {}
    for congress_id, value in rows:
        in_force.setdefault(congress_id, value)
    default = spec(TYPES_KEY).default
    return {(congress_id, item["code"]): item.get("label", item["code"])
            for congress_id in ids for item in in_force.get(congress_id, default)}


def _entry(row: dict[str, Any], labels: dict[tuple[int, str], str]) -> WallEntry:
    code = row["opinion__type_code"]
    concluded = row["opinion__concluded_at"]
    return WallEntry(
        pk=row["pk"], title=row["title"], content=row["content"], reply=row["reply"],
        type_label=labels.get((row["opinion__congress_id"], code), code),
        station_name=row["opinion__addressed_station__name"] or "",
        station_code=row["opinion__addressed_station__code"] or "",
        received_on=local_date(row["opinion__created_at"]),
        concluded_on=local_date(concluded) if concluded else None,
        rating=str(Opinion.Rating(row["opinion__rating"]).label) if row["opinion__rating"] else "",
        outcome=str(Opinion.Status(row["opinion__status"]).label),
        published_at=row["published_at"],
    )


def _entries(rows: list[dict[str, Any]]) -> list[WallEntry]:
    labels = type_labels(row["opinion__congress_id"] for row in rows) if rows else {}
    return [_entry(row, labels) for row in rows]


def wall_public_list(*, congress: Congress | None = None, station: str | None = None,
                     category: str | None = None, page: Any = None) -> Page:
    """One page of published posts, the latest published first, optionally of one congress,
    one station (by code) or one opinion type (by code); its `object_list` holds `WallEntry`
    rows. Three queries whatever the page's length."""
    posts = _published()
    if congress is not None:
        posts = posts.filter(opinion__congress=congress)
    if station:
        posts = posts.filter(opinion__addressed_station__code=station)
    if category:
        posts = posts.filter(opinion__type_code=category)
    rows = posts.order_by("-published_at", "-id").values(*ENTRY_FIELDS)
    result = Paginator(rows, PAGE_SIZE).get_page(page)
    result.object_list = _entries(list(result.object_list))
    return result


def wall_public_get(*, pk: int) -> WallEntry:
    """One published post; `EchoWallPost.DoesNotExist` for any other."""
    rows = list(_published().filter(pk=pk).values(*ENTRY_FIELDS))
    if not rows:
        raise EchoWallPost.DoesNotExist
    return _entries(rows)[0]


def wall_public_choices() -> dict[str, list[tuple[str, str]]]:
    """The stations and the opinion types that have published posts, for the filters."""
    stations = (_published().filter(opinion__addressed_station__isnull=False)
                .order_by("opinion__addressed_station__path")
                .values_list("opinion__addressed_station__code",
                             "opinion__addressed_station__name").distinct())
    used = set(_published().order_by()
               .values_list("opinion__congress_id", "opinion__type_code").distinct())
    labels = type_labels(congress_id for congress_id, _code in used)
    # In the order the congress lists its types, then any code no longer configured.
    types = {code: label for (congress_id, code), label in labels.items()
             if (congress_id, code) in used}
    for _congress_id, code in sorted(used):
        types.setdefault(code, code)
    return {"stations": list(dict.fromkeys(stations)), "types": list(types.items())}
