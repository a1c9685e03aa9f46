"""Schemathesis reads the published OpenAPI document of /api/v1/ from the WSGI application and
sends every operation inputs generated from it, valid and not; none may cause a server error.

The examples are derandomised, so a run repeats the previous one and a failure reproduces, and
bounded, so the whole file takes well under a minute.
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from renda.directory.testing import build_world
from renda.opinions import services
from renda.opinions.models import Opinion

EXAMPLES = 150
CLIENT = {"REMOTE_ADDR": "192.0.2.10"}
NUL = "a\x00b"
JURISDICTION = "230108000000"


# Loaded when the module is collected: reading the document touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def connection_kept():
    """The test's transaction holds the database connection: a request, here called straight
    on the WSGI handler, must not close it at its end (Django's test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(db, connection_kept):
    """Real rows, so that generated codes sometimes meet existing stations and items."""
    world = build_world()
    for station in ("xingjian", "youxie"):
        services.opinion_submit(
            congress=world.congresses["pingfang"], channel=Opinion.Channel.WEB,
            type_code="help", title="小区路灯不亮", content="兴建路 8 号小区路灯坏了一个月。",
            addressed_station=world.stations[station])
    return world


@schema.parametrize()
@pytest.mark.usefixtures("world")
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case):
    # Every WSGI server sets REMOTE_ADDR (the rate limits read it); Werkzeug's client does not.
    case.call_and_validate(checks=[not_a_server_error], environ_base=CLIENT)


def test_every_operation_is_fuzzed():
    """A new router is picked up without touching this file; this lists what is covered."""
    operations = {op.ok().label for op in schema.get_all_operations()}
    assert {"GET /api/v1/directory/stations", "GET /api/v1/directory/deputies",
            "GET /api/v1/directory/stations/{code}", "GET /api/v1/opinions/types",
            "POST /api/v1/opinions/track"} <= operations


class HostileInputTest(TestCase):
    """Inputs random generation seldom reaches, pinned: a NUL character (which PostgreSQL text
    cannot hold) in every kind of argument, and numbers past a bigint. Each request runs in
    its own savepoint, so that one failure on PostgreSQL cannot hide the next."""

    REQUESTS = [
        ("get", "/api/v1/directory/stations", {"q": NUL}),
        ("get", "/api/v1/directory/stations", {"area": NUL, "kind": NUL}),
        ("get", "/api/v1/directory/stations", {"offset": str(2**70)}),
        ("get", "/api/v1/directory/stations", {"offset": str(2**62), "limit": str(2**70)}),
        ("get", "/api/v1/directory/stations/a%00b", {}),
        ("get", "/api/v1/directory/deputies", {"q": NUL, "area": NUL, "station": NUL}),
        ("get", "/api/v1/directory/deputies", {"group": NUL, "offset": "-1"}),
        ("get", "/api/v1/opinions/types", {"congress": NUL}),
        ("post", "/api/v1/opinions/track", {"tracking_number": NUL, "secret": NUL}),
        ("get", "/open311/v2/services.json", {"jurisdiction_id": NUL}),
        ("get", "/open311/v2/services/a%00b.json", {"jurisdiction_id": JURISDICTION}),
        ("get", "/open311/v2/requests/a%00b.xml", {"jurisdiction_id": JURISDICTION}),
        ("get", "/open311/v2/tokens/a%00b.json", {"jurisdiction_id": JURISDICTION}),
        ("get", "/open311/v2/requests.json", {"api_key": NUL}),
        ("get", "/open311/v2/requests.json", {"jurisdiction_id": JURISDICTION,
                                              "service_code": NUL, "status": NUL,
                                              "service_request_id": NUL}),
        ("get", "/open311/v2/requests.json", {"jurisdiction_id": JURISDICTION,
                                              "start_date": "9999-12-31T23:59:59+14:00"}),
        ("post", "/open311/v2/requests.json", {"api_key": NUL, "service_code": NUL}),
    ]

    @classmethod
    def setUpTestData(cls):
        build_world()

    def test_no_server_error(self):
        for method, path, params in self.REQUESTS:
            with self.subTest(method=method, path=path, params=params), transaction.atomic():
                if method == "post" and path.startswith("/api/"):
                    response = self.client.post(path, json.dumps(params),
                                                content_type="application/json")
                else:
                    response = getattr(self.client, method)(path, params)
                self.assertLess(response.status_code, 500)
                self.assertGreaterEqual(response.status_code, 400)
