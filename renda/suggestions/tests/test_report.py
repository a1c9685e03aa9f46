"""The annual report (PDF): the figures of the year with their definitions, the units and the
categories, Noto Sans SC embedded, only for those who read the whole congress, logged."""

import io

from pypdf import PdfReader

from renda.core.models import Event
from renda.directory.tests.test_cards import embedded_fonts
from renda.suggestions.tests.test_stats import StatsTestCase

REPORT = "/suggestions/stats/annual-report.pdf"


class TestAnnualReport(StatsTestCase):
    def pdf(self, user: str = "office_staff", year: int = 2022) -> PdfReader:
        self.client.force_login(self.world.users[user])
        response = self.client.get(f"{REPORT}?year={year}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        return PdfReader(io.BytesIO(response.content))

    def text(self, reader: PdfReader) -> str:
        return "".join(page.extract_text() for page in reader.pages).replace(" ", "")

    def test_it_holds_the_year_with_definitions_units_and_categories(self):
        """2022 holds S1 to S6: received 6, registered 5, assigned 4 (S1 to S4), concluded 3:
        办结率 3/4 = 75.0%; housing answers S1, S3, S4 (3/3 on time), health S2 and S4."""
        text = self.text(self.pdf())
        for expected in ("平房区人大2022年度代表建议办理情况报告", "一、总体情况", "75.0%", "3/4",
                         "办结率=办结件数÷交办件数", "见面沟通率", "平房区住房和城乡建设局",
                         "平房区卫生健康局", "城乡建设", "2022年闭会期间", "A类：已解决或基本解决"):
            self.assertIn(expected, text)

    def test_it_embeds_noto_sans_sc(self):
        fonts = embedded_fonts(self.pdf())
        self.assertTrue(fonts)
        # WeasyPrint names the subset after the family: "/ABCDEF+Noto-Sans-SC".
        self.assertTrue(all("NotoSansSC" in name.replace("-", "") for name in fonts), fonts)

    def test_it_is_logged(self):
        self.pdf(year=2023)
        event = Event.objects.get(action="annual_suggestion_report")
        self.assertEqual((event.actor, event.data), (self.world.users["office_staff"],
                                                     {"year": 2023}))

    def test_only_readers_of_the_whole_congress(self):
        for user, status in (("unit_handler", 403), ("deputy", 403), ("station_staff", 403)):
            with self.subTest(user):
                self.client.force_login(self.world.users[user])
                self.assertEqual(self.client.get(f"{REPORT}?year=2022").status_code, status)
        self.client.force_login(self.world.users["leader"])
        self.assertEqual(self.client.get(f"{REPORT}?year=1800").status_code, 404)
