import json
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from renda.directory.models import Deputy, Mandate
from renda.directory.testing import build_world

URL = "/api/popolo.json"
POPOLO_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}){0,2}$")  # the spec's date pattern
REQUIRED = {
    "persons": {"id", "name"},
    "organizations": {"id", "name", "classification"},
    "memberships": {"id", "person_id", "organization_id"},
    "areas": {"id", "name"},
}


class PopoloTest(TestCase):
    def setUp(self):
        self.world = build_world()
        self.wang = self.world.deputies["wang"]
        self.wang.birth_year = 1975
        self.wang.save()

    def fetch(self) -> dict:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()

    def test_it_has_the_four_collections_with_required_keys(self):
        data = self.fetch()
        self.assertEqual(set(data), set(REQUIRED))
        for collection, keys in REQUIRED.items():
            with self.subTest(collection=collection):
                self.assertTrue(data[collection])
                for item in data[collection]:
                    self.assertLessEqual(keys, set(item))
                ids = [item["id"] for item in data[collection]]
                self.assertEqual(len(ids), len(set(ids)))

    def test_every_reference_resolves(self):
        data = self.fetch()
        persons = {p["id"] for p in data["persons"]}
        organizations = {o["id"] for o in data["organizations"]}
        areas = {a["id"] for a in data["areas"]}
        for membership in data["memberships"]:
            self.assertIn(membership["person_id"], persons)
            self.assertIn(membership["organization_id"], organizations)
            if "area_id" in membership:
                self.assertIn(membership["area_id"], areas)
        for organization in data["organizations"]:
            self.assertIn(organization.get("parent_id", next(iter(organizations))), organizations)
            self.assertIn(organization.get("area_id", next(iter(areas))), areas)
        for area in data["areas"]:
            self.assertIn(area.get("parent_id", area["id"]), areas)

    def test_people_congresses_and_mandates(self):
        data = self.fetch()
        person = next(p for p in data["persons"] if p["id"] == f"person/{self.wang.pk}")
        self.assertEqual(person["name"], "王建国")
        self.assertEqual(person["gender"], "male")
        self.assertEqual(person["birth_date"], "1975")
        self.assertTrue(person["links"][0]["url"].endswith(self.wang.get_absolute_url()))
        congress = self.world.congresses["pingfang"]
        organization = next(o for o in data["organizations"]
                            if o["id"] == f"organization/congress-{congress.pk}")
        self.assertEqual(organization["classification"], "legislature")
        mandates = [m for m in data["memberships"] if m["person_id"] == person["id"]
                    and m["id"].startswith("membership/mandate-")]
        self.assertEqual(len(mandates), 2)  # 平房区 and the city: one person, two congresses
        self.assertEqual({m["role"] for m in mandates}, {"代表"})
        for membership in data["memberships"]:
            for key in ("start_date", "end_date"):
                if key in membership:
                    self.assertRegex(membership[key], POPOLO_DATE)
        classifications = {o["classification"] for o in data["organizations"]}
        self.assertLessEqual({"legislature", "committee", "executive"}, classifications)
        area = next(a for a in data["areas"] if a["name"] == "平房区")
        self.assertEqual((area["identifier"], area["classification"]), ("230108000000", "district"))

    def test_no_private_data_in_the_bytes(self):
        body = self.client.get(URL).content.decode()
        for deputy in Deputy.objects.all():
            for field in Deputy.PRIVATE_FIELDS:
                self.assertNotIn(getattr(deputy, field), body)
        for key in ("mobile", "id_number", "home_address", "手机"):
            self.assertNotIn(key, body)

    def test_hidden_deputies_are_left_out_with_their_memberships(self):
        li = self.world.deputies["li"]
        li.is_public = False
        li.save()
        data = self.fetch()
        self.assertNotIn(f"person/{li.pk}", {p["id"] for p in data["persons"]})
        self.assertNotIn(f"person/{li.pk}", {m["person_id"] for m in data["memberships"]})
        self.assertNotIn("李秀英", json.dumps(data, ensure_ascii=False))

    def test_queries_do_not_grow_with_deputies(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(URL)
            return len(queries)

        before = count()
        term = self.world.terms["pingfang"]
        for n in range(5):
            deputy = Deputy.objects.create(name=f"新代表{n}", gender="female")
            Mandate.objects.create(deputy=deputy, term=term, start_date=term.start_date)
        self.assertEqual(count(), before)
