"""Read-only public API of the directory, under /api/v1/directory/.

Only what the public pages show: the reads go through `renda.directory.public`, which never
loads a deputy's private fields, and the Out schemas name every field they return.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from renda.api import ErrorOut, InSchema, Pagination
from renda.directory.models import Deputy, Station
from renda.directory.public import (
    DeputyFilters,
    StationFilters,
    deputy_search,
    station_public_get,
    station_search,
)

router = Router(tags=["directory"])
MAX_LIMIT = 200


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


class StationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    area_code: str = Field(..., alias="area.code")
    area_name: str = Field(..., alias="area.name")
    address: str
    latitude: float | None
    longitude: float | None
    hotline: str
    opening_hours: str
    url: str

    @staticmethod
    def resolve_kind_label(obj: Station) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_url(obj: Station) -> str:
        return _absolute(obj.get_absolute_url())


class DeputyOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_year: int | None
    party: str
    occupation: str
    photo: str | None
    congresses: list[str]
    stations: list[str]
    url: str

    @staticmethod
    def resolve_photo(obj: Deputy) -> str | None:
        return _absolute(obj.photo.url) if obj.photo else None

    @staticmethod
    def resolve_congresses(obj: Deputy) -> list[str]:
        return [str(m.term.congress) for m in obj.active_mandates]

    @staticmethod
    def resolve_stations(obj: Deputy) -> list[str]:
        return [s.code for s in obj.public_stations]

    @staticmethod
    def resolve_url(obj: Deputy) -> str:
        return _absolute(obj.get_absolute_url())


class StationQuery(InSchema):
    q: str = ""
    kind: str = ""
    area: str = Field("", description="区划代码，含下级区划")


class DeputyQuery(InSchema):
    q: str = ""
    area: str = Field("", description="区划代码，含下级区划")
    station: str = Field("", description="联络站编码")
    group: str = Field("", description="代表小组编号")


@router.get("/stations", response=list[StationOut], summary="联络站列表")
@paginate(Pagination, max_limit=MAX_LIMIT)
def station_list(request: HttpRequest, filters: Query[StationQuery]) -> QuerySet[Station]:
    return station_search(filters=StationFilters.from_params(filters.dict()))


@router.get("/stations/{code}", response={200: StationOut, 404: ErrorOut}, summary="联络站")
def station_detail(request: HttpRequest, code: str) -> Any:
    if "\x00" in code:  # no station has one, and PostgreSQL could not even compare it
        raise Http404
    return station_public_get(code=code)


@router.get("/deputies", response=list[DeputyOut], summary="代表名录")
@paginate(Pagination, max_limit=MAX_LIMIT)
def deputy_list(request: HttpRequest, filters: Query[DeputyQuery]) -> QuerySet[Deputy]:
    return deputy_search(filters=DeputyFilters.from_params(filters.dict()))
