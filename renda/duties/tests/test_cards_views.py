"""Score cards, rankings and the points scheme through the pages. Figures worked out by hand
from the default scheme: a reception 2 points (cap 20), an inspection 3 (cap 15), an absence
−1 (no cap); grades 好 from 80, 较好 from 60, else 一般."""

import datetime
import io
from decimal import Decimal

import openpyxl
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from renda.core.models import Event
from renda.directory.testing import build_world
from renda.duties import services
from renda.duties.models import DutyRecord, PointsRule, ScoreCard
from renda.duties.points import scheme_for
from renda.suggestions.tests.test_drafting_base import deputy_user


class CardsTestCase(TestCase):
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
        cls.year = timezone.localdate().year
        today = timezone.localdate()
        # Days of this year up to today, whatever today is.
        cls.day = staticmethod(lambda n: max(datetime.date(cls.year, 1, 1),
                                             today - datetime.timedelta(n)))
        cls.jan = cls.day(0)
        # 王建国: six inspections (5 count: 15, the sixth capped) and two receptions (4): 19.
        for n in range(6):
            cls.add(cls.wang, "inspection", f"视察 {n + 1}", cls.day(n))
        for n in range(2):
            cls.add(cls.wang, "reception", f"接待 {n + 1}", cls.day(n),
                    people=4)
        # 李秀英: one reception (2) and one absence (−1): 1. 赵志强: nothing.
        cls.add(cls.li, "reception", "接待选民", cls.jan, people=3)
        cls.add(cls.li, "absence", "无故缺席", cls.jan)

    @classmethod
    def add(cls, deputy, activity_type: str, title: str, date: datetime.date, *,
            people: int = 0) -> DutyRecord:
        return services.duty_record_create(
            actor=cls.office, congress=cls.pingfang, deputy=deputy,
            data={"activity_type": activity_type, "date": date, "title": title,
                  "people_count": people})

    def card_url(self, deputy) -> str:
        return reverse("duties:card", args=[deputy.pk, self.year])


class CardTests(CardsTestCase):
    def test_the_deputy_reads_his_card_with_the_evidence(self):
        self.client.force_login(self.deputy)
        response = self.client.get(reverse("duties:my_card"), follow=True)
        self.assertEqual(response.redirect_chain[-1][0], self.card_url(self.wang))
        self.assertEqual(response.context["card"].total, Decimal("19"))
        self.assertEqual(response.context["grade_label"], "一般")
        lines = {item["line"].activity_type: item for item in response.context["lines"]}
        inspection = lines["inspection"]
        self.assertEqual((inspection["line"].count, inspection["line"].raw_points,
                          inspection["line"].points), (6, Decimal("18"), Decimal("15")))
        self.assertTrue(inspection["capped"])
        self.assertEqual(inspection["rule"], "每次 3 分，全年最多 15 分")
        self.assertEqual([r.points for r in inspection["records"]],
                         [Decimal("3")] * 5 + [Decimal("0")])
        self.assertEqual([r.capped for r in inspection["records"]], [False] * 5 + [True])
        self.assertEqual((lines["reception"]["line"].people, lines["reception"]["capped"]),
                         (8, False))
        self.assertContains(response, "视察 6")
        self.assertContains(response, "（超过上限）")
        [quota] = response.context["quotas"]
        self.assertEqual((quota["actual"], quota["minimum"]), (8, 10))
        self.assertContains(response, 'id="card-total">19<')

    def test_a_deputy_sees_no_other_card(self):
        self.client.force_login(self.deputy)
        for deputy in (self.li, self.zhao):
            with self.subTest(deputy.name):
                self.assertEqual(self.client.get(self.card_url(deputy)).status_code, 404)

    def test_station_staff_see_their_deputies_cards_only(self):
        self.client.force_login(self.station)
        self.assertEqual(self.client.get(self.card_url(self.li)).status_code, 200)
        self.assertEqual(self.client.get(self.card_url(self.zhao)).status_code, 404)

    def test_a_card_without_records_is_computed_when_first_opened(self):
        ScoreCard.objects.filter(deputy=self.zhao).delete()
        self.client.force_login(self.office)
        response = self.client.get(self.card_url(self.zhao))
        self.assertEqual(response.context["card"].total, 0)
        self.assertEqual(response.context["quotas"][0]["minimum"], 10)

    def test_a_unit_handler_sees_no_card_ranking_or_scheme(self):
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(self.card_url(self.wang)).status_code, 404)
        self.assertEqual(self.client.get(reverse("duties:rankings")).status_code, 403)
        self.assertEqual(self.client.get(reverse("duties:scheme", args=[self.year]))
                         .status_code, 403)
        self.assertEqual(self.client.get(reverse("duties:my_card")).status_code, 403)

    def test_an_impossible_year_is_not_found(self):
        self.client.force_login(self.office)
        url = reverse("duties:card", args=[self.wang.pk, 1900])
        self.assertEqual(self.client.get(url).status_code, 404)


class RankingTests(CardsTestCase):
    def ranked(self, user, **query) -> list[tuple[int, str, Decimal]]:
        self.client.force_login(user)
        response = self.client.get(reverse("duties:rankings"), {"year": self.year, **query})
        self.assertEqual(response.status_code, 200)
        return [(row["rank"], row["card"].deputy.name, row["card"].total)
                for row in response.context["rows"]]

    def test_the_office_ranks_every_deputy_of_the_year(self):
        self.assertEqual(self.ranked(self.office), [(1, "王建国", Decimal("19")),
                                                    (2, "李秀英", Decimal("1")),
                                                    (3, "赵志强", Decimal("0"))])

    def test_equal_totals_share_a_rank(self):
        self.add(self.zhao, "contact", "走访选民", self.jan)
        self.assertEqual([row[0] for row in self.ranked(self.office)], [1, 2, 2])

    def test_by_group_and_by_area(self):
        group = self.world.congresses["pingfang"].groups.get()
        self.assertEqual([row[1] for row in self.ranked(self.office, group=group.pk)],
                         ["王建国"])
        youxie = self.world.areas["youxie"]
        self.assertEqual([row[1] for row in self.ranked(self.office, area=youxie.pk)],
                         ["赵志强"])
        xingjian = self.world.areas["xingjian"]
        self.assertEqual(len(self.ranked(self.office, area=xingjian.pk)), 3)

    def test_station_staff_rank_their_own_deputies(self):
        self.assertEqual([row[1] for row in self.ranked(self.station)], ["王建国", "李秀英"])

    def test_a_deputy_is_sent_to_his_own_card(self):
        self.client.force_login(self.deputy)
        response = self.client.get(reverse("duties:rankings"))
        self.assertRedirects(response, reverse("duties:my_card"), target_status_code=302)

    def test_the_export_is_a_workbook_and_is_logged(self):
        self.client.force_login(self.office)
        response = self.client.get(reverse("duties:rankings"),
                                   {"year": self.year, "export": "xlsx"})
        self.assertIn("spreadsheetml", response["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        self.assertEqual([row[:3] for row in rows], [(1, "王建国", 19), (2, "李秀英", 1),
                                                     (3, "赵志强", 0)])
        event = Event.objects.get(action="export_duty_rankings")
        self.assertEqual((event.actor, event.data["rows"]), (self.office, 3))

    def test_the_office_updates_the_automatic_records(self):
        self.client.force_login(self.office)
        response = self.client.post(reverse("duties:collect"), {"year": self.year})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Event.objects.filter(action="collect_duty_records",
                                             actor=self.office).exists())
        for user in (self.station, self.deputy):
            self.client.force_login(user)
            with self.subTest(user.username):
                self.assertEqual(self.client.post(reverse("duties:collect")).status_code, 403)


class SchemeTests(CardsTestCase):
    def url(self) -> str:
        return reverse("duties:scheme", args=[self.year])

    def test_changing_a_rule_recomputes_the_cards(self):
        self.client.force_login(self.office)
        page = self.client.get(self.url())
        self.assertContains(page, "每次 3 分，全年最多 15 分")
        response = self.client.post(self.url(), {
            "action": "rule", "code": "inspection", "rule-inspection-activity_type": "inspection",
            "rule-inspection-points": "4", "rule-inspection-cap": "12"}, follow=True)
        self.assertContains(response, "3 张积分卡已重新计算")
        self.assertContains(response, "每次 4 分，全年最多 12 分")
        # 王建国: three inspections count (12), the other three are capped; 12 + 4 = 16.
        wang = ScoreCard.objects.get(deputy=self.wang, year=self.year)
        self.assertEqual(wang.total, Decimal("16"))
        self.client.force_login(self.deputy)
        card = self.client.get(self.card_url(self.wang))
        self.assertEqual(card.context["card"].total, Decimal("16"))
        self.assertContains(card, "每次 4 分，全年最多 12 分")

    def test_deleting_a_rule_and_setting_a_ceiling(self):
        self.client.force_login(self.office)
        self.client.post(self.url(), {"action": "rule_delete", "code": "absence"})
        self.assertEqual(ScoreCard.objects.get(deputy=self.li, year=self.year).total, 2)
        self.client.post(self.url(), {"action": "scheme", "scheme-title": "积分办法",
                                      "scheme-note": "", "scheme-max_total": "10"})
        self.assertEqual(ScoreCard.objects.get(deputy=self.wang, year=self.year).total, 10)

    def test_a_bad_number_comes_back_with_a_message_and_what_was_typed(self):
        self.client.force_login(self.office)
        response = self.client.post(self.url(), {
            "action": "rule", "code": "inspection", "rule-inspection-activity_type": "inspection",
            "rule-inspection-points": "三分", "rule-inspection-cap": "-5"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'value="三分"', status_code=400)
        self.assertContains(response, "请填写数字", status_code=400)
        rule = PointsRule.objects.get(scheme__year=self.year, activity_type="inspection")
        self.assertEqual(rule.points, Decimal("3"))

    def test_quotas_are_added_changed_and_never_doubled(self):
        self.client.force_login(self.office)
        new = {"action": "quota", "code": "", "quota-new-code": "visits",
               "quota-new-label": "进站次数", "quota-new-activity_types": ["station_visit"],
               "quota-new-measure": "records", "quota-new-minimum": "4"}
        self.client.post(self.url(), new)
        scheme = scheme_for(congress=self.pingfang, year=self.year)
        self.assertEqual(scheme.quotas.get(code="visits").minimum, 4)
        response = self.client.post(self.url(), {**new, "quota-new-label": "另一个"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "已有代码相同的定额", status_code=400)
        self.assertContains(response, 'value="另一个"', status_code=400)
        self.client.post(self.url(), {
            "action": "quota", "code": "constituents", "quota-constituents-code": "constituents",
            "quota-constituents-label": "联系选民", "quota-constituents-measure": "people",
            "quota-constituents-activity_types": ["reception", "contact"],
            "quota-constituents-minimum": "8"})
        card = ScoreCard.objects.get(deputy=self.wang, year=self.year)
        self.assertEqual(card.quotas["constituents"]["minimum"], 8)
        self.assertEqual(scheme.quotas.count(), 2)

    def test_only_the_office_keeps_the_scheme(self):
        for user in (self.station, self.deputy):
            self.client.force_login(user)
            with self.subTest(user.username):
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                response = self.client.post(self.url(), {
                    "action": "rule", "code": "inspection",
                    "rule-inspection-activity_type": "inspection",
                    "rule-inspection-points": "9"})
                self.assertEqual(response.status_code, 403)
        rule = PointsRule.objects.get(scheme__year=self.year, activity_type="inspection")
        self.assertEqual(rule.points, Decimal("3"))
