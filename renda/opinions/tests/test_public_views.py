"""The citizen's pages: the form addressed from a QR code, the SMS code, submission without an
account, tracking by secret, rating and reopening."""

import re

from django.test import override_settings
from django.urls import reverse

from renda.core.models import VerificationCode
from renda.core.notifications import Backend, OutgoingMessage
from renda.opinions.models import Opinion
from renda.opinions.tests.helpers import OpinionTestCase

PHONE = "13904510002"
SENT: list[OutgoingMessage] = []


class CapturingBackend(Backend):
    """Keeps every SMS in `SENT` (the live server of the browser test runs in this process)."""

    def send(self, message: OutgoingMessage) -> str:
        SENT.append(message)
        return f"test-{len(SENT)}"


def last_code(phone: str = PHONE) -> str:
    message = next(m for m in reversed(SENT) if m.recipient == phone)
    return re.search(r"验证码是 (\d{6})", message.body).group(1)


CAPTURE = override_settings(RENDA_NOTIFICATION_BACKENDS={
    "sms": f"{__name__}.CapturingBackend", "email": f"{__name__}.CapturingBackend"})


@CAPTURE
class PublicFormTestCase(OpinionTestCase):
    def setUp(self):
        SENT.clear()
        self.station = self.world.stations["xingjian"]
        self.deputy = self.world.deputies["wang"]

    def url(self, **query):
        path = reverse("opinions:new")
        return f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else path

    def fields(self, url, **overrides):
        """What the citizen types, with the idempotency key of a freshly rendered form."""
        key = self.client.get(url).context["form"]["idempotency_key"].value()
        data = {"type_code": "help", "title": "小区路灯不亮", "content": "兴建路 8 号路灯坏了。",
                "citizen_name": "张三", "citizen_mobile": PHONE, "idempotency_key": key,
                "action": "submit"}
        return {**data, **overrides}

    def send_code(self, url, data):
        return self.client.post(url, {**data, "action": "send_code"})

    def submit(self, url, **overrides):
        data = self.fields(url, **overrides)
        self.send_code(url, data)
        return self.client.post(url, {**data, "code": last_code()}, follow=True)


class AddressedFormTest(PublicFormTestCase):
    def test_it_shows_the_station_it_is_addressed_to(self):
        response = self.client.get(self.url(station=self.station.code))
        self.assertContains(response, self.station.name)
        self.assertNotContains(response, 'name="station"')

    def test_it_shows_the_deputy_it_is_addressed_to(self):
        response = self.client.get(self.url(deputy=self.deputy.pk))
        self.assertContains(response, f"反映给人大代表 <strong>{self.deputy.name}</strong>")

    def test_an_unknown_or_hidden_addressee_is_not_found(self):
        self.deputy.is_public = False
        self.deputy.save(update_fields=["is_public"])
        for query in ({"station": "NOPE"}, {"deputy": self.deputy.pk}, {"deputy": "x"}):
            with self.subTest(query=query):
                self.assertEqual(self.client.get(self.url(**query)).status_code, 404)

    def test_without_addressee_the_citizen_picks_a_public_station(self):
        response = self.client.get(self.url())
        self.assertContains(response, f'<option value="{self.station.code}">')


class SendCodeTest(PublicFormTestCase):
    def test_it_sends_a_code_and_keeps_what_was_typed(self):
        url = self.url(station=self.station.code)
        response = self.send_code(url, self.fields(url, title="我的标题"))
        self.assertEqual(VerificationCode.objects.count(), 1)
        self.assertEqual(len(SENT), 1)
        self.assertContains(response, "验证码已发送至 139****0002")
        self.assertContains(response, 'value="我的标题"')
        self.assertNotContains(response, 'role="alert"')
        self.assertFalse(Opinion.objects.exists())

    def test_a_wrong_number_gets_a_message_on_the_field(self):
        url = self.url(station=self.station.code)
        response = self.send_code(url, self.fields(url, citizen_mobile="12345"))
        self.assertContains(response, 'id="id_citizen_mobile_error"')
        self.assertContains(response, "11 位手机号码")
        self.assertFalse(VerificationCode.objects.exists())

    def test_asking_again_too_soon_is_refused_with_a_message(self):
        url = self.url(station=self.station.code)
        data = self.fields(url)
        self.send_code(url, data)
        response = self.send_code(url, data)
        self.assertContains(response, "验证码发送过于频繁")
        self.assertEqual(VerificationCode.objects.count(), 1)


class SubmitTest(PublicFormTestCase):
    def test_from_a_station_qr_code(self):
        response = self.submit(self.url(station=self.station.code))
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.channel, opinion.addressed_station, opinion.addressed_deputy),
                         ("qr_station", self.station, None))
        self.assertEqual((opinion.citizen_mobile, opinion.is_anonymous), (PHONE, False))
        self.assertContains(response, "提交成功")
        self.assertContains(response, opinion.tracking_number)
        self.assertContains(response, "139****0002")
        self.assertNotContains(response, PHONE)
        self.assertIn("?s=", response.context["track_url"])

    def test_from_a_deputy_qr_code(self):
        self.submit(self.url(deputy=self.deputy.pk))
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.channel, opinion.addressed_deputy, opinion.addressed_station,
                          opinion.congress), ("qr_deputy", self.deputy, self.station,
                                              self.station.congress))

    def test_from_the_web_form_with_a_chosen_station(self):
        songbei = self.world.stations["songbei"]
        self.submit(self.url(), station=songbei.code)
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.channel, opinion.addressed_station, opinion.congress),
                         ("web", songbei, songbei.congress))

    def test_a_wrong_code_stores_nothing_and_keeps_what_was_typed(self):
        url = self.url(station=self.station.code)
        data = self.fields(url, title="我的标题")
        self.send_code(url, data)
        wrong = "000000" if last_code() != "000000" else "111111"
        response = self.client.post(url, {**data, "code": wrong})
        self.assertContains(response, 'id="id_code_error"')
        self.assertContains(response, "验证码不正确")
        self.assertContains(response, 'value="我的标题"')
        self.assertFalse(Opinion.objects.exists())

    def test_a_missing_code_or_mobile_is_asked_for(self):
        url = self.url(station=self.station.code)
        response = self.client.post(url, self.fields(url))
        self.assertContains(response, "请先获取并填写短信验证码")
        response = self.client.post(url, self.fields(url, citizen_mobile=""))
        self.assertContains(response, "请填写手机号码，或选择匿名反映")
        self.assertFalse(Opinion.objects.exists())

    def test_a_double_submit_creates_one_item(self):
        url = self.url(station=self.station.code)
        data = self.fields(url)
        self.send_code(url, data)
        data["code"] = last_code()
        first = self.client.post(url, data)
        second = self.client.post(url, data)
        self.assertEqual(Opinion.objects.count(), 1)
        self.assertEqual(first.status_code, 302)
        self.assertEqual(second["Location"], first["Location"])

    def test_a_resubmit_from_another_browser_reveals_no_secret(self):
        url = self.url(station=self.station.code)
        data = self.fields(url)
        self.send_code(url, data)
        data["code"] = last_code()
        self.client.post(url, data)
        self.client.logout()
        self.client.cookies.clear()
        response = self.client.post(url, data, follow=True)
        self.assertEqual(Opinion.objects.count(), 1)
        self.assertContains(response, "该表单已经提交过")
        self.assertNotContains(response, "?s=")

    def test_an_anonymous_submission_needs_no_code(self):
        url = self.url(station=self.station.code)
        response = self.client.post(url, self.fields(url, anonymous="on"), follow=True)
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.is_anonymous, opinion.citizen_name, opinion.citizen_mobile),
                         (True, "", ""))
        self.assertContains(response, "提交成功")
        self.assertEqual(SENT, [])

    def test_20000_characters_get_a_message_and_store_nothing(self):
        url = self.url(station=self.station.code)
        response = self.client.post(url, self.fields(url, anonymous="on", content="长" * 20000))
        self.assertContains(response, "最多 5000 个字，现有 20000 个字")
        self.assertContains(response, 'id="id_content_error"')
        self.assertContains(response, 'aria-describedby="id_content_helptext id_content_error"')
        self.assertContains(response, "小区路灯不亮")
        self.assertFalse(Opinion.objects.exists())

    def test_script_tags_are_stored_as_text_and_escaped(self):
        script = "<script>alert(1)</script>"
        url = self.url(station=self.station.code)
        response = self.client.post(url, self.fields(url, anonymous="on", content=script,
                                                     title=script), follow=True)
        self.assertEqual(Opinion.objects.get().content, script)
        self.assertNotContains(response, script)
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_posts_are_rate_limited_per_address(self):
        url = self.url(station=self.station.code)
        statuses = [self.client.post(url, {}).status_code for _ in range(11)]
        self.assertEqual(statuses[:10], [200] * 10)
        self.assertEqual(statuses[10], 429)


class TrackTest(OpinionTestCase):
    def track(self, opinion, secret=None, **kwargs):
        url = reverse("opinions:track", args=[opinion.tracking_number])
        return self.client.get(url, {"s": secret} if secret is not None else {}, **kwargs)

    def test_with_the_secret_it_shows_status_timeline_and_masked_mobile(self):
        opinion, secret = self.opinion_in("accepted")
        response = self.track(opinion, secret)
        self.assertContains(response, "承办中")
        self.assertContains(response, "交办承办单位 · 工作人员")
        self.assertContains(response, "提交 · 反映人")
        self.assertContains(response, "139****0001")
        self.assertNotContains(response, "13904510001")
        for user in (self.office, self.handler):
            self.assertNotContains(response, user.get_username())
            if user.get_full_name():
                self.assertNotContains(response, user.get_full_name())

    def test_without_or_with_a_wrong_secret_it_shows_nothing(self):
        opinion, _secret = self.opinion_in("confirmed")
        for secret, status in ((None, 200), ("guess", 404), ("", 200)):
            with self.subTest(secret=secret):
                response = self.track(opinion, secret)
                self.assertEqual(response.status_code, status)
                self.assertContains(response, 'name="s"', status_code=status)
                for private in (opinion.title, "139****0001", "已更换路灯", "已反馈"):
                    self.assertNotContains(response, private, status_code=status)
        response = self.track(opinion, "guess")
        self.assertContains(response, "查询编号或查询密码不正确", status_code=404)
        unknown = self.client.get(reverse("opinions:track", args=["NOPE-1"]), {"s": "guess"})
        main = re.compile(r"<main.*</main>", re.S)
        self.assertEqual(main.search(unknown.content.decode()).group(),
                         main.search(response.content.decode()).group())

    def test_the_reply_shows_once_confirmed(self):
        opinion, secret = self.opinion_in("replied")
        self.assertNotContains(self.track(opinion, secret), "已更换路灯")
        opinion, secret = self.opinion_in("confirmed")
        self.assertContains(self.track(opinion, secret), "已更换路灯")

    def test_the_lookup_form_leads_to_the_item(self):
        opinion, secret = self.opinion_in("received")
        url = reverse("opinions:lookup")
        response = self.client.post(url, {"tracking_number": opinion.tracking_number,
                                          "secret": secret})
        self.assertRedirects(response, f"{reverse('opinions:track', args=[opinion.tracking_number])}"
                             f"?s={secret}")
        response = self.client.post(url, {"tracking_number": opinion.tracking_number,
                                          "secret": "guess"})
        self.assertContains(response, "查询编号或查询密码不正确")
        self.assertNotContains(response, opinion.title)


class RateAndReopenTest(OpinionTestCase):
    def post(self, opinion, secret, **data):
        url = reverse("opinions:track", args=[opinion.tracking_number])
        return self.client.post(url, {"s": secret, **data}, follow=True)

    def test_the_citizen_rates_a_confirmed_item(self):
        opinion, secret = self.opinion_in("confirmed")
        response = self.post(opinion, secret, action="rate", rating="satisfied", comment="好")
        opinion.refresh_from_db()
        self.assertEqual((opinion.status, opinion.rating), ("closed", "satisfied"))
        self.assertContains(response, "感谢您的评价")
        self.assertNotContains(response, 'value="rate"')

    def test_a_missing_rating_gets_a_message(self):
        opinion, secret = self.opinion_in("confirmed")
        response = self.post(opinion, secret, action="rate", comment="好")
        self.assertContains(response, "请选择评价")
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, "confirmed")

    def test_a_dissatisfied_citizen_reopens_once(self):
        opinion, secret = self.opinion_in("confirmed")
        response = self.post(opinion, secret, action="rate", rating="dissatisfied")
        self.assertContains(response, 'value="reopen"')
        response = self.post(opinion, secret, action="reopen", reason="路灯还是不亮")
        opinion.refresh_from_db()
        self.assertEqual((opinion.status, opinion.reopened), ("transferred", True))
        self.assertContains(response, "重新办理 · 反映人")
        self.assertNotContains(response, 'value="reopen"')

    def test_a_wrong_secret_changes_nothing(self):
        opinion, _secret = self.opinion_in("confirmed")
        response = self.post(opinion, "guess", action="rate", rating="satisfied")
        self.assertEqual(response.status_code, 404)
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, "confirmed")
