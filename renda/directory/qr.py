"""QR codes for deputies and stations (扫码联): they encode the absolute address of the public
page, which is printed on paper and posted on walls, so it must never change."""

import io
from typing import Protocol

import segno
from django.conf import settings

PNG_SCALE = 10  # pixels per module: a version 3 code comes out at 370 px, sharp when printed
SVG_SCALE = 4
BORDER = 4  # the quiet zone the standard asks for


class HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


def page_url(obj: HasPage) -> str:
    """The absolute address of an object's public page, on the configured site."""
    return settings.SITE_URL + obj.get_absolute_url()


def qr_code(obj: HasPage) -> segno.QRCode:
    # Error correction at least M (segno raises it when that costs no extra size), so that a
    # worn or smudged paper code still reads.
    return segno.make(page_url(obj), error="m", micro=False)


def qr_svg(obj: HasPage) -> bytes:
    buffer = io.BytesIO()
    qr_code(obj).save(buffer, kind="svg", scale=SVG_SCALE, border=BORDER, xmldecl=True)
    return buffer.getvalue()


def qr_png(obj: HasPage) -> bytes:
    buffer = io.BytesIO()
    qr_code(obj).save(buffer, kind="png", scale=PNG_SCALE, border=BORDER)
    return buffer.getvalue()


def qr_svg_data_uri(obj: HasPage) -> str:
    """The code as an SVG data: URI, for a PDF or a page that scales it with CSS."""
    return qr_code(obj).svg_data_uri(scale=1, border=BORDER)
