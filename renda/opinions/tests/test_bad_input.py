"""Bad input on the citizen's form: missing fields, a 10 MB file, a program renamed `.jpg`,
too many files, 20,000 characters, script tags. Each gets a clear message on its field, keeps
what the citizen typed, says that files must be chosen again, and stores nothing: no item, no
attachment row, no file."""

from django.test import override_settings
from django.urls import reverse

from renda.core.models import VerificationCode
from renda.opinions.models import Opinion, OpinionAttachment
from renda.opinions.tests.test_attachments import (
    EXE,
    TempMediaMixin,
    big_file,
    image_bytes,
    pdf_bytes,
    upload,
)
from renda.opinions.tests.test_public_views import CAPTURE, PublicFormTestCase, last_code

AGAIN = "请重新选择附件"


@CAPTURE
class BadInputTest(TempMediaMixin, PublicFormTestCase):
    def setUp(self):
        super().setUp()
        self.form_url = self.url_for()

    def url_for(self):
        return f"{reverse('opinions:new')}?station={self.station.code}"

    def post(self, files=(), **overrides):
        typed = {"anonymous": "on", "title": "我的标题", "content": "兴建路 8 号路灯坏了。"}
        data = self.fields(self.form_url, **{**typed, **overrides})
        return self.client.post(self.form_url, {**data, "attachments": list(files)})

    def assertRefused(self, response, field, message):  # noqa: N802 (unittest style)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'id="id_{field}_error"')
        self.assertContains(response, message)
        self.assertNothingStored()

    def test_missing_fields_keep_the_text_and_ask_for_the_files_again(self):
        response = self.post([upload()], title="", type_code="")
        self.assertRefused(response, "title", "此项不能为空")
        self.assertContains(response, "请选择问题类型")
        self.assertContains(response, "兴建路 8 号路灯坏了。")
        self.assertContains(response, AGAIN)

    def test_a_10_mb_file_is_refused_on_the_field(self):
        response = self.post([big_file(10)])
        self.assertRefused(response, "attachments", "“big.jpg”：文件不能超过 5 MB，请压缩后再上传")
        self.assertContains(response, 'value="我的标题"')
        self.assertContains(response, AGAIN)

    def test_a_program_renamed_jpg_is_refused(self):
        response = self.post([upload("photo.jpg", EXE, "image/jpeg")])
        self.assertRefused(response, "attachments",
                           "“photo.jpg”：只能上传 JPEG、PNG、WebP 格式的图片或 PDF 文件")

    def test_an_encrypted_or_broken_pdf_is_refused(self):
        for name, content, message in (("locked.pdf", pdf_bytes(password="x"), "设有密码"),
                                       ("broken.pdf", pdf_bytes()[:150], "已损坏")):
            with self.subTest(name=name):
                response = self.post([upload(name, content, "application/pdf")])
                self.assertRefused(response, "attachments", message)

    def test_too_many_files_are_refused(self):
        response = self.post([upload(f"{n}.png") for n in range(4)])
        self.assertRefused(response, "attachments", "最多上传 3 个附件，您选择了 4 个")

    def test_one_bad_file_among_good_ones_stores_none_of_them(self):
        response = self.post([upload("a.png"), upload("b.jpg", EXE, "image/jpeg")])
        self.assertRefused(response, "attachments", "“b.jpg”")
        self.assertNotContains(response, "“a.png”")

    def test_20000_characters_are_refused_on_the_field_with_a_photo(self):
        response = self.post([upload()], content="长" * 20000)
        self.assertRefused(response, "content", "最多 5000 个字，现有 20000 个字")
        self.assertContains(response, 'value="我的标题"')
        self.assertContains(response, AGAIN)

    def test_script_tags_are_stored_as_text_and_escaped_everywhere(self):
        script, tag = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
        response = self.post([upload(f"{tag}.png")], title=script, content=script)
        opinion = Opinion.objects.get()
        self.assertEqual((opinion.title, opinion.content), (script, script))
        self.assertEqual(opinion.attachments.get().original_name, f"{tag}.png")
        track = self.client.get(response["Location"])
        self.assertNotContains(track, script)
        self.assertNotContains(track, tag)
        self.assertContains(track, "&lt;script&gt;alert(1)&lt;/script&gt;", count=2)
        self.assertContains(track, "&lt;img src=x onerror=alert(1)&gt;.png")
        self.client.force_login(self.office)
        staff = self.client.get(reverse("opinions:staff_detail", args=[opinion.pk]))
        self.assertNotContains(staff, script)
        self.assertContains(staff, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_a_body_past_the_hard_cap_gets_a_friendly_413(self):
        with override_settings(RENDA_UPLOAD_MAX_REQUEST_MB=2):
            response = self.post([big_file(3)])
        self.assertContains(response, "提交的内容过大", status_code=413)
        self.assertContains(response, "不能超过 2 MB", status_code=413)
        self.assertNothingStored()


@CAPTURE
class GoodFilesTest(TempMediaMixin, PublicFormTestCase):
    def test_photos_and_a_pdf_named_jpg_are_stored_with_the_item(self):
        url = self.url(station=self.station.code)
        files = [upload("a.png"), upload("b.jpg", image_bytes("JPEG"), "image/jpeg"),
                 upload("scan.jpg", pdf_bytes(), "image/jpeg")]
        data = self.fields(url, anonymous="on")
        response = self.client.post(url, {**data, "attachments": files}, follow=True)
        self.assertContains(response, "提交成功")
        opinion = Opinion.objects.get()
        self.assertEqual(sorted(opinion.attachments.values_list("content_type", flat=True)),
                         ["application/pdf", "image/jpeg", "image/png"])
        self.assertEqual(len(self.media_files()), 3)
        self.assertContains(response, "scan.jpg")

    def test_a_refused_file_does_not_spend_the_sms_code(self):
        url = self.url(station=self.station.code)
        data = self.fields(url)
        self.send_code(url, data)
        data["code"] = last_code()
        refused = self.client.post(url, {**data, "attachments": [upload("x.jpg", EXE)]})
        self.assertContains(refused, 'id="id_attachments_error"')
        self.assertFalse(VerificationCode.objects.filter(used_at__isnull=False).exists())
        response = self.client.post(url, {**data, "attachments": [upload()]}, follow=True)
        self.assertContains(response, "提交成功")
        self.assertEqual(Opinion.objects.get().attachments.count(), 1)

    def test_a_wrong_code_stores_no_file(self):
        url = self.url(station=self.station.code)
        data = self.fields(url)
        self.send_code(url, data)
        wrong = "000000" if last_code() != "000000" else "111111"
        response = self.client.post(url, {**data, "code": wrong, "attachments": [upload()]})
        self.assertContains(response, "验证码不正确")
        self.assertContains(response, "请重新选择附件")
        self.assertNothingStored()

    def test_a_double_submit_with_files_creates_one_item_with_its_files(self):
        url = self.url(station=self.station.code)
        data = self.fields(url, anonymous="on")
        first = self.client.post(url, {**data, "attachments": [upload()]})
        second = self.client.post(url, {**data, "attachments": [upload()]})
        self.assertEqual(second["Location"], first["Location"])
        self.assertEqual(Opinion.objects.count(), 1)
        self.assertEqual(OpinionAttachment.objects.count(), 1)
        self.assertEqual(len(self.media_files()), 1)

    def test_the_form_says_what_it_takes(self):
        response = self.client.get(self.url(station=self.station.code))
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "multiple")
        self.assertContains(response, 'accept="image/jpeg,image/png,image/webp,application/pdf')
        self.assertContains(response, "最多 3 个，每个不超过 5 MB")
        self.assertNotContains(response, "请重新选择附件")
