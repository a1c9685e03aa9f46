"""The commitments ledger on screen and in Excel, and one commitment's page where the unit
records progress, marks it fulfilled or re-plans it."""

import datetime
import io

import openpyxl
import time_machine
from django.urls import reverse

from renda.suggestions.models import Commitment
from renda.suggestions.tests.states import SuggestionTestCase, handler_of, replied

LEDGER = reverse("suggestions:ledger")
EXPORT = reverse("suggestions:ledger_export")


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


def page(commitment) -> str:
    return reverse("suggestions:commitment", args=[commitment.pk])


class LedgerPageTest(SuggestionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with at("2024-05-10 10:00"):
            cls.old = Commitment.objects.get(
                reply__assignment__suggestion=replied(cls.world, "B", title="去年的承诺"))
        with at("2025-03-10 10:00"):
            cls.health = Commitment.objects.get(
                reply__assignment__suggestion=replied(cls.world, "A", "B", title="卫健的承诺"))

    def test_the_office_sees_every_unit_in_a_fixed_number_of_queries(self):
        self.client.force_login(self.office)
        with self.assertNumQueries(7):
            response = self.client.get(LEDGER)
        self.assertContains(response, "去年的承诺")
        self.assertContains(response, "卫健的承诺")
        self.assertContains(response, "已逾期")
        for _ in range(3):
            with at("2025-04-10 10:00"):
                replied(self.world, "B")
        with self.assertNumQueries(7):
            response = self.client.get(LEDGER)
        self.assertEqual(response.context["page_obj"].paginator.count, 5)

    def test_filters_by_year_unit_and_status(self):
        self.client.force_login(self.office)
        rows = self.client.get(LEDGER, {"year": 2024}).context["page_obj"].object_list
        self.assertEqual(list(rows), [self.old])
        health = self.world.units["health"].pk
        rows = self.client.get(LEDGER, {"unit": health}).context["page_obj"].object_list
        self.assertEqual(list(rows), [self.health])
        rows = self.client.get(LEDGER, {"status": "fulfilled"}).context["page_obj"].object_list
        self.assertEqual(list(rows), [])
        # Odd parameters fall back to the unfinished commitments, never an error.
        response = self.client.get(LEDGER, {"year": "x\x00", "status": "nope"})
        self.assertEqual(response.context["page_obj"].paginator.count, 2)

    def test_a_title_that_looks_like_a_formula_stays_text(self):
        with at("2025-04-10 10:00"):
            replied(self.world, "B", title="=HYPERLINK(\"http://example.com\",\"点击\")")
        self.client.force_login(self.office)
        sheet = openpyxl.load_workbook(io.BytesIO(self.client.get(EXPORT).content)).active
        cell = sheet.cell(row=4, column=2)
        self.assertEqual((cell.value, cell.data_type),
                         ('=HYPERLINK("http://example.com","点击")', "s"))

    def test_a_unit_sees_its_own(self):
        self.client.force_login(handler_of(self.world, self.world.units["health"]))
        rows = self.client.get(LEDGER).context["page_obj"].object_list
        self.assertEqual(list(rows), [self.health])
        self.assertEqual(self.client.get(page(self.old)).status_code, 404)
        self.client.force_login(self.world.outsider)
        self.assertEqual(self.client.get(LEDGER).context["page_obj"].paginator.count, 0)
        self.client.logout()
        self.assertEqual(self.client.get(LEDGER).status_code, 302)

    def test_the_export_holds_the_filtered_rows(self):
        self.client.force_login(self.office)
        response = self.client.get(EXPORT, {"year": 2024})
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertIn("attachment;", response["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:6], ("建议编号", "建议标题", "领衔代表", "承办单位", "答复分类",
                                       "承诺完成时间"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][1:5], ("去年的承诺", "王建国", "平房区住房和城乡建设局", "B"))
        self.assertEqual(rows[1][5], datetime.datetime(2024, 12, 31))
        self.client.force_login(self.world.outsider)
        rows = list(openpyxl.load_workbook(io.BytesIO(self.client.get(EXPORT).content))
                    .active.iter_rows(values_only=True))
        self.assertEqual(len(rows), 1)


class CommitmentPageTest(SuggestionTestCase):
    def setUp(self):
        with at("2025-03-10 10:00"):
            suggestion = replied(self.world, "B")
        self.commitment = Commitment.objects.get(reply__assignment__suggestion=suggestion)

    def post(self, action, **fields):
        data = {"action": action} | {f"{action}-{k}": v for k, v in fields.items()}
        return self.client.post(page(self.commitment), data)

    def test_the_unit_records_progress_replans_and_fulfils(self):
        self.client.force_login(self.handler)
        response = self.client.get(page(self.commitment))
        for label in ("登记进展", "标记已兑现", "调整计划"):
            self.assertContains(response, label)
        self.assertRedirects(self.post("progress", progress="已完成设计"), page(self.commitment))
        with at("2025-12-01 10:00"):
            self.assertRedirects(self.post("replan", promised_date="2026-06-30",
                                           reason="冬季不能施工"), page(self.commitment))
        with at("2026-05-01 10:00"):
            self.assertRedirects(self.post("fulfil", progress="完工"), page(self.commitment))
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.status, self.commitment.promised_date),
                         (Commitment.Status.FULFILLED, datetime.date(2026, 6, 30)))
        response = self.client.get(page(self.commitment))
        self.assertContains(response, "调整计划：2025-12-31 改为 2026-06-30")
        self.assertContains(response, "已完成设计")
        self.assertNotContains(response, "标记已兑现")

    def test_a_bad_date_comes_back_with_the_reason_kept(self):
        self.client.force_login(self.handler)
        with at("2025-12-01 10:00"):
            response = self.post("replan", promised_date="2025-11-01", reason="原因写好了")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "新的承诺完成时间应晚于今天", status_code=400)
        self.assertContains(response, "原因写好了", status_code=400)

    def test_the_office_reads_but_does_not_write(self):
        self.client.force_login(self.office)
        response = self.client.get(page(self.commitment))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "标记已兑现")
        self.post("fulfil", progress="机关代填")
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, Commitment.Status.OPEN)
