"""Reads of the Open311 API: jurisdictions, keys, and opinions as service requests.

The querysets never load a citizen's name or mobile number: nothing the API writes out can
carry them by mistake. Which of the remaining fields a caller sees is decided in
`representation.request_out`.
"""

import dataclasses
import datetime
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from renda.core.models import Event
from renda.directory.models import Area, Congress, Station
from renda.directory.public import public_stations
from renda.opinions.models import Open311Client, Opinion, OpinionReply

S = Opinion.Status
# GeoReport v2 knows two states: "open: it has been reported; closed: it has been resolved".
# An item is closed once the citizen has been given the result (or it was concluded at triage).
OPEN_STATES = (S.RECEIVED, S.TRANSFERRED, S.ACCEPTED, S.REPLIED)
CLOSED_STATES = tuple(status for status in S.values if status not in OPEN_STATES)
STATES = {"open": OPEN_STATES, "closed": CLOSED_STATES}
# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests returned".
MAX_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
# The triage outcomes whose note is the answer the citizen was given.
ANSWERING_ACTIONS = ("answer_on_spot", "handle_in_station")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open_status(opinion: Opinion) -> str:
    return "open" if opinion.status in OPEN_STATES else "closed"


# Jurisdictions, keys and services -----------------------------------------------------------------


def jurisdiction_id(congress: Congress) -> str:
    """A congress's jurisdiction_id: the statistical code of its area (统计用区划代码),
    stable and already public, e.g. 230108000000 for 平房区人大."""
    return congress.area.code


def jurisdiction_get(*, jurisdiction_id: str) -> Congress | None:
    return Congress.objects.select_related("area").filter(area__code=jurisdiction_id).first()


def sole_jurisdiction() -> Congress | None:
    """The congress, where the server holds only one: then jurisdiction_id may be left out."""
    congresses = list(Congress.objects.select_related("area")[:2])
    return congresses[0] if len(congresses) == 1 else None


def client_by_key(*, key: str) -> Open311Client | None:
    """The client holding `key`, active or not (the caller says which refusal applies)."""
    return (Open311Client.objects.select_related("congress__area")
            .filter(key_hash=key_hash(key)).first())


def stations_of(*, congress: Congress) -> list[tuple[str, str]]:
    """(code, name) of the congress's active stations: the values of the `station` attribute."""
    return list(public_stations().filter(congress=congress).order_by("path")
                .values_list("code", "name"))


def station_in(*, congress: Congress, code: str) -> Station | None:
    return public_stations().filter(congress=congress, code=code).first()


def area_in(*, congress: Congress, code: str) -> Area | None:
    """An area inside the congress's own: the `address_id` a client may send."""
    return Area.objects.filter(code=code, path__startswith=congress.area.path).first()


# Service requests -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RequestFilters:
    """The arguments of "GET Service Requests", already checked. `ids` overrides the rest."""

    start: datetime.datetime
    end: datetime.datetime
    ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


def _requests(*, congress: Congress, with_replies: bool) -> QuerySet[Opinion]:
    """The congress's opinions with what a service request shows. `last_event_at` is when
    the item last changed (its last event, read through the index `event_target_time`)."""
    events = Event.objects.filter(content_type=ContentType.objects.get_for_model(Opinion),
                                  object_id=OuterRef("pk"))
    qs = (Opinion.objects.filter(congress=congress)
          .select_related("assigned_unit", "area", "wall_post")
          .defer("secret_hash", *Opinion.PRIVATE_FIELDS)
          .annotate(last_event_at=Subquery(
              events.order_by("-created_at", "-id").values("created_at")[:1])))
    if with_replies:
        finals = OpinionReply.objects.filter(is_final=True).order_by("created_at", "id")
        qs = qs.prefetch_related(Prefetch("replies", queryset=finals, to_attr="final_replies"))
    return qs


def request_list(*, congress: Congress, filters: RequestFilters,
                 with_replies: bool = False) -> list[Opinion]:
    qs = _requests(congress=congress, with_replies=with_replies)
    if filters.ids:
        qs = qs.filter(tracking_number__in=filters.ids)
    else:
        qs = qs.filter(created_at__gte=filters.start, created_at__lte=filters.end)
        if filters.codes:
            qs = qs.filter(type_code__in=filters.codes)
        if filters.statuses:
            qs = qs.filter(status__in=[s for name in filters.statuses for s in STATES[name]])
    return list(qs.order_by("-created_at", "-id")[:MAX_REQUESTS])


def request_get(*, congress: Congress, request_id: str,
                with_replies: bool = False) -> Opinion | None:
    qs = _requests(congress=congress, with_replies=with_replies)
    return qs.filter(tracking_number=request_id).first()


def answers_at_triage(*, opinions: list[Opinion]) -> dict[int, str]:
    """The note of the on-the-spot or in-station answer of each item that had one."""
    ids = [opinion.pk for opinion in opinions if opinion.status in (
        S.ANSWERED_ON_SPOT, S.HANDLED_IN_STATION)]
    if not ids:
        return {}
    events = (Event.objects.filter(content_type=ContentType.objects.get_for_model(Opinion),
                                   object_id__in=ids, action__in=ANSWERING_ACTIONS)
              .exclude(note="").order_by("created_at", "id").values_list("object_id", "note"))
    return dict(events)
