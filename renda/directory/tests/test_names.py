"""Names and labels that are put together from parts: term and session names, "deputy to …",
labels with a colon, lists, plural headings. Chinese stays as it always was; English reads as
English ("平房区人大, 17th term", "Deputy to …", "Topic: …", "A, B")."""

import io
import re

import time_machine
from django.apps import apps
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from renda.core.tests.test_i18n import ensure_compiled
from renda.directory.models import Deputy, PlenarySession, Station, Term
from renda.directory.testing import build_world

FULL_WIDTH_PUNCTUATION = re.compile(r"[：、]")


class NamesTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_compiled()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()


class TermAndSessionNameTest(NamesTestCase):
    def test_chinese_names_are_unchanged(self):
        term = self.world.terms["pingfang"]
        session = PlenarySession.objects.get(term=term, number=1)
        with translation.override("zh-hans"):
            self.assertEqual(str(term), "平房区人大 第十七届")
            self.assertEqual(str(session), "平房区人大 第十七届一次会议")
            self.assertEqual(str(self.world.terms["city"]), "哈尔滨市人大 第十六届")

    def test_without_an_active_language_the_names_are_chinese(self):
        with translation.override(None):
            self.assertEqual(str(self.world.terms["pingfang"]), "平房区人大 第十七届")

    def test_english_names_use_ordinals(self):
        term = self.world.terms["pingfang"]
        session = PlenarySession.objects.get(term=term, number=1)
        with translation.override("en"):
            self.assertEqual(str(term), "平房区人大, 17th term")
            self.assertEqual(str(session), "平房区人大, 17th term, 1st session")
            self.assertEqual(str(self.world.terms["city"]), "哈尔滨市人大, 16th term")
        second = PlenarySession(term=term, number=2)
        with translation.override("en"):
            self.assertEqual(str(second), "平房区人大, 17th term, 2nd session")
        with translation.override("zh-hans"):
            self.assertEqual(str(second), "平房区人大 第十七届二次会议")

    def test_model_names_have_english_plurals(self):
        cases = {Deputy: ("Deputy", "Deputies"), Station: ("Station", "Stations"),
                 Term: ("Term", "Terms"), apps.get_model("accounts", "User"): ("User", "Users")}
        for model, (singular, plural) in cases.items():
            with self.subTest(model=model.__name__), translation.override("en"):
                self.assertEqual(str(model._meta.verbose_name), singular)
                self.assertEqual(str(model._meta.verbose_name_plural), plural)
        with translation.override("zh-hans"):
            self.assertEqual(str(Deputy._meta.verbose_name_plural), "代表")


@time_machine.travel("2026-11-24 10:00 +0800", tick=False)
class PagesInBothLanguagesTest(NamesTestCase):
    def get(self, url: str, language: str):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def visible_text(self, response) -> str:
        page = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
        return re.sub(r"<[^>]+>", "", page)

    def test_english_pages_have_no_chinese_punctuation_around_labels(self):
        wang = self.world.deputies["wang"]
        for url in ["/", "/deputies/", wang.get_absolute_url(), "/stations/",
                    reverse("directory:station_detail", args=["PF-XJ-01"]), "/accounts/login/"]:
            with self.subTest(url=url):
                text = self.visible_text(self.get(url, "en"))
                self.assertNotRegex(text, FULL_WIDTH_PUNCTUATION)

    def test_the_deputy_page_in_english(self):
        response = self.get(self.world.deputies["wang"].get_absolute_url(), "en")
        for text in ["Deputy to 哈尔滨市人大, 16th term", "Deputy to 平房区人大, 17th term",
                     "Constituency: 第一选区", "Deputies on duty: ", "</a>, <a",
                     ">Stations</a>"]:
            self.assertContains(response, text)
        self.assertNotContains(response, "第十七届")

    def test_the_deputy_page_in_chinese(self):
        response = self.get(self.world.deputies["wang"].get_absolute_url(), "zh-hans")
        for text in ["哈尔滨市人大 第十六届代表", "平房区人大 第十七届代表", "选区：第一选区",
                     "值班代表：<a", "</a>、<a", ">联络站</a>"]:
            self.assertContains(response, text)

    def test_the_deputy_list_in_english(self):
        response = self.get("/deputies/", "en")
        self.assertContains(response, "Deputy to 哈尔滨市人大, Deputy to 平房区人大")
        response = self.get("/deputies/", "zh-hans")
        self.assertContains(response, "哈尔滨市人大代表、平房区人大代表")

    def test_receptions_in_english(self):
        response = self.get(reverse("directory:station_detail", args=["PF-XJ-01"]), "en")
        self.assertContains(response, "Topic: 老旧小区改造专题接待")
        self.assertContains(response, "← Stations")
        response = self.get(reverse("directory:station_detail", args=["PF-XJ-01"]), "zh-hans")
        self.assertContains(response, "主题：老旧小区改造专题接待")
        self.assertContains(response, "← 联络站")

    def test_station_headings_are_plural_in_english(self):
        response = self.get("/stations/", "en")
        self.assertContains(response, "<title>Liaison stations · ")
        self.assertContains(response, "<h1>Liaison stations</h1>")
        self.assertContains(response, "Hotline: <a")
        response = self.get("/stations/", "zh-hans")
        self.assertContains(response, "<title>联络站 · ")
        self.assertContains(response, "<h1>代表联络站</h1>")
        self.assertContains(response, "热线：<a")

    def test_home_figures_count_in_english(self):
        response = self.get("/", "en")
        self.assertContains(response, '<span class="stat__label">Deputies</span>')
        self.assertContains(response, '<span class="stat__label">Liaison stations</span>')
        response = self.get("/", "zh-hans")
        self.assertContains(response, '<span class="stat__label">人大代表</span>')
        self.assertContains(response, '<span class="stat__label">代表联络站</span>')

    def test_the_deputy_card_in_english(self):
        url = reverse("directory:deputy_card", args=[self.world.deputies["wang"].pk])
        response = self.get(url, "en")
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        self.assertIn("Deputy to 哈尔滨市人大, 16th term", text)
        self.assertIn("Deputy to 平房区人大, 17th term", text)
        self.assertNotIn("第十七届", text)
