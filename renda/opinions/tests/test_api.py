"""The opinions API under /api/v1/opinions/: the types of a congress, and tracking by number
and secret with the API's one error shape."""

import json
from unittest import mock

from renda.opinions.tests.helpers import OpinionTestCase

BASE = "/api/v1/opinions"


class TypeListTest(OpinionTestCase):
    def test_it_lists_the_types_with_their_deadlines(self):
        data = self.client.get(f"{BASE}/types", {"congress": "230108000000"}).json()
        self.assertEqual([t["code"] for t in data],
                         ["consultation", "help", "proposal", "complaint", "report"])
        self.assertEqual(data[0], {"code": "consultation", "label": "咨询", "deadline": "2wd",
                                   "deadline_label": "2 个工作日"})

    def test_an_unknown_congress_is_not_found(self):
        response = self.client.get(f"{BASE}/types", {"congress": "999"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "未找到该人大", "code": "not_found"})

    def test_the_congress_is_required(self):
        response = self.client.get(f"{BASE}/types")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "validation_error")


class TrackTest(OpinionTestCase):
    def track(self, number: str, secret: str):
        return self.client.post(f"{BASE}/track", json.dumps(
            {"tracking_number": number, "secret": secret}), content_type="application/json")

    def test_it_shows_the_status_timeline_and_confirmed_replies(self):
        opinion, secret = self.opinion_in("confirmed")
        data = self.track(opinion.tracking_number, secret).json()
        self.assertEqual((data["status"], data["status_label"]), ("confirmed", "已反馈"))
        self.assertEqual([r["body"] for r in data["replies"]], ["已更换路灯。"])
        self.assertEqual(data["replies"][0]["unit"], "平房区住房和城乡建设局")
        self.assertEqual([e["label"] for e in data["timeline"]][:2], ["提交", "交办承办单位"])
        self.assertEqual({e["who"] for e in data["timeline"]}, {"反映人", "工作人员"})
        self.assertIsNone(data["due_at"])
        body = json.dumps(data, ensure_ascii=False)
        self.assertNotIn("13904510001", body)
        self.assertNotIn("张三", body)

    def test_a_reply_not_yet_confirmed_is_not_shown(self):
        opinion, secret = self.opinion_in("replied")
        data = self.track(opinion.tracking_number, secret).json()
        self.assertEqual(data["replies"], [])

    def test_a_wrong_secret_and_an_unknown_number_look_the_same(self):
        opinion, _secret = self.submit()
        wrong = self.track(opinion.tracking_number, "guess")
        unknown = self.track("PF2026-999999", "guess")
        self.assertEqual((wrong.status_code, unknown.status_code), (404, 404))
        self.assertEqual(wrong.json(), unknown.json())
        self.assertEqual(wrong.json(), {"detail": "查询编号或查询密码不正确", "code": "not_found"})

    def test_nul_characters_are_invalid_input(self):
        response = self.track("PF\x00", "x\x00")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "validation_error")

    def test_it_is_rate_limited(self):
        opinion, secret = self.submit()
        with mock.patch("renda.opinions.api.TRACK_RATE", "2/m"):
            codes = [self.track(opinion.tracking_number, secret).status_code for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])
