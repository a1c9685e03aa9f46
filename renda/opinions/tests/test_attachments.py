"""Attachments: checked by content, stored with the item or not at all, served only to the
citizen with the secret and to staff in scope, added by staff from the item's page."""

import io
import re
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.models import Event
from renda.core.uploads import check_attachment, check_pdf, clean_file_name, download_name
from renda.directory.testing import build_world
from renda.opinions import attachments, services
from renda.opinions.attachment_views import attachment_panel
from renda.opinions.models import Opinion, OpinionAttachment
from renda.opinions.tests.helpers import OpinionTestCase

MB = 1024 * 1024


# Files -----------------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes(*, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


def upload(name: str = "photo.png", content: bytes | None = None,
           content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content,
                              content_type=content_type)


def big_file(megabytes: float = 10) -> SimpleUploadedFile:
    """Starts like a JPEG: only its size is wrong."""
    content = b"\xff\xd8\xff\xe0" + b"\x00" * int(megabytes * MB)
    return SimpleUploadedFile("big.jpg", content, content_type="image/jpeg")


class TempMediaMixin:
    """A MEDIA_ROOT of the test's own, to see which files a request leaves behind."""

    def setUp(self):
        super().setUp()
        self.media = Path(tempfile.mkdtemp(prefix="renda-media-"))
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=str(self.media))
        media.enable()
        self.addCleanup(media.disable)

    def media_files(self) -> list[Path]:
        return [path for path in self.media.rglob("*") if path.is_file()]

    def assertNothingStored(self):  # noqa: N802 (unittest style)
        self.assertFalse(Opinion.objects.exists())
        self.assertFalse(OpinionAttachment.objects.exists())
        self.assertEqual(self.media_files(), [])


# Checks by content -----------------------------------------------------------------------------


class CheckAttachmentTest(TestCase):
    def check(self, content: bytes, name: str = "file.jpg", max_bytes: int = 5 * MB) -> str:
        return check_attachment(SimpleUploadedFile(name, content), max_bytes=max_bytes)

    def test_it_accepts_real_pictures_made_with_pillow(self):
        for fmt, mime in (("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")):
            with self.subTest(fmt=fmt):
                self.assertEqual(self.check(image_bytes(fmt)), mime)

    def test_a_pdf_named_like_a_photo_is_a_pdf(self):
        self.assertEqual(self.check(pdf_bytes(), name="scan.jpg"), "application/pdf")

    def test_a_program_named_like_a_photo_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "只能上传 JPEG、PNG、WebP 格式的图片或 PDF 文件"):
            self.check(EXE, name="photo.jpg")

    def test_a_script_or_text_is_refused(self):
        for content in (b"<script>alert(1)</script>", b"hello", b""):
            with self.subTest(content=content), self.assertRaises(ValidationError):
                self.check(content)

    def test_a_file_that_only_starts_like_a_picture_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "图片文件已损坏"):
            self.check(image_bytes("PNG")[:40] + b"\x00" * 40, name="a.png")

    def test_an_encrypted_pdf_is_refused_with_a_message(self):
        with self.assertRaisesMessage(ValidationError, "PDF 文件设有密码"):
            self.check(pdf_bytes(password="secret"), name="a.pdf")

    def test_a_broken_pdf_is_refused_with_a_message(self):
        for content in (pdf_bytes()[:200], b"%PDF-1.7\n" + b"garbage " * 50):
            with self.subTest(size=len(content)), \
                    self.assertRaisesMessage(ValidationError, "PDF 文件已损坏"):
                self.check(content, name="a.pdf")

    def test_check_pdf_wants_the_magic_bytes(self):
        with self.assertRaisesMessage(ValidationError, "不是 PDF 文件"):
            check_pdf(SimpleUploadedFile("a.pdf", image_bytes()))

    def test_the_size_limit_comes_first(self):
        with self.assertRaisesMessage(ValidationError, "文件不能超过 1 MB"):
            self.check(b"\x00" * (MB + 1), max_bytes=MB)

    def test_the_file_is_read_from_the_start_afterwards(self):
        file = SimpleUploadedFile("a.pdf", pdf_bytes())
        check_attachment(file, max_bytes=MB)
        self.assertEqual(file.read(5), b"%PDF-")

    def test_names_are_cleaned_and_downloads_get_the_right_extension(self):
        self.assertEqual(clean_file_name("C:\\Users\\x\\照片\r\n.jpg"), "照片.jpg")
        self.assertEqual(clean_file_name("../../etc/passwd"), "passwd")
        self.assertEqual(len(clean_file_name("长" * 300 + ".jpeg")), 200)
        self.assertTrue(clean_file_name("长" * 300 + ".jpeg").endswith(".jpeg"))
        self.assertEqual(download_name("scan.jpg", "application/pdf"), "scan.jpg.pdf")
        self.assertEqual(download_name("photo.JPEG", "image/jpeg"), "photo.JPEG")
        self.assertEqual(download_name("", "image/png"), "附件.png")


class AttachmentsCheckTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = build_world().congresses["pingfang"]

    def test_it_lists_every_refused_file_by_name(self):
        files = [upload("ok.png"), upload("virus.jpg", EXE), big_file(6)]
        with self.assertRaises(ValidationError) as caught:
            attachments.attachments_check(congress=self.congress, files=files)
        messages = caught.exception.message_dict["attachments"]
        self.assertEqual(len(messages), 2)
        self.assertIn("“virus.jpg”：只能上传", messages[0])
        self.assertIn("“big.jpg”：文件不能超过 5 MB", messages[1])

    def test_the_limits_are_the_congress_settings(self):
        from renda.directory.models import CongressSetting

        for key, value in (("opinions.attachment_max_count", 1),
                           ("opinions.attachment_max_mb", 1)):
            CongressSetting.objects.create(congress=self.congress, key=key, value=value,
                                           effective_from="2020-01-01")
        with self.assertRaisesMessage(ValidationError, "最多上传 1 个附件，您选择了 2 个"):
            attachments.attachments_check(congress=self.congress,
                                          files=[upload(), upload("b.png")])
        with self.assertRaisesMessage(ValidationError, "不能超过 1 MB"):
            attachments.attachments_check(congress=self.congress, files=[big_file(1.5)])
        checked = attachments.attachments_check(congress=self.congress, files=[upload()])
        self.assertEqual((checked[0].content_type, len(checked[0].sha256)), ("image/png", 64))


# Storage with the item -------------------------------------------------------------------------


class SubmitWithAttachmentsTest(TempMediaMixin, OpinionTestCase):
    def submit_with(self, files, **extra):
        checked = attachments.attachments_check(congress=self.world.congresses["pingfang"],
                                                files=files)
        world = self.world
        return attachments.opinion_submit_with_attachments(
            files=checked, congress=world.congresses["pingfang"], channel="qr_station",
            type_code="help", title="路灯不亮", content="兴建路 8 号路灯坏了。",
            addressed_station=world.stations["xingjian"], **extra)

    def test_the_files_are_stored_with_the_item_and_logged(self):
        opinion, secret = self.submit_with([upload("路灯.png"), upload("scan.jpg", pdf_bytes())])
        self.assertTrue(secret)
        stored = list(opinion.attachments.order_by("pk"))
        self.assertEqual([(a.original_name, a.content_type) for a in stored],
                         [("路灯.png", "image/png"), ("scan.jpg", "application/pdf")])
        self.assertEqual(len(self.media_files()), 2)
        for attachment in stored:
            # A name of our own making, under the item's month, never the citizen's.
            self.assertRegex(attachment.file.name, r"^opinions/\d{4}/\d{2}/[0-9a-f]{32}\.(png|pdf)$")
            self.assertEqual(attachment.history.count(), 1)
        self.assertEqual(Event.objects.filter(action="attach", object_id=opinion.pk).count(), 2)

    def test_a_failure_inside_the_transaction_removes_the_files_written(self):
        real = attachments.event_append
        calls = []

        def fail_on_second(**kwargs):
            calls.append(kwargs)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            return real(**kwargs)

        with mock.patch.object(attachments, "event_append", fail_on_second), \
                self.assertRaises(RuntimeError):
            self.submit_with([upload("a.png"), upload("b.png")])
        self.assertNothingStored()

    def test_a_repeated_form_adds_no_files(self):
        first, _ = self.submit_with([upload()], idempotency_key="k1")
        again, secret = self.submit_with([upload(), upload("b.png")], idempotency_key="k1")
        self.assertEqual((again, secret), (first, ""))
        self.assertEqual(OpinionAttachment.objects.count(), 1)
        self.assertEqual(len(self.media_files()), 1)

    def test_a_required_permission_is_checked_before_any_file_is_written(self):
        with self.assertRaises(PermissionDenied):
            self.submit_with([upload()], actor=self.handler, require="opinions.triage_opinion")
        self.assertNothingStored()


# Access ----------------------------------------------------------------------------------------


class AccessTestCase(TempMediaMixin, OpinionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        world = cls.world
        cls.youxie_staff = User.objects.create_user(username="youxie")
        RoleAssignment.objects.create(user=cls.youxie_staff, role=Role.STATION_STAFF,
                                      congress=world.congresses["pingfang"],
                                      station=world.stations["youxie"])
        cls.health = User.objects.create_user(username="health")
        RoleAssignment.objects.create(user=cls.health, role=Role.UNIT_HANDLER,
                                      congress=world.congresses["pingfang"],
                                      unit=world.units["health"])

    def setUp(self):
        super().setUp()
        self.opinion, self.secret = self.opinion_in("transferred")
        self.photo = attachments.attachment_add(
            actor=self.office, opinion_id=self.opinion.pk, file=upload("路灯 <b>.png"))
        self.pdf = attachment = attachments.attachment_add(
            actor=self.office, opinion_id=self.opinion.pk, file=upload("scan.jpg", pdf_bytes()))
        self.assertEqual(attachment.content_type, "application/pdf")

    def citizen_get(self, attachment, secret):
        url = reverse("opinions:track_attachment",
                      args=[attachment.opinion.tracking_number, attachment.pk])
        return self.client.get(url, {"s": secret})

    def staff_get(self, attachment, user=None):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(reverse("opinions:staff_attachment", args=[attachment.pk]))


class CitizenAccessTest(AccessTestCase):
    def test_the_citizen_downloads_with_the_secret(self):
        response = self.citizen_get(self.photo, self.secret)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), image_bytes())
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("private", response["Cache-Control"])
        self.assertTrue(response["Content-Disposition"].startswith("inline;"))
        self.assertIn("filename*=utf-8''%E8%B7%AF%E7%81%AF%20%3Cb%3E.png",
                      response["Content-Disposition"])

    def test_a_pdf_is_downloaded_under_a_pdf_name(self):
        response = self.citizen_get(self.pdf, self.secret)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="scan.jpg.pdf"')

    def test_a_wrong_or_missing_secret_or_another_item_is_not_found(self):
        other, other_secret = self.submit()
        for secret in ("guess", "", other_secret):
            with self.subTest(secret=secret):
                self.assertEqual(self.citizen_get(self.photo, secret).status_code, 404)
        url = reverse("opinions:track_attachment", args=[other.tracking_number, self.photo.pk])
        self.assertEqual(self.client.get(url, {"s": other_secret}).status_code, 404)

    def test_the_tracking_page_lists_them_escaped(self):
        url = reverse("opinions:track", args=[self.opinion.tracking_number])
        response = self.client.get(url, {"s": self.secret})
        photo_url = reverse("opinions:track_attachment",
                            args=[self.opinion.tracking_number, self.photo.pk])
        self.assertContains(response, f'src="{photo_url}?s={self.secret}"')
        self.assertContains(response, "路灯 &lt;b&gt;.png")
        self.assertNotContains(response, "路灯 <b>")
        self.assertNotContains(response, "/media/")

    def test_there_is_no_public_media_url(self):
        response = self.client.get(f"/media/{self.photo.file.name}")
        self.assertEqual(response.status_code, 404)


class StaffAccessTest(AccessTestCase):
    def test_staff_in_scope_download(self):
        users = self.world.users
        for user in (self.office, users["station_staff"], users["deputy"], self.handler,
                     users["leader"]):
            with self.subTest(user=user.username):
                response = self.staff_get(self.photo, user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_everyone_else_gets_not_found(self):
        for user in (self.youxie_staff, self.health, self.world.outsider,
                     User.objects.create_user(username="nobody")):
            with self.subTest(user=user.username):
                self.assertEqual(self.staff_get(self.photo, user).status_code, 404)
        self.client.logout()
        self.assertEqual(self.staff_get(self.photo).status_code, 404)

    def test_a_missing_file_is_not_found_rather_than_an_error(self):
        self.photo.file.storage.delete(self.photo.file.name)
        self.assertEqual(self.staff_get(self.photo, self.office).status_code, 404)


class StaffUploadTest(AccessTestCase):
    def post(self, user, *files):
        self.client.force_login(user)
        url = reverse("opinions:staff_attachment_add", args=[self.opinion.pk])
        return self.client.post(url, {"attachments": list(files)}, follow=True)

    def test_staff_in_scope_upload_and_it_is_audited(self):
        response = self.post(self.handler, upload("修好了.jpg", image_bytes("JPEG"),
                                                  "image/jpeg"))
        self.assertContains(response, "已上传 1 个附件")
        self.assertRedirects(response, reverse("opinions:staff_detail", args=[self.opinion.pk])
                             + "#attachments")
        added = OpinionAttachment.objects.latest("pk")
        self.assertEqual((added.uploaded_by, added.content_type), (self.handler, "image/jpeg"))
        self.assertEqual(added.history.get().history_user, self.handler)
        event = Event.objects.filter(action="attach").latest("pk")
        self.assertEqual((event.actor, event.data["attachment"]), (self.handler, added.pk))

    def test_a_bad_file_gets_a_message_and_nothing_is_stored(self):
        before = (OpinionAttachment.objects.count(), len(self.media_files()))
        response = self.post(self.office, upload("ok.png"), upload("virus.jpg", EXE))
        self.assertContains(response, "“virus.jpg”：只能上传")
        self.assertEqual((OpinionAttachment.objects.count(), len(self.media_files())), before)
        response = self.post(self.office)
        self.assertContains(response, "请选择要上传的文件")

    def test_roles_without_the_permission_or_the_scope_are_refused(self):
        self.assertEqual(self.post(self.world.users["deputy"], upload()).status_code, 403)
        for user in (self.youxie_staff, self.health, self.world.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user, upload()).status_code, 404)
        self.assertEqual(OpinionAttachment.objects.count(), 2)

    def test_a_body_past_the_hard_cap_gets_the_413_page(self):
        with override_settings(RENDA_UPLOAD_MAX_REQUEST_MB=1):
            response = self.post(self.office, big_file(2))
        self.assertContains(response, "提交的内容过大", status_code=413)
        self.assertEqual(OpinionAttachment.objects.count(), 2)

    def test_the_csrf_check_still_applies(self):
        self.client.force_login(self.office)
        self.client.handler.enforce_csrf_checks = True
        url = reverse("opinions:staff_attachment_add", args=[self.opinion.pk])
        self.assertEqual(self.client.post(url, {"attachments": [upload()]}).status_code, 403)
        self.assertEqual(OpinionAttachment.objects.count(), 2)


class PanelTest(AccessTestCase):
    def render(self, user):
        request = RequestFactory().get("/")
        request.user = user
        panel = attachment_panel(user=user, opinion=self.opinion)
        return render_to_string("opinions/staff/_attachments.html",
                                {"attachment_panel": panel}, request=request)

    def test_it_links_each_file_and_offers_the_upload_form(self):
        html = self.render(self.office)
        self.assertIn(f'href="{reverse("opinions:staff_attachment", args=[self.photo.pk])}"', html)
        self.assertIn("路灯 &lt;b&gt;.png", html)
        self.assertIn('enctype="multipart/form-data"', html)
        self.assertIn(reverse("opinions:staff_attachment_add", args=[self.opinion.pk]), html)
        self.assertRegex(html, r'<input type="file" name="attachments" accept="[^"]*image/jpeg')

    def test_without_the_permission_it_only_lists(self):
        html = self.render(self.world.users["deputy"])
        self.assertIn("scan.jpg", html)
        self.assertNotIn("<form", html)


class EscapingTest(AccessTestCase):
    def test_script_tags_are_escaped_on_the_staff_page(self):
        script = "<script>alert(1)</script>"
        opinion, _secret = services.opinion_submit(
            congress=self.world.congresses["pingfang"], channel="web", type_code="help",
            title=script, content=script, addressed_station=self.world.stations["xingjian"])
        self.assertEqual(opinion.content, script)
        self.client.force_login(self.office)
        response = self.client.get(reverse("opinions:staff_detail", args=[opinion.pk]))
        self.assertNotContains(response, script)
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


# A citizen on a phone ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_attaches_a_photo_and_sees_it_when_tracking(live_server, settings, tmp_path):
    from playwright.sync_api import sync_playwright

    from renda.opinions.tests.test_public_browser import CHROMIUM_ARGS, PHONE_SCREEN

    settings.MEDIA_ROOT = str(tmp_path)
    station = build_world().stations["xingjian"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", **PHONE_SCREEN).new_page()
        page.goto(f"{live_server.url}/opinions/new/?station={station.code}")
        page.get_by_label("问题类型").select_option("help")
        page.get_by_label("标题").fill("路灯不亮")
        page.get_by_label("具体内容").fill("兴建路 8 号的路灯坏了，照片附后。")
        page.get_by_label("匿名反映").check()
        files = page.get_by_label("照片或 PDF 文件（选填）")
        # Too big a file is caught before it is sent, and the choice cleared.
        files.set_input_files({"name": "huge.jpg", "mimeType": "image/jpeg",
                               "buffer": b"\xff\xd8\xff" + b"\x00" * (6 * MB)})
        page.get_by_text("“huge.jpg”超过 5 MB").wait_for()
        assert files.evaluate("input => input.files.length") == 0
        files.set_input_files({"name": "路灯.jpg", "mimeType": "image/jpeg",
                               "buffer": image_bytes("JPEG", (120, 90))})
        page.get_by_role("button", name="提交", exact=True).click()
        page.get_by_role("heading", name="提交成功").wait_for()
        opinion = Opinion.objects.get()
        assert opinion.attachments.get().content_type == "image/jpeg"
        thumb = page.locator("img.attachment__thumb")
        thumb.wait_for()
        page.wait_for_function("img => img.complete && img.naturalWidth === 120",
                               arg=thumb.element_handle())
        assert "路灯.jpg" in page.locator(".attachments").inner_text()
        assert re.search(r"/opinions/track/[^/]+/attachments/\d+/\?s=",
                         thumb.get_attribute("src"))
        browser.close()
