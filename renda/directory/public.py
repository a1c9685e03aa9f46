"""Public reads of the directory: what anyone, signed in or not, may see.

Only public deputies holding an active mandate and active stations are returned, and the
querysets never load a deputy's private fields (`Deputy.PRIVATE_FIELDS`), so that no template
can print them by mistake. Lists run a fixed number of queries whatever the number of rows.
"""

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from renda.directory.models import (
    Area,
    Deputy,
    DeputyGroup,
    GroupMembership,
    Mandate,
    Station,
    StationAssignment,
)

if TYPE_CHECKING:
    from renda.directory.reception import Occurrence

FILTER_AREA_LEVELS = (Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET)


def _active_mandates() -> QuerySet[Mandate]:
    return Mandate.objects.filter(status=Mandate.Status.ACTIVE)


def public_deputies() -> QuerySet[Deputy]:
    """Deputies listed in the public directory and holding an active mandate, without their
    private fields."""
    active = _active_mandates().filter(deputy=OuterRef("pk"))
    return Deputy.objects.filter(Exists(active), is_public=True).defer(*Deputy.PRIVATE_FIELDS)


def public_stations() -> QuerySet[Station]:
    return Station.objects.filter(is_active=True)


@dataclasses.dataclass(frozen=True)
class DeputyFilters:
    """The directory's search: name, area (with its sub-areas), station code, group id."""

    q: str = ""
    area: str = ""
    station: str = ""
    group: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "DeputyFilters":
        group = params.get("group", "").strip()
        return cls(
            q=params.get("q", "").strip()[:40],
            area=params.get("area", "").strip()[:20],
            station=params.get("station", "").strip()[:32],
            group=int(group) if group.isdigit() else None,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.area or self.station or self.group)


@dataclasses.dataclass(frozen=True)
class StationFilters:
    """The station list's search: name, kind, area (with its sub-areas)."""

    q: str = ""
    kind: str = ""
    area: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "StationFilters":
        kind = params.get("kind", "").strip()
        return cls(
            q=params.get("q", "").strip()[:40],
            kind=kind if kind in Station.Kind.values else "",
            area=params.get("area", "").strip()[:20],
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.kind or self.area)


def _area_path(code: str) -> str | None:
    """The tree path of the area with this code; None (matches nothing) for an unknown code."""
    return Area.objects.filter(code=code).values_list("path", flat=True).first()


def _deputy_area_q(path: str) -> Q:
    """A deputy is in an area when a congress they sit in, their constituency or one of their
    stations lies in it or below it."""
    mandates = (
        _active_mandates()
        .filter(deputy=OuterRef("pk"))
        .filter(
            Q(term__congress__area__path__startswith=path)
            | Q(constituency__area__path__startswith=path)
        )
    )
    stations = StationAssignment.objects.filter(
        deputy=OuterRef("pk"), station__is_active=True, station__area__path__startswith=path
    )
    return Q(Exists(mandates)) | Q(Exists(stations))


def _list_prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "mandates",
            queryset=_active_mandates().select_related("term__congress", "constituency"),
            to_attr="active_mandates",
        ),
        Prefetch(
            "stations", queryset=public_stations().order_by("path"), to_attr="public_stations"
        ),
    ]


def deputy_search(*, filters: DeputyFilters) -> QuerySet[Deputy]:
    """Public deputies matching the filters, with their mandates and stations prefetched."""
    qs = public_deputies()
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.area:
        path = _area_path(filters.area)
        qs = qs.filter(_deputy_area_q(path)) if path else qs.none()
    if filters.station:
        on_station = StationAssignment.objects.filter(
            deputy=OuterRef("pk"), station__code=filters.station, station__is_active=True
        )
        qs = qs.filter(Exists(on_station))
    if filters.group:
        in_group = GroupMembership.objects.filter(deputy=OuterRef("pk"), group_id=filters.group)
        qs = qs.filter(Exists(in_group))
    return qs.prefetch_related(*_list_prefetches()).order_by("name", "pk")


def deputy_public_get(*, pk: int) -> Deputy:
    """One public deputy with everything the public page shows; raises Deputy.DoesNotExist."""
    memberships = GroupMembership.objects.select_related("group__congress").order_by(
        "group__congress__area__path", "group__name"
    )
    return (
        public_deputies()
        .prefetch_related(*_list_prefetches(), Prefetch("group_memberships", queryset=memberships))
        .get(pk=pk)
    )


def station_search(*, filters: StationFilters) -> QuerySet[Station]:
    qs = public_stations()
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.area:
        path = _area_path(filters.area)
        qs = qs.filter(area__path__startswith=path) if path else qs.none()
    return qs.select_related("area").order_by("path")


def station_public_get(*, code: str) -> Station:
    """One active station; raises Station.DoesNotExist."""
    return public_stations().select_related("area", "congress").get(code=code)


def station_public_assignments(*, station: Station) -> list[StationAssignment]:
    """The station's public deputies, the head first."""
    qs = StationAssignment.objects.filter(station=station, deputy__in=public_deputies())
    qs = qs.select_related("deputy").defer(*(f"deputy__{f}" for f in Deputy.PRIVATE_FIELDS))
    return list(qs.order_by("role", "deputy__name", "deputy__pk"))


def directory_counts() -> dict[str, int]:
    return {"deputies": public_deputies().count(), "stations": public_stations().count()}


def area_choices() -> list[tuple[str, str]]:
    """(code, indented name) of the areas a visitor may filter by, as a tree."""
    areas = Area.objects.filter(level__in=FILTER_AREA_LEVELS).order_by("path")
    rows = list(areas.values_list("code", "name", "depth"))
    top = min((depth for _, _, depth in rows), default=0)
    return [(code, "\u3000" * (depth - top) + name) for code, name, depth in rows]


def station_choices() -> list[tuple[str, str]]:
    return list(public_stations().order_by("path").values_list("code", "name"))


def group_choices() -> list[tuple[int, str]]:
    groups = DeputyGroup.objects.select_related("congress").order_by(
        "congress__area__path", "kind", "name"
    )
    return [(g.pk, f"{g.congress.short_name} · {g.name}") for g in groups]


def upcoming_receptions(
    *, station: Station | None = None, deputy: Deputy | None = None, limit: int | None = None
) -> list["Occurrence"]:
    """The next reception days of active stations (the reception module lists only public
    deputies on duty); empty while that module is missing."""
    try:
        from renda.directory.reception import upcoming_reception_days
    except ImportError:
        return []
    occurrences = upcoming_reception_days(station=station, deputy=deputy)
    return occurrences[:limit] if limit else occurrences
