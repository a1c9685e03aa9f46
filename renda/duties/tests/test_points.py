"""The points computation on hand-built records: every figure below is worked out by hand from
the default scheme (an inspection 3 points, capped at 15 a year; a contact 1 point, capped at
10; an absence without leave −1, no cap) and the changes the office makes to it."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from renda.directory.models import CongressSetting
from renda.directory.testing import build_world
from renda.duties import services
from renda.duties.models import DutyRecord, PointsScheme, ScoreCard
from renda.duties.points import quota_behind, scheme_for, scorecards_recompute

YEAR = 2026


def day(month: int, date: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, date)


class PointsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = world = build_world()
        cls.pingfang = world.congresses["pingfang"]
        cls.office = world.users["office_staff"]
        cls.wang, cls.li, cls.zhao = (world.deputies[key] for key in ("wang", "li", "zhao"))

    def add(self, deputy, activity_type: str, when: datetime.date, *, people: int = 0,
            status: str = DutyRecord.Status.RECORDED, congress=None) -> DutyRecord:
        return DutyRecord.objects.create(
            congress=congress or self.pingfang, deputy=deputy, activity_type=activity_type,
            date=when, title=f"{activity_type} {when}", people_count=people, status=status)

    def card(self, deputy, year: int = YEAR) -> ScoreCard:
        return ScoreCard.objects.get(congress=self.pingfang, deputy=deputy, year=year)

    def build_year(self) -> None:
        # 王建国: 3 inspections (9), 12 contacts of 2 people each (10, the last two capped),
        # one absence (−1): 18.
        for month in (3, 5, 9):
            self.add(self.wang, "inspection", day(month, 10))
        for month in range(1, 13):
            self.add(self.wang, "contact", day(month, 15), people=2)
        self.add(self.wang, "absence", day(6, 1))
        # 李秀英: 6 inspections: 5 count (15), the sixth is capped (0). A rejected research
        # record brings nothing.
        for month in range(1, 7):
            self.add(self.li, "inspection", day(month, 20))
        self.add(self.li, "research", day(7, 1), status=DutyRecord.Status.REJECTED)
        scorecards_recompute(congress=self.pingfang, year=YEAR)


class ScoreCardTests(PointsTestCase):
    def test_cards_add_up_by_hand_with_caps_and_deductions(self):
        self.build_year()
        wang, li = self.card(self.wang), self.card(self.li)
        self.assertEqual(wang.total, Decimal("18"))
        self.assertEqual(li.total, Decimal("15"))
        lines = {line.activity_type: line for line in wang.lines.all()}
        self.assertEqual((lines["contact"].count, lines["contact"].people), (12, 24))
        self.assertEqual((lines["contact"].raw_points, lines["contact"].points),
                         (Decimal("12"), Decimal("10")))
        self.assertEqual(lines["absence"].points, Decimal("-1"))
        # The evidence: which records brought the points, in date order; the last two capped.
        contacts = DutyRecord.objects.filter(deputy=self.wang, activity_type="contact") \
            .order_by("date")
        self.assertEqual([r.points for r in contacts], [Decimal("1")] * 10 + [Decimal("0")] * 2)
        self.assertEqual([r.capped for r in contacts], [False] * 10 + [True] * 2)
        rejected = DutyRecord.objects.get(deputy=self.li, activity_type="research")
        self.assertEqual(rejected.points, 0)
        self.assertNotIn("research", {line.activity_type for line in li.lines.all()})

    def test_every_deputy_of_the_congress_gets_a_card_with_quotas(self):
        self.build_year()
        zhao = self.card(self.zhao)
        self.assertEqual(zhao.total, 0)
        self.assertEqual(zhao.quotas["constituents"]["actual"], 0)
        self.assertEqual(zhao.quotas["constituents"]["minimum"], 10)
        # 24 people contacted meet the quota of 10 constituents.
        self.assertEqual(self.card(self.wang).quotas["constituents"]["actual"], 24)
        self.assertEqual(quota_behind(self.card(self.wang), on=day(12, 1)), [])
        behind = quota_behind(zhao, on=day(7, 2))
        self.assertEqual([item["code"] for item in behind], ["constituents"])
        self.assertEqual(behind[0]["expected"], 5.0)
        # Nobody is behind on the first day of the year.
        self.assertEqual(quota_behind(zhao, on=day(1, 1))[0]["expected"], 0.0)

    def test_grades_follow_the_congress_setting(self):
        CongressSetting.objects.create(
            congress=self.pingfang, key="duties.grades", effective_from=day(1, 1),
            value=[{"code": "good", "label": "好", "min": 18},
                   {"code": "poor", "label": "一般", "min": None}])
        self.build_year()
        self.assertEqual(self.card(self.wang).grade, "good")
        self.assertEqual(self.card(self.li).grade, "poor")

    def test_a_scheme_is_seeded_from_the_defaults_in_force_on_new_year(self):
        CongressSetting.objects.create(
            congress=self.pingfang, key="duties.default_points_rules", effective_from=day(1, 1),
            value=[{"activity_type": "inspection", "points": 5, "cap": None}])
        old = scheme_for(congress=self.pingfang, year=YEAR - 1)
        new = scheme_for(congress=self.pingfang, year=YEAR)
        self.assertEqual(old.rules.get(activity_type="inspection").points, Decimal("3"))
        self.assertEqual([(r.activity_type, r.points) for r in new.rules.all()],
                         [("inspection", Decimal("5"))])
        self.assertEqual(scheme_for(congress=self.pingfang, year=YEAR), new)


class RecomputeOnChangeTests(PointsTestCase):
    def scheme(self) -> PointsScheme:
        return scheme_for(congress=self.pingfang, year=YEAR)

    def test_changing_a_rule_recomputes_every_affected_card(self):
        self.build_year()
        other_year = self.add(self.wang, "inspection", day(3, 3, YEAR - 1))
        scorecards_recompute(congress=self.pingfang, year=YEAR - 1)
        self.assertEqual(self.card(self.wang, YEAR - 1).total, Decimal("3"))

        services.points_rule_save(actor=self.office, scheme_id=self.scheme().pk,
                                  activity_type="inspection", points="4", cap="20")
        # 王建国 12 + 10 − 1 = 21; 李秀英 6 × 4 = 24, capped at 20; the fifth record brings 4,
        # the sixth nothing.
        self.assertEqual(self.card(self.wang).total, Decimal("21"))
        self.assertEqual(self.card(self.li).total, Decimal("20"))
        li_points = list(DutyRecord.objects.filter(deputy=self.li, activity_type="inspection")
                         .order_by("date").values_list("points", flat=True))
        self.assertEqual(li_points, [Decimal("4")] * 5 + [Decimal("0")])
        # Another year's scheme and cards are untouched.
        self.assertEqual(self.card(self.wang, YEAR - 1).total, Decimal("3"))
        other_year.refresh_from_db()
        self.assertEqual(other_year.points, Decimal("3"))

    def test_a_deduction_made_harsher_and_a_rule_removed(self):
        self.build_year()
        services.points_rule_save(actor=self.office, scheme_id=self.scheme().pk,
                                  activity_type="absence", points="-3", cap="")
        self.assertEqual(self.card(self.wang).total, Decimal("16"))
        services.points_rule_delete(actor=self.office, scheme_id=self.scheme().pk,
                                    activity_type="contact")
        self.assertEqual(self.card(self.wang).total, Decimal("6"))
        line = self.card(self.wang).lines.get(activity_type="contact")
        self.assertEqual((line.count, line.points), (12, 0))

    def test_a_total_cap_and_a_quota_change(self):
        self.build_year()
        services.scheme_update(actor=self.office, scheme_id=self.scheme().pk, title="2026 年办法",
                               note="", max_total="15")
        self.assertEqual(self.card(self.wang).total, Decimal("15"))
        services.quota_save(actor=self.office, scheme_id=self.scheme().pk, code="constituents",
                            label="联系选民", activity_types_=["contact"], measure="records",
                            minimum=20)
        quota = self.card(self.wang).quotas["constituents"]
        self.assertEqual((quota["actual"], quota["minimum"]), (12, 20))

    def test_only_the_office_of_the_congress_changes_the_scheme(self):
        scheme = self.scheme()
        for user in (self.world.users["deputy"], self.world.users["station_staff"],
                     self.world.outsider):
            with self.assertRaises(PermissionDenied):
                services.points_rule_save(actor=user, scheme_id=scheme.pk,
                                          activity_type="inspection", points="9")
        self.assertEqual(scheme.rules.get(activity_type="inspection").points, Decimal("3"))

    def test_bad_rules_are_refused_with_a_message(self):
        scheme = self.scheme()
        cases = [({"activity_type": "flying", "points": "1"}, "activity_type"),
                 ({"activity_type": "inspection", "points": "abc"}, "points"),
                 ({"activity_type": "inspection", "points": "NaN"}, "points"),
                 ({"activity_type": "inspection", "points": "2", "cap": "-1"}, "cap")]
        for kwargs, field in cases:
            with self.subTest(kwargs), self.assertRaises(ValidationError) as caught:
                services.points_rule_save(actor=self.office, scheme_id=scheme.pk, **kwargs)
            self.assertIn(field, caught.exception.message_dict)

    def test_recording_and_rejecting_move_the_card_at_once(self):
        deputy_user = self.world.users["deputy"]
        record = services.duty_record_create(
            actor=deputy_user, congress=self.pingfang, deputy=self.wang,
            data={"activity_type": "research", "date": day(3, 1), "title": "调研老旧小区供暖",
                  "people_count": 4})
        self.assertEqual(record.points, Decimal("3"))
        self.assertEqual(self.card(self.wang).total, Decimal("3"))
        services.duty_record_reject(actor=self.world.users["station_staff"],
                                    record_id=record.pk, reason="没有活动照片和签到表")
        self.assertEqual(self.card(self.wang).total, Decimal("0"))

    def test_a_deputy_cannot_withdraw_a_deduction_staff_recorded(self):
        station = self.world.users["station_staff"]
        absence = services.duty_record_create(
            actor=station, congress=self.pingfang, deputy=self.wang,
            data={"activity_type": "absence", "date": day(3, 1), "title": "无故缺席代表小组活动"})
        with self.assertRaises(PermissionDenied):
            services.duty_record_withdraw(actor=self.world.users["deputy"], record_id=absence.pk)
        with self.assertRaises(PermissionDenied):
            services.duty_record_update(
                actor=self.world.users["deputy"], record_id=absence.pk,
                data={"activity_type": "absence", "date": day(3, 1), "title": "已请假"})
        self.assertEqual(self.card(self.wang).total, Decimal("-1"))
