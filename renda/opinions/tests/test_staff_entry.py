"""Staff enter items received by hotline, at a reception day or from 12345: addressed within
their own scope, recorded with the channel and the staff member, the secret shown once, and bad
input refused with nothing stored."""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from renda.accounts.models import User
from renda.core.models import Event
from renda.core.workflow import events_of
from renda.opinions import services
from renda.opinions.models import Opinion, OpinionAttachment
from renda.opinions.staff_entry import opinion_enter
from renda.opinions.tests.helpers import OpinionTestCase
from renda.opinions.tests.test_attachments import (
    EXE,
    TempMediaMixin,
    big_file,
    pdf_bytes,
    upload,
)

ENTRY = reverse("opinions:staff_entry")


class StaffEntryTestCase(TempMediaMixin, OpinionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users, stations = cls.world.users, cls.world.stations
        cls.station_staff, cls.deputy = users["station_staff"], users["deputy"]
        cls.xingjian, cls.youxie = stations["xingjian"], stations["youxie"]
        cls.wang, cls.li = cls.world.deputies["wang"], cls.world.deputies["li"]

    def as_(self, user: User) -> None:
        self.client.force_login(user)

    def fields(self, **overrides):
        """What staff type, with the idempotency key of a freshly rendered form."""
        form = self.client.get(ENTRY).context["form"]
        data = {"channel": "hotline", "station": self.xingjian.pk, "type_code": "help",
                "title": "小区路灯不亮", "content": "来电反映兴建路 8 号路灯坏了一个月。",
                "citizen_name": "张三", "citizen_mobile": "139 0451 0009",
                "idempotency_key": form["idempotency_key"].value()}
        return {**data, **overrides}

    def post(self, files=(), **overrides):
        return self.client.post(ENTRY, {**self.fields(**overrides), "attachments": list(files)})


class AccessTest(StaffEntryTestCase):
    def test_roles_that_triage_open_the_form(self):
        for user in (self.station_staff, self.deputy, self.office):
            with self.subTest(user=user.username):
                self.as_(user)
                self.assertContains(self.client.get(ENTRY), 'enctype="multipart/form-data"')

    def test_other_roles_are_refused(self):
        for key in ("unit_handler", "leader", "evaluator"):
            with self.subTest(role=key):
                self.as_(self.world.users[key])
                self.assertEqual(self.client.get(ENTRY).status_code, 403)
                self.assertEqual(self.client.post(ENTRY, {}).status_code, 403)
        self.as_(User.objects.create_user(username="nobody"))
        self.assertEqual(self.client.get(ENTRY).status_code, 403)

    def test_anonymous_visitors_are_sent_to_login(self):
        response = self.client.get(ENTRY)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_station_staff_address_only_their_station(self):
        self.as_(self.station_staff)
        form = self.client.get(ENTRY).context["form"]
        self.assertEqual(list(form.fields["station"].queryset), [self.xingjian])
        self.assertEqual(set(form.fields["deputy"].queryset), {self.wang, self.li})
        self.assertEqual(form["station"].value(), self.xingjian.pk)
        response = self.post(station=self.youxie.pk)
        self.assertContains(response, "请选择联络站")
        self.assertFalse(Opinion.objects.exists())

    def test_a_deputy_addresses_himself(self):
        self.as_(self.deputy)
        form = self.client.get(ENTRY).context["form"]
        self.assertEqual(list(form.fields["deputy"].queryset), [self.wang])
        self.assertTrue(form.fields["deputy"].required)
        response = self.post(deputy=self.li.pk)
        self.assertContains(response, "请从列表中选择代表")
        response = self.post(deputy="")
        self.assertContains(response, 'id="id_deputy_error"')
        self.assertFalse(Opinion.objects.exists())

    def test_the_office_addresses_any_station_of_its_congress(self):
        self.as_(self.office)
        form = self.client.get(ENTRY).context["form"]
        self.assertEqual(list(form.fields["station"].queryset), [self.xingjian, self.youxie])
        self.as_(self.world.outsider)
        form = self.client.get(ENTRY).context["form"]
        self.assertEqual([s.code for s in form.fields["station"].queryset], ["SB-SB-01"])

    def test_the_deputy_must_be_at_the_station(self):
        self.as_(self.office)
        response = self.post(station=self.youxie.pk, deputy=self.wang.pk)
        self.assertContains(response, "该代表不在所选联络站")
        self.assertFalse(Opinion.objects.exists())

    def test_the_service_refuses_an_item_the_actor_could_not_triage(self):
        with self.assertRaises(PermissionDenied):
            opinion_enter(actor=self.station_staff, files=[],
                          congress=self.world.congresses["pingfang"], channel="hotline",
                          type_code="help", title="路灯", content="路灯坏了",
                          addressed_station=self.youxie)
        self.assertNothingStored()


class EntryTest(StaffEntryTestCase):
    def test_station_staff_enter_a_hotline_call(self):
        self.as_(self.station_staff)
        response = self.post([upload("现场.png")], deputy=self.wang.pk, address="兴建路 8 号",
                             consent_publish="on")
        opinion = Opinion.objects.get()
        self.assertRedirects(response, reverse("opinions:staff_entry_done", args=[opinion.pk]))
        self.assertEqual(
            (opinion.channel, opinion.addressed_station, opinion.addressed_deputy,
             opinion.citizen_mobile, opinion.address, opinion.consent_publish,
             opinion.mobile_verified_at),
            ("hotline", self.xingjian, self.wang, "13904510009", "兴建路 8 号", True, None))
        submit = events_of(opinion).get(action="submit")
        self.assertEqual((submit.actor, submit.data["channel"]), (self.station_staff, "hotline"))
        attachment = opinion.attachments.get()
        self.assertEqual(attachment.uploaded_by, self.station_staff)

    def test_the_secret_is_shown_once_then_the_item_page(self):
        self.as_(self.station_staff)
        done = self.client.get(self.post()["Location"])
        opinion = Opinion.objects.get()
        self.assertContains(done, opinion.tracking_number)
        secret = re.search(r'<code class="secret">([^<]+)</code>', done.content.decode()).group(1)
        self.assertEqual(services.opinion_get_by_secret(
            tracking_number=opinion.tracking_number, secret=secret), opinion)
        self.assertContains(done, f"?s={secret}")
        self.assertEqual(done["Cache-Control"].count("no-store"), 1)
        again = self.client.get(reverse("opinions:staff_entry_done", args=[opinion.pk]),
                                follow=True)
        self.assertRedirects(again, reverse("opinions:staff_detail", args=[opinion.pk]))
        self.assertNotContains(again, secret)
        self.assertContains(again, "查询密码只在登记后显示一次")

    def test_the_done_page_of_an_item_out_of_scope_is_not_found(self):
        self.as_(self.office)
        self.client.get(self.post(station=self.youxie.pk)["Location"])
        opinion = Opinion.objects.get()
        self.as_(self.station_staff)
        url = reverse("opinions:staff_entry_done", args=[opinion.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_deputy_enters_what_was_raised_at_a_reception_day(self):
        self.as_(self.deputy)
        day = timezone.localdate() - datetime.timedelta(days=3)
        self.post(channel="reception_day", deputy=self.wang.pk,
                  reception_date=day.isoformat())
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.channel, opinion.addressed_deputy), ("reception_day", self.wang))
        event = events_of(opinion).get(action="reception_day")
        self.assertEqual((event.actor, event.data), (self.deputy, {"date": day.isoformat()}))
        self.assertIn(day.isoformat(), event.note)

    def test_a_12345_transfer_entered_by_the_office(self):
        self.as_(self.office)
        self.post(channel="hotline_12345", station=self.youxie.pk, citizen_name="",
                  citizen_mobile="")
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.channel, opinion.addressed_station, opinion.is_anonymous),
                         ("hotline_12345", self.youxie, True))

    def test_only_staff_channels_are_offered(self):
        self.as_(self.station_staff)
        form = self.client.get(ENTRY).context["form"]
        self.assertEqual([value for value, _label in form.fields["channel"].choices],
                         ["hotline", "reception_day", "hotline_12345", "other"])
        response = self.post(channel="web")
        self.assertContains(response, "请选择受理渠道")
        self.assertFalse(Opinion.objects.exists())

    def test_a_double_submit_creates_one_item(self):
        self.as_(self.station_staff)
        data = {**self.fields(), "attachments": [upload()]}
        first = self.client.post(ENTRY, data)
        second = self.client.post(ENTRY, {**data, "attachments": [upload()]})
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(Opinion.objects.count(), 1)
        self.assertEqual(OpinionAttachment.objects.count(), 1)
        self.assertEqual(Event.objects.filter(action="submit").count(), 1)


class BadInputTest(StaffEntryTestCase):
    def setUp(self):
        super().setUp()
        self.as_(self.station_staff)

    def assertRefused(self, response, field, message):  # noqa: N802 (unittest style)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'id="id_{field}_error"')
        self.assertContains(response, message)
        self.assertContains(response, "来电反映兴建路 8 号路灯坏了一个月。")
        self.assertNothingStored()

    def test_missing_fields(self):
        response = self.post([upload()], title="", type_code="")
        self.assertRefused(response, "title", "此项不能为空")
        self.assertContains(response, "请重新选择附件")

    def test_a_10_mb_file(self):
        self.assertRefused(self.post([big_file(10)]), "attachments", "文件不能超过 5 MB")

    def test_a_program_renamed_jpg_and_an_encrypted_pdf(self):
        response = self.post([upload("photo.jpg", EXE, "image/jpeg"),
                              upload("locked.pdf", pdf_bytes(password="x"), "application/pdf")])
        self.assertRefused(response, "attachments", "“photo.jpg”：只能上传")
        self.assertContains(response, "“locked.pdf”：PDF 文件设有密码")

    def test_too_many_files(self):
        response = self.post([upload(f"{n}.png") for n in range(4)])
        self.assertRefused(response, "attachments", "最多上传 3 个附件")

    def test_20000_characters(self):
        response = self.post(title="标题" * 60)
        self.assertRefused(response, "title", "最多 100 个字，现有 120 个字")
        response = self.post(content="长" * 20000)
        self.assertContains(response, "最多 5000 个字，现有 20000 个字")
        self.assertContains(response, 'id="id_content_error"')
        self.assertNothingStored()

    def test_a_wrong_mobile_number(self):
        self.assertRefused(self.post(citizen_mobile="12345"), "citizen_mobile", "11 位手机号码")

    def test_reception_dates_in_the_future_or_with_another_channel(self):
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        response = self.post(channel="reception_day", reception_date=tomorrow)
        self.assertRefused(response, "reception_date", "接待日日期不能晚于今天")
        response = self.post(channel="hotline", reception_date="2026-01-05")
        self.assertRefused(response, "reception_date", "只有渠道为“代表接待日”时才填写")

    def test_script_tags_are_stored_as_text_and_escaped(self):
        script = "<script>alert(1)</script>"
        response = self.post(title=script, content=script)
        opinion = Opinion.objects.get()
        self.assertEqual(opinion.content, script)
        detail = self.client.get(reverse("opinions:staff_detail", args=[opinion.pk]))
        self.assertNotContains(detail, script)
        self.assertContains(detail, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertEqual(response.status_code, 302)


class HomeLinkTest(StaffEntryTestCase):
    def test_the_workbench_links_the_form_when_the_view_says_so(self):
        # accounts' home view decides which opinion links to show (`opinion_links.entry`).
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = self.station_staff
        html = render_to_string("accounts/home.html", {"opinion_links": {"entry": True}},
                                request=request)
        self.assertIn(f'href="{ENTRY}"', html)
