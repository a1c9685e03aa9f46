"""The assignment sheet (交办单) and the reply letter (答复函) as PDFs: who may download them,
what they say, and that they carry Noto Sans SC embedded (a server without Chinese fonts must
still print them)."""

import datetime
import io

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from renda.directory.tests.test_cards import embedded_fonts
from renda.suggestions.tests.factories import HandlingTestCase, deputy_account

A4_POINTS = (595.28, 841.89)


@time_machine.travel("2026-09-28 10:00 +0800", tick=False)
class PdfTest(HandlingTestCase):
    def get_pdf(self, url: str) -> PdfReader:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        return PdfReader(io.BytesIO(response.content))

    def text(self, reader: PdfReader) -> str:
        return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace(
            "\n", "")

    def assert_embeds_noto(self, reader: PdfReader) -> None:
        fonts = embedded_fonts(reader)
        self.assertTrue(fonts)
        # WeasyPrint names the subset after the family: "/ABCDEF+Noto-Sans-SC-Bold".
        self.assertTrue(all("NotoSansSC" in name.replace("-", "") for name in fonts), fonts)

    def sheet_url(self, suggestion) -> str:
        return reverse("suggestions:assignment_sheet", args=[suggestion.pk])

    def test_the_assignment_sheet(self):
        suggestion = self.assigned(cosigners=("li",))
        self.client.force_login(self.office)
        reader = self.get_pdf(self.sheet_url(suggestion))
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width), A4_POINTS[0], delta=1)
        self.assertAlmostEqual(float(box.height), A4_POINTS[1], delta=1)
        self.assert_embeds_noto(reader)
        text = self.text(reader)
        for expected in ["代表建议交办单", suggestion.code, suggestion.title, "王建国", "李秀英",
                         "平房区住房和城乡建设局", "主办", "平房区卫生健康局", "协办",
                         "2026年12月28日", "2026年10月28日", "交办后7个工作日内",
                         "哈尔滨市平房区人民代表大会常务委员会代表工作机构（盖章）",
                         "二、建议改造期间做好临时供暖保障。"]:
            self.assertIn(expected.replace(" ", ""), text)

    def test_units_on_the_suggestion_download_the_sheet_others_do_not(self):
        suggestion = self.assigned()
        for user, status in ((self.handler, 200), (self.health, 200),
                             (self.world.outsider, 404), (self.world.users["station_staff"],
                                                          404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.sheet_url(suggestion)).status_code, status)
        self.client.force_login(self.office)
        self.assertEqual(self.client.get(self.sheet_url(self.registered())).status_code, 404)

    def reply_b(self, **options):
        suggestion = self.assigned(cosigners=("li",))
        reply = self.reply(self.ready_to_reply(suggestion), "B",
                           promised_date=datetime.date(2027, 6, 30),
                           letter_number="平住建函〔2026〕12号", **options)
        return suggestion, reply

    def test_the_reply_letter_and_its_feedback_form(self):
        suggestion, reply = self.reply_b()
        self.client.force_login(self.handler)
        reader = self.get_pdf(reverse("suggestions:reply_letter", args=[reply.pk]))
        self.assertGreaterEqual(len(reader.pages), 2)
        self.assert_embeds_noto(reader)
        letter = self.text(reader)
        for expected in ["平房区住房和城乡建设局", "平住建函〔2026〕12号", f"对第{suggestion.code}号代表建议的答复",
                         "王建国、李秀英代表：", "一、已将兴建路沿线小区列入管网改造计划。",
                         "二、改造期间设临时供热站。", "2027年6月30日", "签发人：刘局长",
                         "联系人：张科长", "0451-86801111", "抄送：人大常委会代表工作机构"]:
            self.assertIn(expected, letter)
        form = self.text(PdfReaderPages(reader, 1))
        for expected in ["代表建议办理情况反馈表", "满意", "基本满意", "不满意", "见面沟通",
                         "代表签名"]:
            self.assertIn(expected, form)

    def test_who_may_download_the_letter(self):
        _suggestion, reply = self.reply_b()
        url = reverse("suggestions:reply_letter", args=[reply.pk])
        for user, status in ((self.office, 200), (self.world.users["deputy"], 200),
                             (deputy_account(self.world, "li"), 200), (self.head, 200),
                             (self.health, 404), (self.world.outsider, 404),
                             (deputy_account(self.world, "zhao"), 404)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, status)

    def test_the_download_is_named_and_private(self):
        _suggestion, reply = self.reply_b()
        self.client.force_login(self.handler)
        response = self.client.get(reverse("suggestions:reply_letter", args=[reply.pk]))
        self.assertEqual(response["Content-Disposition"],
                         f'attachment; filename="reply-letter-{reply.pk}.pdf"')
        self.assertIn("private", response["Cache-Control"])


class PdfReaderPages:
    """The pages of a reader from `start` on, for `PdfTest.text`."""

    def __init__(self, reader: PdfReader, start: int) -> None:
        self.pages = reader.pages[start:]
