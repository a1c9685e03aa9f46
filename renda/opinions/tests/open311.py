"""Shared by the Open311 tests: keys issued through the real service, the JSON Schemas written
from the GeoReport v2 text, and the spec's XML element names."""

import functools
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema

from renda.opinions.open311.services import open311_client_create
from renda.opinions.tests.helpers import OpinionTestCase

BASE = "/open311/v2"
PINGFANG = "230108000000"
SONGBEI = "230109000000"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
SCHEMAS = Path(__file__).resolve().parents[1] / "open311" / "schemas"
# GeoReport v2's element names, by parent element.
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"}


@functools.cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def assert_valid(data: Any, name: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(name))
    validator.validate(data)


def xml_root(response: Any, tag: str) -> ET.Element:
    """The parsed body, after checking the declaration, the content type and the root."""
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    assert root.tag == tag, root.tag
    return root


def children(element: ET.Element) -> set[str]:
    return {child.tag for child in element}


class Open311TestCase(OpinionTestCase):
    """The world, and Open311 clients of 平房区 (two), 松北区 and a retired one."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        congresses = cls.world.congresses
        cls.app, cls.key = open311_client_create(actor=None, congress=congresses["pingfang"],
                                                 name="城市 App")
        cls.other_app, cls.other_key = open311_client_create(
            actor=None, congress=congresses["pingfang"], name="12345 平台")
        cls.songbei_app, cls.songbei_key = open311_client_create(
            actor=None, congress=congresses["songbei"], name="松北 App")
        cls.retired, cls.retired_key = open311_client_create(
            actor=None, congress=congresses["pingfang"], name="旧 App")
        cls.retired.is_active = False
        cls.retired.save()

    def post(self, fmt: str = "json", *, key: str | None = None, headers: dict | None = None,
             **params: Any) -> Any:
        data = {"api_key": self.key if key is None else key, "jurisdiction_id": PINGFANG,
                "service_code": "help", "description": "友协大街路灯不亮\n晚上很黑。",
                "lat": "45.600512", "long": "126.645218",
                "address_string": "平房区友协大街 10 号", "first_name": "桂英",
                "last_name": "刘", "phone": "13904519876", **params}
        data = {name: value for name, value in data.items() if value is not None}
        # Form-encoded, as GeoReport v2 posts are.
        return self.client.post(f"{BASE}/requests.{fmt}", urlencode(data), content_type=FORM,
                                headers=headers or {})

    def get(self, path: str, **params: Any) -> Any:
        params.setdefault("jurisdiction_id", PINGFANG)
        params = {name: value for name, value in params.items() if value is not None}
        return self.client.get(f"{BASE}/{path}", params)
