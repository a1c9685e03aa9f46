"""An Open311 client library this project did not write, `georeport` (PyPI, Apache-2.0),
against the running server: it reads the services, a service definition and the requests, in
JSON and in XML. It has no call for posting, so the post is made the way its own calls are
made, with `requests`, form-encoded as the spec says."""

import pytest
import requests
from georeport import GeoReport

from renda.directory.testing import build_world
from renda.opinions.open311.services import open311_client_create
from renda.opinions.tests.open311 import PINGFANG, SONGBEI, assert_valid

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server):
    world = build_world()
    _client, key = open311_client_create(actor=None, congress=world.congresses["pingfang"],
                                         name="城市 App")
    return f"{live_server.url}/open311/v2", key


def _post(root: str, key: str, fmt: str) -> requests.Response:
    response = requests.post(f"{root}/requests.{fmt}", data={
        "api_key": key, "jurisdiction_id": PINGFANG, "service_code": "help",
        "attribute[station]": "PF-XJ-01", "lat": "45.600512", "long": "126.645218",
        "description": "友协大街路灯不亮，晚上很黑。", "first_name": "桂英", "last_name": "刘",
        "phone": "13904519876"}, timeout=10)
    response.raise_for_status()
    return response


def test_georeport_reads_services_and_requests_in_json(server):
    root, key = server
    client = GeoReport(root, jurisdiction=PINGFANG, api_key=key)
    services = client.get_service_list()
    assert_valid(services, "services")
    assert [s["service_code"] for s in services][:2] == ["consultation", "help"]
    definition = client.get_service_definition("help")
    assert_valid(definition, "service_definition")
    assert definition["attributes"][0]["code"] == "station"

    posted = _post(root, key, "json").json()
    assert_valid(posted, "request_post")
    number = posted[0]["service_request_id"]

    listed = client.get_service_requests(status="open", service_code="help")
    assert_valid(listed, "requests")
    assert [r["service_request_id"] for r in listed] == [number]
    one = client.get_service_request(number)
    assert (one["service_request_id"], one["status"], one["service_name"]) == (
        number, "open", "求助")
    assert "description" not in one  # the library reads without the key: the public view
    assert client.get_service_requests(service_request_id=number)[0]["status"] == "open"


def test_georeport_reads_services_and_requests_in_xml(server):
    root, key = server
    client = GeoReport(root, jurisdiction=PINGFANG, output_format="xml")
    services = client.get_service_list()
    assert [s["service_code"] for s in services][:2] == ["consultation", "help"]
    assert services[1]["metadata"] == "true"
    definition = client.get_service_definition("help")
    assert definition["service_code"] == "help"
    values = definition["attributes"]["attribute"]["values"]["value"]
    assert [v["key"] for v in values] == ["PF-XJ-01", "PF-YX-01"]

    first = _post(root, key, "xml")
    assert first.headers["Content-Type"] == "text/xml; charset=utf-8"
    _post(root, key, "xml")
    listed = client.get_service_requests()
    assert len(listed) == 2 and {r["status"] for r in listed} == {"open"}
    number = listed[0]["service_request_id"]
    one = client.get_service_request(number)
    assert (one["service_request_id"], one["service_code"]) == (number, "help")


def test_georeport_reads_another_jurisdiction(server):
    root, _key = server
    client = GeoReport(root, jurisdiction=SONGBEI)
    definition = client.get_service_definition("complaint")
    assert [v["key"] for v in definition["attributes"][0]["values"]] == ["SB-SB-01"]
    assert client.get_service_requests() == []
