"""Per-congress settings: a registered default, overridden from an effective date."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from renda.directory.models import CongressSetting
from renda.directory.selectors import setting_value
from renda.directory.testing import build_world

D = datetime.date
KEY = "directory.reception_notice_days"


class SettingValueTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.pingfang = cls.world.congresses["pingfang"]
        cls.songbei = cls.world.congresses["songbei"]

    def test_the_seeded_default_applies_without_a_row(self):
        self.assertEqual(setting_value(congress=self.pingfang, key=KEY), 3)

    def test_a_row_applies_from_its_effective_date(self):
        CongressSetting.objects.create(congress=self.pingfang, key=KEY, value=5,
                                       effective_from=D(2026, 1, 1))
        CongressSetting.objects.create(congress=self.pingfang, key=KEY, value=7,
                                       effective_from=D(2027, 1, 1))
        self.assertEqual(setting_value(congress=self.pingfang, key=KEY, on=D(2025, 12, 31)), 3)
        self.assertEqual(setting_value(congress=self.pingfang, key=KEY, on=D(2026, 6, 1)), 5)
        self.assertEqual(setting_value(congress=self.pingfang, key=KEY, on=D(2027, 1, 1)), 7)
        # Another congress keeps the default.
        self.assertEqual(setting_value(congress=self.songbei, key=KEY, on=D(2026, 6, 1)), 3)

    def test_an_unknown_key_is_an_error(self):
        with self.assertRaises(KeyError):
            setting_value(congress=self.pingfang, key="directory.nonexistent")

    def test_validation_refuses_unknown_keys_and_wrong_types(self):
        for key, value, field in [("directory.nonexistent", 1, "key"), (KEY, "three", "value"),
                                  (KEY, True, "value"), (KEY, {"amount": 3}, "value")]:
            row = CongressSetting(congress=self.pingfang, key=key, value=value,
                                  effective_from=D(2026, 1, 1))
            with self.subTest(key=key, value=value), self.assertRaises(ValidationError) as caught:
                row.full_clean()
            self.assertIn(field, caught.exception.message_dict)

    def test_the_back_office_offers_the_registered_keys(self):
        self.client.force_login(self.world.users["office_staff"])
        user = self.world.users["office_staff"]
        user.is_staff = True
        user.save()
        response = self.client.get(reverse("admin:directory_congresssetting_add"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'value="{KEY}"')
        self.assertContains(response, "接待日提前公告天数")
