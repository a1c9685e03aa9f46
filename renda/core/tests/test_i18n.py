"""The English catalog: complete, up to date with the Chinese msgids, and used by the pages.

Msgids are written in Chinese; locale/en/LC_MESSAGES/django.po must translate every one.
When a test here fails, run

    .venv/bin/python manage.py makemessages -l en --no-location --no-obsolete \
        -i node_modules -i .venv -i var

and fill the empty msgstr (see CONTRIBUTING.md, "How to add a string").
"""

import datetime
import importlib.util
import os
import pathlib
import re
import shutil

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.utils import dateformat, translation
from django.utils.translation import trans_real

from renda.directory.testing import build_world

ROOT = pathlib.Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def catalog_paths() -> list[pathlib.Path]:
    return sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
        ROOT.glob("renda/*/locale/*/LC_MESSAGES/*.po")
    )


def ensure_compiled() -> None:
    """`make test` compiles the (gitignored) .mo files first; a bare pytest run may not have."""
    stale = [
        po
        for po in catalog_paths()
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if not stale:
        return
    spec = importlib.util.spec_from_file_location(
        "compile_messages", ROOT / "scripts" / "compile_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    # Django caches the catalogs it has read and whether a language has any: forget them.
    trans_real._translations = {}
    trans_real._default = None
    for name in (
        "translation_catalog_exists",
        "check_for_language",
        "_get_supported_language_variant",
        "get_supported_language_variant",
    ):
        cached = getattr(trans_real, name, None)
        if hasattr(cached, "cache_clear"):  # which ones are cached differs between versions
            cached.cache_clear()


class CatalogCompleteTest(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.catalog = polib.pofile(str(CATALOG))
        cls.entries = [e for e in cls.catalog if not e.obsolete]

    def test_it_has_entries(self):
        self.assertGreater(len(self.entries), 100)

    def test_every_entry_is_translated(self):
        empty = [label(e) for e in self.entries if not all(s.strip() for s in translations(e))]
        self.assertEqual(empty, [], "untranslated entries in locale/en: fill their msgstr")

    def test_no_entry_is_fuzzy(self):
        fuzzy = [label(e) for e in self.entries if "fuzzy" in e.flags]
        self.assertEqual(fuzzy, [], "check these translations and remove their '#, fuzzy' flag")
        self.assertNotIn("fuzzy", self.catalog.metadata_is_fuzzy or [])

    def test_translations_keep_the_placeholders(self):
        for entry in self.entries:
            expected = set(PLACEHOLDER.findall(entry.msgid))
            for text in translations(entry):
                with self.subTest(msgid=label(entry)):
                    # A singular may spell out the one instead of printing %(counter)s.
                    found = set(PLACEHOLDER.findall(text))
                    if entry.msgid_plural:
                        self.assertLessEqual(found, expected)
                    else:
                        self.assertEqual(found, expected)

    def test_translations_are_english(self):
        # Chinese may stay where it is data to type in (column values, examples, a sheet's
        # name), always next to its English; a translation that is only Chinese is a mistake.
        for entry in [e for e in self.entries if HAN.search(e.msgid)]:
            for text in translations(entry):
                with self.subTest(msgid=label(entry)):
                    self.assertRegex(PLACEHOLDER.sub("", text), r"[A-Za-z]")

    def test_date_formats_are_english(self):
        day = datetime.date(2026, 12, 1)
        for entry in [e for e in self.entries if e.msgctxt and "date" in e.msgctxt]:
            with self.subTest(msgid=label(entry)), translation.override("en"):
                rendered = dateformat.format(day, entry.msgstr)
                self.assertNotRegex(rendered, CJK)
                self.assertIn("1", rendered)


class CatalogUpToDateTest(SimpleTestCase):
    def test_every_msgid_in_the_code_is_in_the_catalog(self):
        missing_tools = [tool for tool in GETTEXT_TOOLS if not shutil.which(tool)]
        if missing_tools:
            self.skipTest(
                f"GNU gettext is not installed ({', '.join(missing_tools)} missing): "
                "cannot check that the catalog is up to date"
            )
        committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOG)) if not e.obsolete}
        saved = {path: path.read_bytes() for path in catalog_paths()}
        cwd = os.getcwd()
        try:
            os.chdir(ROOT)
            call_command(
                "makemessages",
                locale=["en"],
                no_location=True,
                no_obsolete=True,
                ignore_patterns=["node_modules", ".venv", "var"],
                verbosity=0,
            )
            fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOG)) if not e.obsolete}
        finally:
            os.chdir(cwd)
            for path in catalog_paths():
                if path not in saved:
                    path.unlink()
            for path, content in saved.items():
                path.write_bytes(content)
        missing = sorted(f"{ctx}|{msgid}" if ctx else msgid for ctx, msgid in fresh - committed)
        self.assertFalse(missing, "run makemessages and translate: " + "; ".join(missing))


class EnglishPagesTest(TestCase):
    """English is what a person gets after choosing it (the language cookie set by the switch)."""

    @classmethod
    def setUpClass(cls):
        ensure_compiled()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def get(self, url: str):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        with translation.override("en"):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="en">')
        return response

    def test_the_home_page_is_in_english(self):
        response = self.get("/")
        for text in [
            "Deputy Service Platform",
            "Find a deputy by name",
            "Browse deputies",
            "Upcoming reception days",
            "Sign in",
            "Skip to main content",
        ]:
            self.assertContains(response, text)
        self.assertNotContains(response, "近期接待日")

    def test_the_deputy_list_is_in_english(self):
        response = self.get("/deputies/")
        for text in ["Deputies", "More filters", "All areas", "4 deputies", "Search results"]:
            self.assertContains(response, text)
        self.assertNotContains(response, "代表名录")
        self.assertNotContains(response, "名代表")

    def test_the_login_page_is_in_english(self):
        response = self.get("/accounts/login/")
        for text in ["Sign in for staff and deputies", "Username", "Password"]:
            self.assertContains(response, text)
        self.assertNotContains(response, "登录")
