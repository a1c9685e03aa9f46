"""Public pages of the directory (placeholder wiring; replaced by the public pages work)."""

from django.http import HttpRequest, HttpResponse


def deputy_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def deputy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


def station_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
