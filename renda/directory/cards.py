"""Printable A6 contact cards (卡片联) for deputies and stations, for citizens who do not use
a phone: name, station, hotline, the QR code and the next reception days in large type.

The PDF is drawn by WeasyPrint with Noto Sans SC from the project's own assets (the npm package
`@fontsource/noto-sans-sc`, copied into static/vendor/ by `make assets`), never from the
machine's fonts: a card printed on a server without Chinese fonts would otherwise show boxes.
WeasyPrint may read only those local files; it never goes to the network.
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from renda.directory import public, qr
from renda.directory.models import Deputy, Station
from renda.directory.reception import Occurrence

FONT_STATIC_DIR = "vendor/noto-sans-sc/files"
FONT_PACKAGE_DIR = (
    Path(settings.BASE_DIR) / "node_modules" / "@fontsource" / "noto-sans-sc" / "files"
)
# The "chinese-simplified" subset holds the 8,000 characters of everyday use, Latin included.
# WOFF rather than WOFF2: WeasyPrint unpacks a WOFF in 50 ms, the WOFF2 of this size in 2.4 s.
FONT_FILES = {
    400: "noto-sans-sc-chinese-simplified-400-normal.woff",
    700: "noto-sans-sc-chinese-simplified-700-normal.woff",
}
CARD_CSS = "directory/card.css"
RECEPTIONS_ON_CARD = 3
# What fits on one A6 page above the instructions; the rest is on the page the QR code opens.
STATIONS_ON_CARD = 2
DEPUTIES_ON_CARD = 14


class LocalFileFetcher(URLFetcher):
    """Lets WeasyPrint read data: URIs and files under the given folders, nothing else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.lower().startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"card assets must be local project files, not {url}")
        return super().fetch(url, headers)


def font_path(weight: int) -> Path:
    """The Noto Sans SC file of a weight: the copy in static/vendor/, else node_modules/."""
    name = FONT_FILES[weight]
    found = finders.find(f"{FONT_STATIC_DIR}/{name}")
    if found:
        return Path(found)
    if (FONT_PACKAGE_DIR / name).is_file():
        return FONT_PACKAGE_DIR / name
    raise ImproperlyConfigured(
        f"The card font {name} is missing: run `make assets` "
        "(npm ci, then scripts/build_assets.py) to install Noto Sans SC."
    )


def _card_css_path() -> Path:
    found = finders.find(CARD_CSS)
    if not found:
        raise ImproperlyConfigured(f"static file {CARD_CSS} not found")
    return Path(found)


def render_pdf(*, template: str, context: dict, request: HttpRequest | None = None) -> bytes:
    """Renders an A6 card template to PDF with the project's own fonts and stylesheet."""
    fonts = {weight: font_path(weight) for weight in FONT_FILES}
    css_path = _card_css_path()
    fetcher = LocalFileFetcher([*(p.parent for p in fonts.values()), css_path.parent])
    context = {**context, "font_faces": [(w, p.as_uri()) for w, p in fonts.items()]}
    html = render_to_string(template, context, request=request)
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=css_path.parent.as_uri() + "/", url_fetcher=fetcher)
    stylesheet = CSS(filename=str(css_path), url_fetcher=fetcher, font_config=font_config)
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def _next_receptions(
    *, station: Station | None = None, deputy: Deputy | None = None
) -> list[Occurrence]:
    return public.upcoming_receptions(station=station, deputy=deputy, limit=RECEPTIONS_ON_CARD)


def deputy_card_pdf(*, deputy: Deputy, request: HttpRequest | None = None) -> bytes:
    """The card of a public deputy, as loaded by `public.deputy_public_get()`: never their
    mobile, identity number or home address."""
    stations = deputy.public_stations
    context = {
        "deputy": deputy,
        "mandates": deputy.active_mandates,
        "stations": stations[:STATIONS_ON_CARD],
        "more_stations": max(len(stations) - STATIONS_ON_CARD, 0),
        "receptions": _next_receptions(deputy=deputy),
        "show_station": len(stations) > 1,
        "qr_uri": qr.qr_svg_data_uri(deputy),
        "page_url": qr.page_url(deputy),
    }
    return render_pdf(template="directory/card_deputy.html", context=context, request=request)


def station_card_pdf(*, station: Station, request: HttpRequest | None = None) -> bytes:
    assignments = public.station_public_assignments(station=station)
    context = {
        "station": station,
        "assignments": assignments[:DEPUTIES_ON_CARD],
        "more_deputies": len(assignments) > DEPUTIES_ON_CARD,
        "deputy_count": len(assignments),
        "receptions": _next_receptions(station=station),
        "qr_uri": qr.qr_svg_data_uri(station),
        "page_url": qr.page_url(station),
    }
    return render_pdf(template="directory/card_station.html", context=context, request=request)
