"""Receiving an opinion: validation, tracking numbers per congress and year, the secret, and
idempotent resubmission."""

import datetime

import time_machine
from django.core.exceptions import ValidationError

from renda.core.workflow import events_of
from renda.directory.models import CongressSetting
from renda.opinions import services
from renda.opinions.models import Opinion
from renda.opinions.tests.helpers import MOBILE, OpinionTestCase


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
class TrackingNumberTest(OpinionTestCase):
    def setUp(self):
        CongressSetting.objects.create(congress=self.world.congresses["pingfang"],
                                       key="opinions.tracking_prefix", value="PF",
                                       effective_from=datetime.date(2024, 1, 1))

    def test_it_numbers_items_per_congress_and_year(self):
        numbers = [self.submit()[0].tracking_number for _ in range(3)]
        self.assertEqual(numbers, ["PF2026-000001", "PF2026-000002", "PF2026-000003"])
        songbei = self.world.congresses["songbei"]
        other, _ = self.submit(congress="songbei", station=None, deputy=None)
        self.assertEqual(other.tracking_number, f"RD{songbei.pk}2026-000001")
        with time_machine.travel("2027-01-01 00:30 +0800", tick=False):
            self.assertEqual(self.submit()[0].tracking_number, "PF2027-000001")

    def test_it_logs_the_submission(self):
        opinion, _ = self.submit()
        [event] = events_of(opinion)
        self.assertEqual((event.action, event.from_status, event.to_status, event.actor),
                         ("submit", "", "received", None))
        self.assertEqual(event.data, {"channel": "qr_station"})


class SecretTest(OpinionTestCase):
    def test_only_a_hash_of_the_secret_is_stored(self):
        opinion, secret = self.submit()
        self.assertGreaterEqual(len(secret), 32)
        self.assertNotIn(secret, opinion.secret_hash)
        self.assertEqual(len(opinion.secret_hash), 64)

    def test_the_right_secret_finds_the_item(self):
        opinion, secret = self.submit()
        found = services.opinion_get_by_secret(tracking_number=opinion.tracking_number,
                                               secret=secret)
        self.assertEqual(found, opinion)

    def test_a_wrong_secret_or_number_finds_nothing(self):
        opinion, secret = self.submit()
        other, _ = self.submit()
        for number, guess in [(opinion.tracking_number, "wrong"), (opinion.tracking_number, ""),
                              ("PF2026-999999", secret), (other.tracking_number, secret)]:
            with self.subTest(number=number, guess=guess):
                self.assertIsNone(services.opinion_get_by_secret(tracking_number=number,
                                                                 secret=guess))


class IdempotencyTest(OpinionTestCase):
    def test_a_resubmitted_form_returns_the_same_item_and_no_secret(self):
        first, secret = self.submit(idempotency_key="form-token-1")
        again, again_secret = self.submit(idempotency_key="form-token-1")
        self.assertEqual(again, first)
        self.assertTrue(secret)
        self.assertEqual(again_secret, "")
        self.assertEqual(Opinion.objects.count(), 1)
        self.assertEqual(len(events_of(first)), 1)

    def test_different_keys_or_no_key_make_new_items(self):
        self.submit(idempotency_key="a")
        self.submit(idempotency_key="b")
        self.submit()
        self.submit()
        self.assertEqual(Opinion.objects.count(), 4)

    def test_the_same_key_in_another_congress_is_another_item(self):
        self.submit(idempotency_key="a")
        self.submit(idempotency_key="a", congress="songbei", station=None, deputy=None)
        self.assertEqual(Opinion.objects.count(), 2)


class ValidationTest(OpinionTestCase):
    def test_it_keeps_what_it_is_given_tidied(self):
        opinion, _ = services.opinion_submit(
            congress=self.world.congresses["pingfang"], channel="web", type_code="complaint",
            title="  噪音扰民 ", content="夜间施工\x00噪音。", citizen_mobile="139 0451 0001",
            area=self.world.areas["youxie"], consent_publish=True)
        self.assertEqual((opinion.title, opinion.content, opinion.citizen_mobile),
                         ("噪音扰民", "夜间施工噪音。", MOBILE))
        self.assertFalse(opinion.is_anonymous)
        self.assertTrue(opinion.consent_publish)

    def test_without_name_and_mobile_it_is_anonymous(self):
        opinion, _ = services.opinion_submit(
            congress=self.world.congresses["pingfang"], channel="hotline", type_code="help",
            title="求助", content="内容")
        self.assertTrue(opinion.is_anonymous)

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        pingfang = self.world.congresses["pingfang"]
        base = {"congress": pingfang, "channel": "web", "type_code": "help", "title": "标题",
                "content": "内容"}
        cases = {
            "content": {"content": "字" * 20000},
            "title": {"title": "   "},
            "type_code": {"type_code": "petition"},
            "channel": {"channel": "fax"},
            "citizen_mobile": {"citizen_mobile": "12345"},
            "addressed_station": {"addressed_station": self.world.stations["songbei"]},
            "addressed_deputy": {"addressed_deputy": self.world.deputies["sun"]},
            "area": {"area": self.world.areas["songbei_street"]},
        }
        for field, change in cases.items():
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                services.opinion_submit(**{**base, **change})
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(Opinion.objects.count(), 0)

    def test_the_types_come_from_the_congress_setting(self):
        CongressSetting.objects.create(
            congress=self.world.congresses["pingfang"], key="opinions.types",
            value=[{"code": "urgent", "label": "紧急", "deadline": "1wd"}],
            effective_from=datetime.date(2024, 1, 1))
        self.submit(type_code="urgent")
        with self.assertRaises(ValidationError):
            self.submit(type_code="help")
