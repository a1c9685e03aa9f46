"""Public pages of the directory: home, deputies and stations. Anyone may read them; they show
only what `renda.directory.public` returns, never a deputy's contact or identity details."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from renda.directory import public
from renda.directory.models import Deputy, Station

PAGE_SIZE = 30
HOME_RECEPTIONS = 6
AMAP_MARKER_URL = "https://uri.amap.com/marker"


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "counts": public.directory_counts(),
        "receptions": public.upcoming_receptions(limit=HOME_RECEPTIONS),
    }
    return render(request, "directory/home.html", context)


def deputy_list(request: HttpRequest) -> HttpResponse:
    filters = public.DeputyFilters.from_params(request.GET)
    deputies = public.deputy_search(filters=filters)
    context = {
        "filters": filters,
        "page_obj": Paginator(deputies, PAGE_SIZE).get_page(request.GET.get("page")),
        "area_choices": public.area_choices(),
        "station_choices": public.station_choices(),
        "group_choices": public.group_choices(),
    }
    return render(request, "directory/deputy_list.html", context)


def deputy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        deputy = public.deputy_public_get(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    context = {"deputy": deputy, "receptions": public.upcoming_receptions(deputy=deputy)}
    return render(request, "directory/deputy_detail.html", context)


def station_list(request: HttpRequest) -> HttpResponse:
    filters = public.StationFilters.from_params(request.GET)
    stations = public.station_search(filters=filters)
    context = {
        "filters": filters,
        "page_obj": Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page")),
        "kind_choices": Station.Kind.choices,
        "area_choices": public.area_choices(),
    }
    return render(request, "directory/station_list.html", context)


def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        station = public.station_public_get(code=code)
    except Station.DoesNotExist:
        raise Http404 from None
    context = {
        "station": station,
        "assignments": public.station_public_assignments(station=station),
        "receptions": public.upcoming_receptions(station=station),
        "map_url": _map_url(station),
    }
    return render(request, "directory/station_detail.html", context)


def _map_url(station: Station) -> str | None:
    """A link that opens the station in Amap (a plain link: no external script on our pages)."""
    if station.latitude is None or station.longitude is None:
        return None
    position = f"{station.longitude},{station.latitude}"
    return f"{AMAP_MARKER_URL}?{urlencode({'position': position, 'name': station.name}, safe=',')}"
