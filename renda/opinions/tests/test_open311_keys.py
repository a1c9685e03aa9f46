"""Open311 keys: issued once by the service and by the admin's add form, kept only as a hash,
refused to people without the permission; the demo's fixed key printed by seed_demo."""

import hashlib
from io import StringIO

from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from renda.accounts.models import User
from renda.directory.testing import build_world
from renda.opinions.models import Open311Client, Opinion
from renda.opinions.open311 import demo
from renda.opinions.open311.services import (
    open311_client_create,
    open311_client_create_with_key,
)
from renda.opinions.tests.open311 import BASE, PINGFANG, Open311TestCase

BACKEND = "django.contrib.auth.backends.ModelBackend"


class ClientCreateTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.congress = cls.world.congresses["pingfang"]

    def test_it_returns_the_key_once_and_keeps_its_hash(self):
        client, key = open311_client_create(actor=None, congress=self.congress, name="城市 App")
        self.assertTrue(key.startswith("r311-"))
        self.assertGreater(len(key), 40)
        self.assertEqual(client.key_hash, hashlib.sha256(key.encode()).hexdigest())
        self.assertEqual(client.key_prefix, key[:10])
        stored = Open311Client.objects.values_list(flat=True)
        self.assertNotIn(key, [str(v) for v in stored])
        _other, second = open311_client_create(actor=None, congress=self.congress, name="第二个")
        self.assertNotEqual(key, second)

    def test_a_person_needs_the_permission(self):
        with self.assertRaises(PermissionDenied):
            open311_client_create(actor=self.world.users["office_staff"], congress=self.congress,
                                  name="城市 App")
        root = User.objects.create_superuser("root", "root@example.com", "x")
        client, _key = open311_client_create(actor=root, congress=self.congress, name="城市 App")
        self.assertEqual(client.history.get().history_user, root)

    def test_a_chosen_key_must_not_be_short(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            open311_client_create_with_key(actor=None, congress=self.congress, name="x",
                                           key="short")


class ClientAdminTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.root = User.objects.create_superuser("root", "root@example.com", "x")

    def test_adding_a_client_shows_its_key_once(self):
        self.client.force_login(self.root, backend=BACKEND)
        url = reverse("admin:opinions_open311client_add")
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"congress": self.world.congresses["pingfang"].pk,
                                           "name": "城市 App"}, follow=True)
        self.assertEqual(response.status_code, 200)
        client = Open311Client.objects.get()
        notes = [str(m) for m in get_messages(response.wsgi_request)]
        notes += [str(m) for m in response.context["messages"]]
        key = next(n for n in notes if "api_key" in n).split("：", 1)[1].split(" ")[0]
        self.assertEqual(client.key_hash, hashlib.sha256(key.encode()).hexdigest())
        change = self.client.get(reverse("admin:opinions_open311client_change",
                                         args=[client.pk]))
        self.assertNotContains(change, key)
        self.assertContains(change, client.key_prefix)

    def test_staff_without_the_permission_cannot_add(self):
        office = self.world.users["office_staff"]
        office.is_staff = True
        office.save()
        self.client.force_login(office, backend=BACKEND)
        response = self.client.get(reverse("admin:opinions_open311client_add"))
        self.assertEqual(response.status_code, 403)


class ClientUseTest(Open311TestCase):
    def test_a_retired_client_is_refused_and_its_items_kept(self):
        number = self.post().json()[0]["service_request_id"]
        self.app.is_active = False
        self.app.save()
        self.assertEqual(self.post().status_code, 403)
        self.assertEqual(Opinion.objects.get(tracking_number=number).api_client, self.app)

    def test_reading_with_a_key_notes_its_use(self):
        self.assertIsNone(self.other_app.last_used_at)
        self.client.get(f"{BASE}/requests.json", {"api_key": self.other_key})
        self.other_app.refresh_from_db()
        self.assertIsNotNone(self.other_app.last_used_at)


class DemoKeyTest(TestCase):
    def test_seed_demo_prints_a_working_demo_key(self):
        output = StringIO()
        call_command("seed_demo", stdout=output)
        call_command("seed_demo", stdout=output)  # idempotent
        self.assertIn(f"{demo.DEMO_KEY}", output.getvalue())
        self.assertIn(f"jurisdiction_id={PINGFANG}", output.getvalue())
        self.assertEqual(Open311Client.objects.filter(name=demo.DEMO_NAME).count(), 1)
        posted = Opinion.objects.filter(api_client__name=demo.DEMO_NAME)
        self.assertEqual(posted.count(), len(demo.REQUESTS))
        mine = self.client.get(f"{BASE}/requests.json", {"api_key": demo.DEMO_KEY}).json()
        self.assertEqual(sum(1 for item in mine if "description" in item), len(demo.REQUESTS))

    @override_settings(DEMO=False, TESTING=False, DEBUG=False)
    def test_there_is_no_fixed_key_outside_demo_mode(self):
        build_world()
        self.assertIsNone(demo.seed_open311())
        self.assertFalse(Open311Client.objects.exists())
        self.assertIn("尚无演示接入密钥", demo.demo_key_line())
