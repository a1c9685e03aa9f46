"""Open311 responses in the spec's two formats: JSON, and XML with the spec's element names.

GeoReport v2 maps XML to JSON by the "Spark convention": a plural container holds singular
items (`<services><service>…`), and JSON drops the containers' names. One builder serves both,
with the item names below; the XML is built with ElementTree, so every value is escaped.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

JSON = "json"
XML = "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
MEDIA_TYPES = ["text/xml", "application/json"]
# The element of each item of a list, by the list's element (GeoReport v2, Service Discovery).
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error",
              "attributes": "attribute", "values": "value", "endpoints": "endpoint",
              "formats": "format"}
# Characters XML 1.0 cannot carry even escaped; a citizen's text may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """A refusal in the spec's error format: an HTTP status and one or more descriptions."""

    def __init__(self, status: int, *descriptions: Any) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(text) for text in descriptions]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_NAMES[element.tag]), item)
    else:
        element.text = _text(value)


def xml_bytes(data: Any, *, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="UTF-8", xml_declaration=True)


def render(data: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == XML:
        body = xml_bytes(data, root=root)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(status: int, descriptions: Iterable[str], *, fmt: str) -> HttpResponse:
    """The spec's error list: `[{"code": 403, "description": "…"}]`, `<errors><error>…`."""
    items = [{"code": status, "description": text} for text in descriptions]
    return render(items, fmt=fmt, root="errors", status=status)
