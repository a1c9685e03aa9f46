from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from renda.directory.models import Deputy, Mandate, StationAssignment
from renda.directory.testing import build_world

BASE = "/api/v1/directory"
STATION_KEYS = {"code", "name", "kind", "kind_label", "area_code", "area_name", "address",
                "latitude", "longitude", "hotline", "opening_hours", "url"}
DEPUTY_KEYS = {"id", "name", "gender", "ethnicity", "birth_year", "party", "occupation", "photo",
               "congresses", "stations", "url"}


class DirectoryApiTest(TestCase):
    def setUp(self):
        self.world = build_world()

    def test_it_lists_stations_with_public_fields(self):
        data = self.client.get(f"{BASE}/stations").json()
        self.assertEqual(data["count"], 3)
        self.assertEqual(set(data["items"][0]), STATION_KEYS)
        homes = self.client.get(f"{BASE}/stations", {"kind": "home"}).json()["items"]
        self.assertEqual([s["code"] for s in homes], ["SB-SB-01"])
        in_pingfang = self.client.get(f"{BASE}/stations", {"area": "230108000000"}).json()
        self.assertEqual({s["code"] for s in in_pingfang["items"]}, {"PF-XJ-01", "PF-YX-01"})

    def test_it_shows_one_station(self):
        data = self.client.get(f"{BASE}/stations/PF-XJ-01").json()
        self.assertEqual(data["name"], "兴建街道人大代表联络站")
        self.assertEqual((data["area_code"], data["kind_label"]), ("230108001000", "代表联络站"))
        self.assertEqual(data["latitude"], 45.605)

    def test_not_found_has_the_error_shape(self):
        response = self.client.get(f"{BASE}/stations/NO-SUCH")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "未找到", "code": "not_found"})

    def test_bad_input_has_the_error_shape(self):
        response = self.client.get(f"{BASE}/stations", {"limit": 0})
        self.assertEqual(response.status_code, 422)
        body = response.json()
        self.assertEqual(body["code"], "validation_error")
        self.assertTrue(body["detail"])
        self.assertTrue(body["errors"])

    def test_it_lists_public_deputies_only(self):
        li = self.world.deputies["li"]
        li.is_public = False
        li.save()
        data = self.client.get(f"{BASE}/deputies").json()
        self.assertEqual(set(data["items"][0]), DEPUTY_KEYS)
        self.assertNotIn("李秀英", {d["name"] for d in data["items"]})
        wang = next(d for d in data["items"] if d["name"] == "王建国")
        self.assertEqual(wang["stations"], ["PF-XJ-01"])
        self.assertEqual(len(wang["congresses"]), 2)
        body = self.client.get(f"{BASE}/deputies").content.decode()
        for deputy in Deputy.objects.all():
            self.assertNotIn(deputy.mobile, body)
            self.assertNotIn(deputy.id_number, body)
        self.assertNotIn("home_address", body)

    def test_it_filters_deputies_by_station(self):
        data = self.client.get(f"{BASE}/deputies", {"station": "PF-YX-01"}).json()
        self.assertEqual([d["name"] for d in data["items"]], ["赵志强"])

    def test_deputy_list_queries_do_not_grow(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(f"{BASE}/deputies")
            return len(queries)

        before = count()
        term, station = self.world.terms["pingfang"], self.world.stations["youxie"]
        for n in range(5):
            deputy = Deputy.objects.create(name=f"新代表{n}")
            Mandate.objects.create(deputy=deputy, term=term, start_date=term.start_date)
            StationAssignment.objects.create(station=station, deputy=deputy)
        self.assertEqual(count(), before)

    def test_the_openapi_document_is_published(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        for path in ("/api/v1/directory/stations", "/api/v1/directory/stations/{code}",
                     "/api/v1/directory/deputies"):
            self.assertIn(path, schema["paths"])
        self.assertIn("ErrorOut", schema["components"]["schemas"])
