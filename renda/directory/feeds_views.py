"""Files made from the public directory: QR codes, printable contact cards and reception-day
calendars of public deputies and active stations. Anything else is a 404."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from renda.directory import cards, ical, public, qr
from renda.directory.models import Deputy, Station

QR_FORMATS: dict[str, tuple[Callable[[Deputy | Station], bytes], str]] = {
    "svg": (qr.qr_svg, "image/svg+xml"),
    "png": (qr.qr_png, "image/png"),
}
QR_MAX_AGE = 86400  # the code encodes a stable address
FEED_MAX_AGE = 3600


def _deputy(pk: int) -> Deputy:
    try:
        return public.deputy_public_get(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404 from None


def _station(code: str) -> Station:
    try:
        return public.station_public_get(code=code)
    except Station.DoesNotExist:
        raise Http404 from None


def _file_response(
    body: bytes, *, content_type: str, filename: str, max_age: int, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _qr_response(obj: Deputy | Station, fmt: str, stem: str) -> HttpResponse:
    render, content_type = QR_FORMATS[fmt]
    return _file_response(
        render(obj), content_type=content_type, filename=f"{stem}-qr.{fmt}", max_age=QR_MAX_AGE
    )


@require_safe
def deputy_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in QR_FORMATS:
        raise Http404
    return _qr_response(_deputy(pk), fmt, f"deputy-{pk}")


@require_safe
def station_qr(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in QR_FORMATS:
        raise Http404
    station = _station(code)
    return _qr_response(station, fmt, f"station-{station.code}")


@require_safe
def deputy_card(request: HttpRequest, pk: int) -> HttpResponse:
    pdf = cards.deputy_card_pdf(deputy=_deputy(pk), request=request)
    return _file_response(
        pdf, content_type="application/pdf", filename=f"deputy-{pk}-card.pdf", max_age=FEED_MAX_AGE
    )


@require_safe
def station_card(request: HttpRequest, code: str) -> HttpResponse:
    station = _station(code)
    pdf = cards.station_card_pdf(station=station, request=request)
    filename = f"station-{station.code}-card.pdf"
    return _file_response(
        pdf, content_type="application/pdf", filename=filename, max_age=FEED_MAX_AGE
    )


@require_safe
def deputy_ical(request: HttpRequest, pk: int) -> HttpResponse:
    body = ical.deputy_calendar(deputy=_deputy(pk))
    return _calendar_response(body, f"deputy-{pk}-reception.ics")


@require_safe
def station_ical(request: HttpRequest, code: str) -> HttpResponse:
    station = _station(code)
    body = ical.station_calendar(station=station)
    return _calendar_response(body, f"station-{station.code}-reception.ics")


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    # Inline, so that calendar apps subscribing to the address read it as a feed.
    return _file_response(
        body,
        content_type="text/calendar; charset=utf-8",
        filename=filename,
        max_age=FEED_MAX_AGE,
        inline=True,
    )
