"""Duty registration through the pages, per role: the deputy records his own activities with
photos and sees only his own; a station's staff record for, list and reject the records of
their station's deputies only; a unit handler sees none of it. Every refused input comes back
with its message on the field and what was typed kept."""

import datetime
import io
import shutil
import tempfile
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from renda.core.models import Event
from renda.directory.models import ReceptionDay
from renda.directory.testing import build_world
from renda.duties import services
from renda.duties.models import DutyPhoto, DutyRecord, ScoreCard
from renda.suggestions.tests.test_drafting_base import deputy_user

TITLE = "到兴建街道联络站接待选民"


def png(name: str = "活动.png", color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class RecordViewsTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp()
        cls._media = override_settings(MEDIA_ROOT=cls.media)
        cls._media.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media.disable()
        shutil.rmtree(cls.media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.world = world = build_world()
        cls.pingfang = world.congresses["pingfang"]
        cls.wang, cls.li, cls.zhao = (world.deputies[key] for key in ("wang", "li", "zhao"))
        cls.deputy = world.users["deputy"]
        cls.li_user = deputy_user(world, "li")
        cls.station = world.users["station_staff"]
        cls.office = world.users["office_staff"]
        cls.handler = world.users["unit_handler"]
        cls.today = timezone.localdate()

    def record(self, deputy, actor, *, title: str = TITLE, activity_type: str = "reception",
               photos=()) -> DutyRecord:
        return services.duty_record_create(
            actor=actor, congress=self.pingfang, deputy=deputy, photos=photos,
            data={"activity_type": activity_type, "date": self.today, "title": title,
                  "people_count": 3})

    def form(self, **changes) -> dict:
        data = {"activity_type": "reception", "date": self.today.isoformat(), "title": TITLE,
                "place": "兴建街道人大代表联络站", "participants": "李秀英", "people_count": "6",
                "description": "接待选民六人，反映供暖问题。"}
        data.update(changes)
        return data

    def card_total(self, deputy) -> Decimal:
        return ScoreCard.objects.get(congress=self.pingfang, deputy=deputy,
                                     year=self.today.year).total


class DeputyTests(RecordViewsTestCase):
    def test_it_records_an_activity_with_photos_and_shows_the_points(self):
        self.client.force_login(self.deputy)
        response = self.client.post(reverse("duties:record_new"),
                                    {**self.form(), "photos": [png(), png("第二张.png", "blue")]})
        record = DutyRecord.objects.get(deputy=self.wang)
        self.assertRedirects(response, reverse("duties:record_detail", args=[record.pk]))
        self.assertEqual((record.points, record.people_count, record.recorded_by),
                         (Decimal("2"), 6, self.deputy))
        self.assertEqual(self.card_total(self.wang), Decimal("2"))
        self.assertTrue(Event.objects.filter(action="record", object_id=record.pk).exists())
        page = self.client.get(record.get_absolute_url())
        photos = list(record.photos.order_by("id"))
        self.assertEqual([p.original_name for p in photos], ["活动.png", "第二张.png"])
        for item in photos:
            self.assertContains(page, reverse("duties:photo", args=[item.pk]))
            self.assertNotContains(page, item.file.url)
        self.assertContains(page, "2 分")
        image = self.client.get(reverse("duties:photo", args=[photos[0].pk]))
        self.assertEqual((image.status_code, image["Content-Type"]), (200, "image/png"))
        self.assertEqual(image["Cache-Control"], "private, no-store")

    def test_it_lists_only_his_own_records_of_the_year(self):
        mine = self.record(self.wang, self.deputy, title="王建国的接待")
        self.record(self.li, self.li_user, title="李秀英的接待")
        self.client.force_login(self.deputy)
        response = self.client.get(reverse("duties:mine"))
        self.assertContains(response, "王建国的接待")
        self.assertNotContains(response, "李秀英的接待")
        self.assertContains(response, mine.get_absolute_url())
        last_year = self.client.get(reverse("duties:mine"), {"year": self.today.year - 1})
        self.assertNotContains(last_year, "王建国的接待")

    def test_another_deputys_record_photo_and_edit_page_are_not_found(self):
        theirs = self.record(self.li, self.li_user, photos=[png()])
        photo = theirs.photos.get()
        self.client.force_login(self.deputy)
        for url in (theirs.get_absolute_url(), reverse("duties:record_edit", args=[theirs.pk]),
                    reverse("duties:photo", args=[photo.pk])):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(theirs.get_absolute_url(), {"action": "withdraw"})
        self.assertEqual(response.status_code, 404)
        theirs.refresh_from_db()
        self.assertEqual(theirs.status, DutyRecord.Status.RECORDED)

    def test_a_photo_is_not_served_to_anyone_signed_out(self):
        photo = self.record(self.wang, self.deputy, photos=[png()]).photos.get()
        self.assertEqual(self.client.get(reverse("duties:photo", args=[photo.pk])).status_code,
                         404)

    def test_he_edits_and_withdraws_his_record_and_the_card_follows(self):
        record = self.record(self.wang, self.deputy)
        self.client.force_login(self.deputy)
        response = self.client.post(reverse("duties:record_edit", args=[record.pk]),
                                    self.form(activity_type="inspection", title="视察供暖管网"))
        self.assertRedirects(response, record.get_absolute_url())
        record.refresh_from_db()
        self.assertEqual((record.title, record.points), ("视察供暖管网", Decimal("3")))
        self.assertEqual(self.card_total(self.wang), Decimal("3"))
        response = self.client.post(record.get_absolute_url(),
                                    {"action": "withdraw", "withdraw-reason": "重复登记"})
        self.assertRedirects(response, record.get_absolute_url())
        record.refresh_from_db()
        self.assertEqual((record.status, record.status_note), ("withdrawn", "重复登记"))
        self.assertEqual(self.card_total(self.wang), Decimal("0"))
        self.assertContains(self.client.get(record.get_absolute_url()), "重复登记")

    def test_he_cannot_withdraw_a_deduction_staff_recorded_for_him(self):
        deduction = self.record(self.wang, self.station, activity_type="absence",
                                title="无故缺席代表小组活动")
        self.client.force_login(self.deputy)
        page = self.client.get(deduction.get_absolute_url())
        self.assertContains(page, "无故缺席代表小组活动")
        self.assertNotContains(page, 'value="withdraw"')
        self.client.post(deduction.get_absolute_url(), {"action": "withdraw"})
        deduction.refresh_from_db()
        self.assertEqual(deduction.status, DutyRecord.Status.RECORDED)

    def test_an_automatic_record_links_to_its_source_and_cannot_be_edited(self):
        day = ReceptionDay.objects.get()
        record = DutyRecord.objects.create(
            congress=self.pingfang, deputy=self.wang, activity_type="reception_day",
            date=self.today, title="接待日值班", source=DutyRecord.Source.AUTOMATIC,
            source_key=f"directory.receptionday:{day.pk}:{self.wang.pk}",
            source_type=ContentType.objects.get_for_model(day), source_id=day.pk)
        self.client.force_login(self.deputy)
        page = self.client.get(record.get_absolute_url())
        self.assertContains(page, reverse("directory:station_detail",
                                          args=[day.station.code]))
        self.assertNotContains(page, reverse("duties:record_edit", args=[record.pk]))
        response = self.client.get(reverse("duties:record_edit", args=[record.pk]))
        self.assertRedirects(response, record.get_absolute_url())


class BadInputTests(RecordViewsTestCase):
    def post(self, **changes):
        self.client.force_login(self.deputy)
        photos = changes.pop("photos", [])
        return self.client.post(reverse("duties:record_new"),
                                {**self.form(**changes), "photos": photos})

    def assertKept(self, response, field: str, message: str):
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, " ".join(response.context["form"].errors[field]))
        self.assertContains(response, f'id="id_{field}_error"', status_code=400)
        self.assertContains(response, "接待选民六人，反映供暖问题。", status_code=400)
        self.assertContains(response, f'value="{TITLE}"', status_code=400)
        self.assertFalse(DutyRecord.objects.exists())
        self.assertFalse(DutyPhoto.objects.exists())

    def test_a_future_date(self):
        tomorrow = self.today + datetime.timedelta(days=1)
        self.assertKept(self.post(date=tomorrow.isoformat()), "date", "不能晚于今天")

    def test_a_type_the_system_records_itself(self):
        self.assertKept(self.post(activity_type="reception_day"), "activity_type",
                        "由系统自动记录")

    def test_a_bonus_the_deputy_may_not_give_himself(self):
        self.assertKept(self.post(activity_type="award"), "activity_type", "请选择活动类型")

    def test_a_program_renamed_jpg(self):
        fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200,
                                  content_type="image/jpeg")
        response = self.post(photos=[fake])
        self.assertKept(response, "photos", "只能上传")
        self.assertContains(response, "请重新选择", status_code=400)

    def test_too_many_photos(self):
        response = self.post(photos=[png(f"{n}.png") for n in range(7)])
        self.assertKept(response, "photos", "最多 6 张照片")

    def test_the_same_activity_twice(self):
        self.record(self.wang, self.deputy)
        self.client.force_login(self.deputy)
        response = self.client.post(reverse("duties:record_new"), self.form())
        self.assertEqual(response.status_code, 400)
        self.assertIn("请勿重复登记", " ".join(response.context["form"].errors["title"]))
        self.assertEqual(DutyRecord.objects.count(), 1)

    def test_a_negative_number_of_people(self):
        self.assertKept(self.post(people_count="-2"), "people_count", "不能小于 0")


class StaffTests(RecordViewsTestCase):
    def test_station_staff_record_for_their_deputies_only(self):
        self.client.force_login(self.station)
        page = self.client.get(reverse("duties:record_for"))
        names = [label for value, label in page.context["form"].fields["deputy"].choices]
        self.assertEqual(names[1:], ["李秀英", "王建国"])
        response = self.client.post(reverse("duties:record_for"), {
            **self.form(activity_type="award", title="获评优秀代表"), "deputy": self.li.pk,
            "photos": [png()]})
        record = DutyRecord.objects.get()
        self.assertRedirects(response, record.get_absolute_url())
        self.assertEqual((record.deputy, record.points, record.recorded_by),
                         (self.li, Decimal("5"), self.station))
        response = self.client.post(reverse("duties:record_for"),
                                    {**self.form(), "deputy": self.zhao.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("请选择代表", " ".join(response.context["form"].errors["deputy"]))
        self.assertEqual(DutyRecord.objects.count(), 1)

    def test_station_staff_list_and_see_only_their_stations_records(self):
        ours = self.record(self.li, self.li_user, title="李秀英调研")
        theirs = self.record(self.zhao, self.office, title="赵志强调研")
        self.client.force_login(self.station)
        response = self.client.get(reverse("duties:records"))
        self.assertContains(response, "李秀英调研")
        self.assertNotContains(response, "赵志强调研")
        self.assertEqual(self.client.get(theirs.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(ours.get_absolute_url()).status_code, 200)

    def test_the_office_filters_the_list(self):
        self.record(self.li, self.office, title="李秀英接待")
        self.record(self.zhao, self.office, title="赵志强视察", activity_type="inspection")
        withdrawn = self.record(self.wang, self.office, title="王建国撤回的")
        services.duty_record_withdraw(actor=self.office, record_id=withdrawn.pk)
        self.client.force_login(self.office)
        url = reverse("duties:records")
        cases = [({"deputy": self.zhao.pk}, ["赵志强视察"]),
                 ({"activity_type": "reception"}, ["李秀英接待", "王建国撤回的"]),
                 ({"status": "withdrawn"}, ["王建国撤回的"]),
                 ({"source": "automatic"}, []),
                 ({"year": self.today.year - 1}, [])]
        for query, titles in cases:
            with self.subTest(query):
                response = self.client.get(url, query)
                shown = sorted(record.title for record in response.context["rows"])
                self.assertEqual(shown, sorted(titles))

    def test_staff_reject_with_a_reason_and_the_card_drops(self):
        record = self.record(self.wang, self.deputy)
        self.assertEqual(self.card_total(self.wang), Decimal("2"))
        self.client.force_login(self.station)
        response = self.client.post(record.get_absolute_url(),
                                    {"action": "reject", "reject-reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.context["reject_form"].errors)
        response = self.client.post(record.get_absolute_url(),
                                    {"action": "reject", "reject-reason": "没有活动照片和签到表"})
        self.assertRedirects(response, record.get_absolute_url())
        record.refresh_from_db()
        self.assertEqual((record.status, record.points), ("rejected", Decimal("0")))
        self.assertEqual(self.card_total(self.wang), Decimal("0"))
        self.client.force_login(self.deputy)
        self.assertContains(self.client.get(record.get_absolute_url()), "没有活动照片和签到表")

    def test_a_deputy_cannot_reject(self):
        record = self.record(self.wang, self.deputy)
        self.client.force_login(self.deputy)
        self.client.post(record.get_absolute_url(), {"action": "reject",
                                                     "reject-reason": "自己退回"})
        record.refresh_from_db()
        self.assertEqual(record.status, DutyRecord.Status.RECORDED)

    def test_a_unit_handler_meets_only_refusals(self):
        record = self.record(self.wang, self.deputy, photos=[png()])
        self.client.force_login(self.handler)
        for name, status in (("duties:mine", 403), ("duties:record_new", 403),
                             ("duties:records", 403), ("duties:record_for", 403)):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(name)).status_code, status)
        for url in (record.get_absolute_url(),
                    reverse("duties:photo", args=[record.photos.get().pk])):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_list_of_the_office_costs_the_same_for_more_records(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.office)
        for n in range(2):
            self.record(self.li, self.office, title=f"接待 {n}", photos=[png()])
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("duties:records"))
        for n in range(2, 9):
            self.record(self.zhao, self.office, title=f"接待 {n}", photos=[png()])
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(reverse("duties:records"))
        self.assertEqual(len(response.context["rows"]), 9)
