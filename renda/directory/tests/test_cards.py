import io
from pathlib import Path
from unittest import mock

import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from renda.directory import cards
from renda.directory.testing import build_world

A6_POINTS = (297.64, 419.53)  # 105 mm x 148 mm


def embedded_fonts(reader: PdfReader) -> set[str]:
    """The /BaseFont of every font whose program is embedded in the PDF."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor and any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(descendant.get_object()["/BaseFont"]))
    return names


@time_machine.travel("2026-11-24 10:00 +0800", tick=False)
class CardTest(TestCase):
    def setUp(self):
        self.world = build_world()
        self.wang = self.world.deputies["wang"]
        self.li = self.world.deputies["li"]

    def get_pdf(self, url: str) -> tuple[bytes, PdfReader]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        return response.content, PdfReader(io.BytesIO(response.content))

    def text(self, reader: PdfReader) -> str:
        return "".join(page.extract_text() for page in reader.pages).replace(" ", "")

    def test_it_renders_a_deputy_card(self):
        content, reader = self.get_pdf(reverse("directory:deputy_card", args=[self.li.pk]))
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(len(reader.pages), 1)
        text = self.text(reader)
        for expected in [
            "李秀英",
            "平房区人大第十七届",
            "兴建街道人大代表联络站",
            "0451-86801234",
            "12月1日",
            "老旧小区改造专题接待",
            "扫码或拨打联络站热线联系代表",
        ]:
            self.assertIn(expected, text)

    def test_it_is_a6(self):
        _, reader = self.get_pdf(reverse("directory:deputy_card", args=[self.wang.pk]))
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width), A6_POINTS[0], delta=1)
        self.assertAlmostEqual(float(box.height), A6_POINTS[1], delta=1)

    def test_it_embeds_noto_sans_sc(self):
        _, reader = self.get_pdf(reverse("directory:deputy_card", args=[self.wang.pk]))
        fonts = embedded_fonts(reader)
        self.assertTrue(fonts)
        # WeasyPrint names the subset after the family: "/ABCDEF+Noto-Sans-SC-Bold".
        self.assertTrue(all("NotoSansSC" in name.replace("-", "") for name in fonts), fonts)

    def test_it_leaves_out_private_details(self):
        _, reader = self.get_pdf(reverse("directory:deputy_card", args=[self.wang.pk]))
        text = self.text(reader)
        self.assertIn("王建国", text)
        self.assertIn("哈尔滨市人大第十六届", text)
        for private in [self.wang.mobile, self.wang.id_number, "101室"]:
            self.assertNotIn(private, text)

    def test_it_names_the_download(self):
        response = self.client.get(reverse("directory:deputy_card", args=[self.wang.pk]))
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="deputy-{self.wang.pk}-card.pdf"',
        )

    def test_it_renders_a_station_card(self):
        url = reverse("directory:station_card", args=["PF-XJ-01"])
        response = self.client.get(url)
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="station-PF-XJ-01-card.pdf"'
        )
        text = self.text(PdfReader(io.BytesIO(response.content)))
        for expected in [
            "兴建街道人大代表联络站",
            "平房区兴建路12号",
            "0451-86801234",
            "周一至周五8:30-16:30",
            "王建国",
            "李秀英",
            "12月12日",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn(self.wang.mobile, text)

    def test_it_leaves_non_public_deputies_off_the_station_card(self):
        self.wang.is_public = False
        self.wang.save()
        _, reader = self.get_pdf(reverse("directory:station_card", args=["PF-XJ-01"]))
        self.assertNotIn("王建国", self.text(reader))

    def test_it_hides_non_public_deputies_and_inactive_stations(self):
        self.wang.is_public = False
        self.wang.save()
        self.world.stations["youxie"].is_active = False
        self.world.stations["youxie"].save()
        response = self.client.get(reverse("directory:deputy_card", args=[self.wang.pk]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("directory:station_card", args=["PF-YX-01"]))
        self.assertEqual(response.status_code, 404)


class CardFontTest(TestCase):
    def test_it_finds_the_font_in_static_files_or_node_modules(self):
        path = cards.font_path(400)
        self.assertTrue(path.is_file())
        self.assertEqual(path.name, "noto-sans-sc-chinese-simplified-400-normal.woff")

    def test_it_refuses_to_render_without_the_font(self):
        with (
            mock.patch.object(cards.finders, "find", return_value=None),
            mock.patch.object(cards, "FONT_PACKAGE_DIR", Path("/nonexistent")),
            self.assertRaisesMessage(ImproperlyConfigured, "make assets"),
        ):
            cards.font_path(400)

    def test_it_reads_only_local_files(self):
        fetcher = cards.LocalFileFetcher([Path(cards.__file__).parent])
        for url in ["https://example.com/font.woff2", "file:///etc/passwd"]:
            with self.assertRaises(ValueError):
                fetcher.fetch(url)
        response = fetcher.fetch(Path(cards.__file__).as_uri())
        self.assertIn(b"WeasyPrint", response.read())
