import datetime

import time_machine
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from renda.directory.testing import build_world


class RosterRateLimitTest(TestCase):
    def setUp(self):
        cache.clear()
        world = build_world()
        self.office = world.users["office_staff"]
        self.office.is_staff = True
        self.office.save()

    def tearDown(self):
        cache.clear()

    def test_uploads_are_rate_limited_per_person(self):
        self.client.force_login(self.office)
        url = reverse("admin:directory_deputy_roster_import")
        # Rate-limit windows are aligned to the clock's minute: stay inside one.
        with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, 5, tzinfo=datetime.UTC),
                                 tick=False):
            statuses = [self.client.post(url, {}).status_code for _ in range(21)]
        self.assertEqual(statuses[:20], [200] * 20)  # the form comes back with its errors
        self.assertEqual(statuses[20], 429)
        self.assertEqual(self.client.get(url).status_code, 200)  # reading is never limited
