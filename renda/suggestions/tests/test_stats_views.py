"""The statistics page and its Excel export: what each persona sees, the figures by id with
their definitions, the filters, bad input, and a query count that does not grow with the
data."""

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.core.models import Event
from renda.directory.models import PlenarySession
from renda.suggestions.tests.test_stats import StatsTestCase, Term

STATS = reverse("suggestions:stats")
EXPORT = reverse("suggestions:stats_export")


class TestPage(StatsTestCase):
    def get(self, user: str, query: str = "", status: int = 200):
        self.client.force_login(self.world.outsider if user == "outsider"
                                else self.world.users[user])
        response = self.client.get(f"{STATS}?{query}")
        self.assertEqual(response.status_code, status)
        return response

    def test_the_office_reads_the_figures_by_id_with_their_definitions(self):
        response = self.get("office_staff")
        for fragment in ('id="fig-completion-value">80.0%', 'id="fig-completion-count">4/5',
                         'id="fig-on-time-value">66.7%', 'id="fig-solved-count">3/5',
                         'id="fig-face-to-face-value">40.0%',
                         'id="fig-final-satisfied-value">100.0%',
                         'id="fig-first-fully-count">2/4', 'id="fig-received-value">7'):
            self.assertContains(response, fragment)
        self.assertContains(response, "办结率 = 办结件数 ÷ 交办件数")
        self.assertContains(response, "A 类：已解决或基本解决")  # what counts as solved
        self.assertContains(response, 'id="stats-units"')
        self.assertContains(response, 'id="suggestion-chart-data"')
        self.assertContains(response, reverse("suggestions:annual_report"))

    def test_the_groupings_and_the_ranking(self):
        response = self.get("office_staff", "by=deputy")
        rows = response.context["report"].rows
        self.assertEqual([r.label for r in rows], ["李秀英", "王建国", "赵志强"])
        self.assertContains(response, 'id="stats-groups"')
        self.assertNotContains(response, 'id="stats-units"')
        response = self.get("office_staff", "rank=on_time")
        self.assertEqual([(r.obj.code, r.rank) for r in response.context["report"].units],
                         [("PF-ZJJ", 1), ("PF-WJJ", 2)])
        session = PlenarySession.objects.get(term=self.term, number=1)
        response = self.get("office_staff", f"session={session.pk}&by=year")
        self.assertContains(response, 'id="fig-received-value">3')
        response = self.get("office_staff", "session=interim&year=2023&kind=all")
        self.assertContains(response, 'id="fig-received-value">1')

    def test_a_unit_reads_only_its_own(self):
        response = self.get("unit_handler")
        self.assertEqual([r.obj.code for r in response.context["report"].units], ["PF-ZJJ"])
        self.assertContains(response, 'id="fig-completion-count">3/4')
        self.assertNotContains(response, "平房区卫生健康局")
        self.assertNotContains(response, 'id="fig-received"')
        self.assertNotContains(response, reverse("suggestions:annual_report"))
        self.assertEqual(self.get("unit_handler", "by=deputy", status=400).status_code, 400)

    def test_a_deputy_reads_only_his_own(self):
        response = self.get("deputy", "by=year")
        self.assertContains(response, 'id="fig-received-value">3')
        self.assertEqual(response.context["report"].units, [])
        self.assertNotContains(response, 'id="stats-units"')
        self.assertNotContains(response, "李秀英")

    def test_others_are_refused(self):
        self.get("station_staff", status=403)
        self.get("outsider", f"congress={self.congress.pk}", status=404)
        self.client.logout()
        self.assertEqual(self.client.get(STATS).status_code, 302)

    def test_bad_filters_answer_400(self):
        for query in ("term=999999", "year=1999", "session=abc", "rank=best", "kind=x",
                      "year=%00"):
            with self.subTest(query):
                self.get("office_staff", query, status=400)

    def test_the_query_count_does_not_grow_with_the_data(self):
        self.client.force_login(self.world.users["office_staff"])
        for query in ("", "by=deputy"):
            with self.subTest(query):
                with CaptureQueriesContext(connection) as before:
                    self.client.get(f"{STATS}?{query}")
                t = Term(self.world)
                for number in range(5):
                    s = t.suggestion("li", "closed", assigned="2022-06-03",
                                     title=f"追加建议{number}{query}")
                    a = t.assign(s, "housing", due="2022-09-01", replied="2022-08-01")
                    t.evaluate(t.reply(a, "A", "2022-08-01"), "satisfied")
                with self.assertNumQueries(len(before)):
                    self.client.get(f"{STATS}?{query}")


class TestExport(StatsTestCase):
    def test_the_office_exports_every_table_and_it_is_logged(self):
        self.client.force_login(self.world.users["office_staff"])
        response = self.client.get(EXPORT)
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["说明", "总体", "承办单位", "代表", "届次", "会议",
                                               "年度", "按建议分类", "按答复分类"])
        totals = {row[0]: row[1:] for row in workbook["总体"].iter_rows(min_row=3,
                                                                        values_only=True)}
        self.assertEqual(totals["办结率"], (80.0, 4, 5))
        self.assertEqual(totals["收到件数"][0], 7)
        units = list(workbook["承办单位"].iter_rows(min_row=3, values_only=True))
        self.assertEqual([(u[0], u[1]) for u in units],
                         [(1, "平房区住房和城乡建设局"), (2, "平房区卫生健康局")])
        notes = [row[0] for row in workbook["说明"].iter_rows(values_only=True)]
        self.assertIn("落实率", notes)
        event = Event.objects.get(action="export_suggestion_stats")
        self.assertEqual((event.actor, event.object_id),
                         (self.world.users["office_staff"], self.congress.pk))

    def test_a_unit_exports_its_own_rows(self):
        self.client.force_login(self.world.users["unit_handler"])
        workbook = openpyxl.load_workbook(io.BytesIO(self.client.get(EXPORT).content))
        self.assertNotIn("代表", workbook.sheetnames)
        units = list(workbook["承办单位"].iter_rows(min_row=3, values_only=True))
        self.assertEqual([u[1] for u in units], ["平房区住房和城乡建设局"])
