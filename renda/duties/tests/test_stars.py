"""Star ratings of stations and deputies: a whole round from nomination to the honour page,
through the real services and pages; who may do what; the reviewers' scores; the combined
score and the suggested stars."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from renda.accounts.models import User
from renda.core.models import Event
from renda.core.workflow import TransitionNotAllowed
from renda.directory.models import CongressSetting
from renda.directory.testing import build_world
from renda.duties import stars
from renda.duties.models import StarCandidate, StarReviewScore, StarRound
from renda.suggestions.tests.test_drafting_base import deputy_user

D = datetime.date
OPENS, CLOSES = D(2026, 5, 1), D(2026, 5, 10)
DURING, AFTER = D(2026, 5, 3), D(2026, 5, 11)
STATEMENT = "本年度组织接待日 12 次，接待群众 180 人次，办结反馈意见 36 件。"


class StarWorldMixin:
    """`build_world()` and helpers that bring a round to a state through the services (votes are recorded by `_vote_record`, as the vote service does after its checks:
    the vote itself is tested in test_star_vote)."""

    def setUp(self):
        self.world = build_world()
        self.users = self.world.users
        self.office, self.leader = self.users["office_staff"], self.users["leader"]
        self.evaluator = self.users["evaluator"]
        self.pingfang = self.world.congresses["pingfang"]
        self.xingjian = self.world.stations["xingjian"]
        self.youxie = self.world.stations["youxie"]

    def station_round(self, **dates) -> StarRound:
        dates = dates or {"vote_opens_on": OPENS, "vote_closes_on": CLOSES}
        return stars.star_round_create(actor=self.office, congress=self.pingfang, year=2026,
                                       kind=StarRound.Kind.STATION, **dates)

    def nominate(self, star_round, actor=None, **subject) -> StarCandidate:
        return stars.star_candidate_nominate(actor=actor or self.office, round_id=star_round.pk,
                                             statement=STATEMENT, **subject)

    def advance(self, star_round, action, actor=None, today=DURING) -> StarRound:
        return stars.star_round_advance(actor=actor or self.office, round_id=star_round.pk,
                                        action=action, today=today)

    def score(self, candidate, reviewer, *values, comment=""):
        criteria = StarRound.objects.get(pk=candidate.round_id).criteria
        scores = {item["code"]: value for item, value in zip(criteria, values, strict=True)}
        return stars.star_review_save(actor=reviewer, candidate_id=candidate.pk, scores=scores,
                                      comment=comment)

    def votes(self, candidate, count):
        star_round = StarRound.objects.get(pk=candidate.round_id)
        for n in range(count):
            stars._vote_record(star_round, candidate, f"digest-{candidate.pk}-{n}", DURING)

    def reviewed_round(self) -> tuple[StarRound, StarCandidate, StarCandidate]:
        """xingjian (self-nominated by its staff) and youxie (the office's), both scored by the
        evaluator and the leader; the round in its vote."""
        star_round = self.station_round()
        xingjian = self.nominate(star_round, self.users["station_staff"], station=self.xingjian)
        youxie = self.nominate(star_round, station=self.youxie)
        self.advance(star_round, "start_review")
        self.score(xingjian, self.evaluator, 18, 18, 27, 28)   # 91
        self.score(xingjian, self.leader, 19, 17, 29, 30)      # 95
        self.score(youxie, self.evaluator, 15, 14, 20, 21)     # 70
        self.score(youxie, self.leader, 16, 15, 22, 21)        # 74
        star_round = self.advance(star_round, "open_vote")
        return star_round, xingjian, youxie


class StarWorld(StarWorldMixin, TestCase):
    pass


class WholeRoundTest(StarWorld):
    def test_it_runs_a_station_round_from_nomination_to_the_station_page(self):
        star_round, xingjian, youxie = self.reviewed_round()
        self.assertEqual(star_round.status, StarRound.Status.VOTING)
        xingjian.refresh_from_db()
        self.assertTrue(xingjian.self_nominated)
        self.assertEqual(xingjian.review_average, Decimal("93.00"))
        self.votes(xingjian, 30)
        self.votes(youxie, 10)
        self.advance(star_round, "close_vote", today=AFTER)
        xingjian.refresh_from_db()
        youxie.refresh_from_db()
        # 0.7 × 93 + 0.3 × 100 = 95.10; 0.7 × 72 + 0.3 × 33.33… = 60.40
        self.assertEqual(xingjian.combined_score, Decimal("95.10"))
        self.assertEqual(youxie.combined_score, Decimal("60.40"))
        sheet = {c.pk: c.suggested for c in stars.decision_sheet(star_round=star_round)}
        self.assertEqual(sheet, {xingjian.pk: 3, youxie.pk: 0})
        page = self.client
        page.force_login(self.leader)
        response = page.post(reverse("duties:star_decide", args=[star_round.pk]), {
            f"c{xingjian.pk}-stars": "3", f"c{xingjian.pk}-note": "阵地规范，成效突出",
            f"c{youxie.pk}-stars": "1", f"c{youxie.pk}-note": ""})
        self.assertRedirects(response, reverse("duties:star_round", args=[star_round.pk]))
        # Before publication nothing shows on the station's page.
        self.assertNotContains(self.client.get(self.xingjian.get_absolute_url()), "★")
        response = page.post(reverse("duties:star_round_move", args=[star_round.pk, "publish"]))
        star_round.refresh_from_db()
        self.assertEqual(star_round.status, StarRound.Status.PUBLISHED)
        page.logout()
        station_page = self.client.get(self.xingjian.get_absolute_url())
        self.assertContains(station_page, "★★★")
        self.assertContains(station_page, "2026 年度三星级联络站")
        self.assertContains(station_page, reverse("duties:honours_year", args=[2026]))
        self.assertContains(self.client.get(self.youxie.get_absolute_url()), "2026 年度一星级联络站")
        honours = self.client.get(reverse("duties:honours"))
        self.assertContains(honours, self.xingjian.name)
        self.assertContains(honours, self.xingjian.get_absolute_url())
        self.assertEqual([g.stars for g in honours.context["rounds"][0].groups], [3, 1])
        actions = set(Event.objects.filter(object_id=star_round.pk, content_type__model="starround")
                      .values_list("action", flat=True))
        self.assertEqual(actions, {"create", "start_review", "open_vote", "close_vote",
                                   "publish"})

    def test_criteria_are_copied_from_the_settings_when_review_starts(self):
        CongressSetting.objects.create(
            congress=self.pingfang, key="duties.star_station_criteria",
            value=[{"code": "work", "label": "工作实绩", "max": 60},
                   {"code": "people", "label": "群众评价", "max": 40}],
            effective_from=D(2026, 1, 1))
        star_round = self.station_round()
        self.assertEqual(star_round.criteria, [])
        self.nominate(star_round, station=self.xingjian)
        star_round = self.advance(star_round, "start_review")
        self.assertEqual([c["code"] for c in star_round.criteria], ["work", "people"])
        self.assertEqual(stars.criteria_max(star_round.criteria), Decimal(100))

    def test_a_round_without_candidates_cannot_start_review(self):
        star_round = self.station_round()
        with self.assertRaisesMessage(ValidationError, "还没有推荐或申报的候选"):
            self.advance(star_round, "start_review")

    def test_the_vote_opens_only_when_every_candidate_is_scored_and_dates_are_set(self):
        star_round = self.station_round(vote_opens_on=None, vote_closes_on=None)
        candidate = self.nominate(star_round, station=self.xingjian)
        self.advance(star_round, "start_review")
        with self.assertRaisesMessage(ValidationError, "请先设置网络投票"):
            self.advance(star_round, "open_vote")
        stars.star_round_update(actor=self.office, round_id=star_round.pk, title="星级评定",
                                vote_opens_on=OPENS, vote_closes_on=CLOSES)
        with self.assertRaisesMessage(ValidationError, self.xingjian.name):
            self.advance(star_round, "open_vote")
        self.score(candidate, self.evaluator, 10, 10, 10, 10)
        self.assertEqual(self.advance(star_round, "open_vote").status, StarRound.Status.VOTING)

    def test_the_vote_closes_only_after_its_last_day(self):
        star_round, _x, _y = self.reviewed_round()
        with self.assertRaisesMessage(ValidationError, "投票截止日期"):
            self.advance(star_round, "close_vote", today=CLOSES)
        self.assertEqual(self.advance(star_round, "close_vote", today=AFTER).status,
                         StarRound.Status.DECIDING)

    def test_it_is_not_published_before_every_candidate_is_decided(self):
        star_round, xingjian, youxie = self.reviewed_round()
        self.advance(star_round, "close_vote", today=AFTER)
        stars.star_decisions_save(actor=self.leader, round_id=star_round.pk,
                                  decisions={xingjian.pk: (2, "")})
        with self.assertRaisesMessage(ValidationError, self.youxie.name):
            self.advance(star_round, "publish", actor=self.leader)
        stars.star_decisions_save(actor=self.leader, round_id=star_round.pk,
                                  decisions={youxie.pk: (0, "材料不完整")})
        self.advance(star_round, "publish", actor=self.leader)
        self.assertIsNone(stars.station_current_stars(station=self.youxie))
        self.assertEqual(stars.station_current_stars(station=self.xingjian).stars, 2)

    def test_a_year_and_kind_has_one_round(self):
        self.station_round()
        with self.assertRaisesMessage(ValidationError, "已经建立"):
            self.station_round()

    def test_the_latest_published_round_gives_the_stars(self):
        older = stars.star_round_create(actor=self.office, congress=self.pingfang, year=2025,
                                        kind=StarRound.Kind.STATION)
        candidate = self.nominate(older, station=self.xingjian)
        StarRound.objects.filter(pk=older.pk).update(status=StarRound.Status.PUBLISHED)
        StarCandidate.objects.filter(pk=candidate.pk).update(stars=3)
        self.assertEqual(stars.station_current_stars(station=self.xingjian).year, 2025)
        star_round, xingjian, youxie = self.reviewed_round()
        self.advance(star_round, "close_vote", today=AFTER)
        stars.star_decisions_save(actor=self.leader, round_id=star_round.pk,
                                  decisions={xingjian.pk: (1, ""), youxie.pk: (2, "")})
        # 2026 is not published yet: 2025's three stars stand.
        self.assertEqual(stars.station_current_stars(station=self.xingjian).stars, 3)
        self.advance(star_round, "publish", actor=self.leader)
        current = stars.station_current_stars(station=self.xingjian)
        self.assertEqual((current.stars, current.year), (1, 2026))
        self.assertEqual(stars.honour_years(), [2026, 2025])


class DeputyRoundTest(StarWorld):
    def test_a_deputy_nominates_himself_and_the_honour_page_links_to_him(self):
        star_round = stars.star_round_create(actor=self.office, congress=self.pingfang,
                                             year=2026, kind=StarRound.Kind.DEPUTY,
                                             vote_opens_on=OPENS, vote_closes_on=CLOSES)
        wang = self.world.deputies["wang"]
        deputy = self.users["deputy"]
        self.client.force_login(deputy)
        url = reverse("duties:star_nominate", args=[star_round.pk])
        form = self.client.get(url).context["form"]
        self.assertEqual(list(form.fields["subject"].queryset), [wang])
        response = self.client.post(url, {"subject": wang.pk, "statement": ""})
        self.assertContains(response, "此项不能为空", status_code=200)
        self.client.post(url, {"subject": wang.pk, "statement": STATEMENT})
        candidate = StarCandidate.objects.get(round=star_round)
        self.assertEqual((candidate.deputy, candidate.self_nominated), (wang, True))
        li = self.nominate(star_round, deputy=self.world.deputies["li"])
        self.assertFalse(li.self_nominated)
        self.advance(star_round, "start_review")
        self.score(candidate, self.evaluator, 28, 28, 18, 18)
        self.score(li, self.evaluator, 20, 20, 15, 15)
        self.advance(star_round, "open_vote")
        self.advance(star_round, "close_vote", today=AFTER)
        stars.star_decisions_save(actor=self.leader, round_id=star_round.pk,
                                  decisions={candidate.pk: (3, ""), li.pk: (0, "")})
        self.advance(star_round, "publish", actor=self.leader)
        self.client.logout()
        honours = self.client.get(reverse("duties:honours_year", args=[2026]))
        self.assertContains(honours, reverse("directory:deputy_detail", args=[wang.pk]))
        self.assertNotContains(honours, self.world.deputies["li"].name)
        self.assertNotContains(honours, wang.mobile)
        current = stars.deputy_current_stars(deputy=wang)
        self.assertEqual((current.stars, current.label), (3, "2026 年度三星明星代表"))


class PermissionTest(StarWorld):
    def test_only_the_office_organises_rounds(self):
        for key in ("leader", "evaluator", "station_staff", "deputy"):
            with self.subTest(key), self.assertRaises(PermissionDenied):
                stars.star_round_create(actor=self.users[key], congress=self.pingfang,
                                        year=2026, kind=StarRound.Kind.STATION)
        with self.assertRaises(PermissionDenied):
            stars.star_round_create(actor=self.world.outsider, congress=self.pingfang,
                                    year=2026, kind=StarRound.Kind.STATION)
        star_round = self.station_round()
        self.nominate(star_round, station=self.xingjian)
        for user in (self.leader, self.evaluator, self.users["station_staff"],
                     self.world.outsider):
            with self.subTest(user.username), self.assertRaises(PermissionDenied):
                self.advance(star_round, "start_review", actor=user)
        self.client.force_login(self.users["station_staff"])
        self.assertEqual(self.client.get(reverse("duties:star_round_new")).status_code, 403)
        self.assertEqual(self.client.post(
            reverse("duties:star_round_move", args=[star_round.pk, "start_review"])).status_code,
            403)
        star_round.refresh_from_db()
        self.assertEqual(star_round.status, StarRound.Status.NOMINATING)

    def test_station_staff_put_forward_only_their_own_station(self):
        star_round = self.station_round()
        staff = self.users["station_staff"]
        self.assertEqual(list(stars.nominable_stations(user=staff, star_round=star_round)),
                         [self.xingjian])
        with self.assertRaises(PermissionDenied):
            self.nominate(star_round, staff, station=self.youxie)
        self.assertEqual(set(stars.nominable_stations(user=self.office, star_round=star_round)),
                         {self.xingjian, self.youxie})
        self.assertFalse(stars.nominable_stations(user=self.world.outsider,
                                                  star_round=star_round).exists())
        self.assertFalse(stars.nominable_stations(user=self.users["deputy"],
                                                  star_round=star_round).exists())

    def test_a_deputy_puts_forward_only_himself_and_staff_no_deputy(self):
        star_round = stars.star_round_create(actor=self.office, congress=self.pingfang,
                                             year=2026, kind=StarRound.Kind.DEPUTY)
        deputy = self.users["deputy"]
        with self.assertRaises(PermissionDenied):
            self.nominate(star_round, deputy, deputy=self.world.deputies["li"])
        with self.assertRaises(PermissionDenied):
            self.nominate(star_round, self.users["station_staff"],
                          deputy=self.world.deputies["wang"])
        with self.assertRaises(PermissionDenied):  # 孙丽华 sits in 松北区, not here
            self.nominate(star_round, deputy_user(self.world, "sun", congress="songbei"),
                          deputy=self.world.deputies["sun"])
        with self.assertRaisesMessage(ValidationError, "评定类别"):
            self.nominate(star_round, station=self.xingjian)
        self.nominate(star_round, deputy, deputy=self.world.deputies["wang"])
        with self.assertRaisesMessage(ValidationError, "已经在本轮候选中"):
            self.nominate(star_round, deputy=self.world.deputies["wang"])

    def test_a_nomination_is_withdrawn_while_nominating_only(self):
        star_round = self.station_round()
        candidate = self.nominate(star_round, self.users["station_staff"], station=self.xingjian)
        other = self.nominate(star_round, station=self.youxie)
        with self.assertRaises(PermissionDenied):
            stars.star_candidate_withdraw(actor=self.users["station_staff"],
                                          candidate_id=other.pk)
        self.client.force_login(self.users["station_staff"])
        page = self.client.get(reverse("duties:star_round", args=[star_round.pk]))
        self.assertEqual([c.pk for c in page.context["candidates"]], [candidate.pk])
        self.client.post(reverse("duties:star_withdraw", args=[candidate.pk]),
                         {"reason": "材料准备不足"})
        candidate.refresh_from_db()
        self.assertTrue(candidate.is_withdrawn)
        # Put forward again: the same row comes back.
        again = self.nominate(star_round, self.users["station_staff"], station=self.xingjian)
        self.assertEqual((again.pk, again.is_withdrawn), (candidate.pk, False))
        self.advance(star_round, "start_review")
        with self.assertRaisesMessage(ValidationError, "申报已经结束"):
            stars.star_candidate_withdraw(actor=self.office, candidate_id=other.pk)
        with self.assertRaisesMessage(ValidationError, "申报已经结束"):
            self.nominate(star_round, deputy=None, station=self.youxie)

    def test_reviewers_are_the_evaluators_and_leaders(self):
        star_round = self.station_round()
        candidate = self.nominate(star_round, station=self.xingjian)
        self.advance(star_round, "start_review")
        for user in (self.office, self.users["station_staff"], self.users["deputy"],
                     self.world.outsider):
            with self.subTest(user.username), self.assertRaises(PermissionDenied):
                self.score(candidate, user, 10, 10, 10, 10)
        self.client.force_login(self.office)
        self.assertEqual(self.client.get(
            reverse("duties:star_review", args=[star_round.pk])).status_code, 403)
        self.client.force_login(self.evaluator)
        self.assertEqual(self.client.get(
            reverse("duties:star_review", args=[star_round.pk])).status_code, 200)
        self.client.force_login(self.world.outsider)
        self.assertEqual(self.client.get(
            reverse("duties:star_round", args=[star_round.pk])).status_code, 404)

    def test_the_panel_is_the_office_and_the_leaders(self):
        star_round, xingjian, _youxie = self.reviewed_round()
        self.advance(star_round, "close_vote", today=AFTER)
        for user in (self.evaluator, self.users["station_staff"], self.world.outsider):
            with self.subTest(user.username), self.assertRaises(PermissionDenied):
                stars.star_decisions_save(actor=user, round_id=star_round.pk,
                                          decisions={xingjian.pk: (3, "")})
        stars.star_decisions_save(actor=self.office, round_id=star_round.pk,
                                  decisions={xingjian.pk: (3, "")})
        with self.assertRaises(PermissionDenied):
            self.advance(star_round, "publish", actor=self.evaluator)

    def test_steps_out_of_order_are_refused(self):
        star_round = self.station_round()
        with self.assertRaises(TransitionNotAllowed):
            self.advance(star_round, "publish", actor=self.leader)
        self.client.force_login(self.office)
        response = self.client.post(
            reverse("duties:star_round_move", args=[star_round.pk, "open_vote"]), follow=True)
        self.assertContains(response, "当前状态下不能执行")


class ReviewScoreTest(StarWorld):
    def setUp(self):
        super().setUp()
        self.round = self.station_round()
        self.candidate = self.nominate(self.round, station=self.xingjian)
        self.round = self.advance(self.round, "start_review")

    def test_every_criterion_is_scored_within_its_maximum(self):
        cases = [
            ((21, 10, 10, 10), "score_facilities", "0 到 20"),
            ((-1, 10, 10, 10), "score_facilities", "0 到 20"),
            ((10, 10, "很好", 10), "score_activities", "请填写分数"),
            ((10, 10, 10, "10.555"), "score_results", "两位小数"),
            ((10, 10, 10, ""), "score_results", "请填写分数"),
        ]
        for values, field, message in cases:
            with self.subTest(values), self.assertRaises(ValidationError) as caught:
                self.score(self.candidate, self.evaluator, *values)
            self.assertIn(message, " ".join(caught.exception.message_dict[field]))
        self.assertFalse(StarReviewScore.objects.exists())

    def test_the_average_is_the_mean_of_the_reviewers_totals_and_may_be_revised(self):
        self.score(self.candidate, self.evaluator, 20, 20, 30, 30)
        self.score(self.candidate, self.leader, 10, 10, 15, 15.5)
        self.candidate.refresh_from_db()
        self.assertEqual(self.candidate.review_average, Decimal("75.25"))
        self.score(self.candidate, self.leader, 10, 10, 15, 25)
        self.candidate.refresh_from_db()
        self.assertEqual(self.candidate.review_average, Decimal("80.00"))
        self.assertEqual(StarReviewScore.objects.count(), 8)
        self.advance(self.round, "open_vote")
        with self.assertRaisesMessage(ValidationError, "网络投票开始后不能再修改评分"):
            self.score(self.candidate, self.leader, 20, 20, 30, 30)

    def test_the_page_keeps_what_was_typed_and_names_the_error(self):
        self.client.force_login(self.evaluator)
        prefix = f"c{self.candidate.pk}"
        response = self.client.post(
            reverse("duties:star_review_candidate", args=[self.candidate.pk]),
            {f"{prefix}-score_facilities": "25", f"{prefix}-score_organisation": "18",
             f"{prefix}-score_activities": "26", f"{prefix}-score_results": "27",
             f"{prefix}-comment": "台账规范"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "分数不能超过 20", status_code=400)
        self.assertContains(response, 'value="18"', status_code=400)
        self.assertContains(response, "台账规范", status_code=400)
        response = self.client.post(
            reverse("duties:star_review_candidate", args=[self.candidate.pk]),
            {f"{prefix}-score_facilities": "19.5", f"{prefix}-score_organisation": "18",
             f"{prefix}-score_activities": "26", f"{prefix}-score_results": "27"})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(reverse("duties:star_review", args=[self.round.pk]))
        self.assertContains(page, "我的评分：90.50")


class ScoreMathsTest(TestCase):
    def test_combined_score(self):
        cases = [
            # review_average, max_total, votes, max_votes, weight → combined
            (Decimal(93), Decimal(100), 30, 30, Decimal("0.3"), Decimal("95.10")),
            (Decimal(72), Decimal(100), 10, 30, Decimal("0.3"), Decimal("60.40")),
            (Decimal(45), Decimal(50), 0, 0, Decimal("0.3"), Decimal("63.00")),
            (None, Decimal(100), 5, 10, Decimal("0.5"), Decimal("25.00")),
            (Decimal(80), Decimal(100), 1, 3, Decimal(0), Decimal("80.00")),
            (Decimal(80), Decimal(100), 1, 3, Decimal(1), Decimal("33.33")),
        ]
        for average, total, votes, most, weight, expected in cases:
            with self.subTest(average=average, votes=votes, weight=weight):
                self.assertEqual(stars.combined_score(
                    review_average=average, max_total=total, votes=votes, max_votes=most,
                    weight=weight), expected)

    def test_suggested_stars(self):
        levels = [{"stars": 1, "min": 70}, {"stars": 3, "min": 90}, {"stars": 2, "min": 80}]
        cases = [(Decimal("95.1"), 3), (Decimal(90), 3), (Decimal("89.99"), 2), (Decimal(80), 2),
                 (Decimal(70), 1), (Decimal("69.99"), 0), (None, 0)]
        for score, expected in cases:
            with self.subTest(score=score):
                self.assertEqual(stars.suggested_stars(score, levels), expected)

    def test_star_symbols(self):
        self.assertEqual([stars.star_symbols(n) for n in (0, 1, 3, None)], ["", "★", "★★★", ""])


class PagesTest(StarWorld):
    def test_the_office_creates_a_round_and_a_bad_form_keeps_what_was_typed(self):
        self.client.force_login(self.office)
        url = reverse("duties:star_round_new")
        response = self.client.post(url, {"congress": self.pingfang.pk, "year": "2026",
                                          "kind": "station", "title": "兴建星级评定",
                                          "vote_opens_on": "2026-05-10",
                                          "vote_closes_on": "2026-05-01"})
        self.assertContains(response, "投票截止日期不能早于开始日期")
        self.assertContains(response, "兴建星级评定")
        response = self.client.post(url, {"congress": self.pingfang.pk, "year": "2026",
                                          "kind": "station", "title": "",
                                          "vote_opens_on": "2026-05-01"})
        star_round = StarRound.objects.get()
        self.assertRedirects(response, reverse("duties:star_round", args=[star_round.pk]))
        self.assertEqual(star_round.title, "2026 年度星级联络站评定")
        response = self.client.post(url, {"congress": self.pingfang.pk, "year": "2026",
                                          "kind": "station"})
        self.assertContains(response, "已经建立")
        listing = self.client.get(reverse("duties:star_rounds"))
        self.assertContains(listing, "2026 年度星级联络站评定")

    def test_staff_pages_refuse_anonymous_and_unit_users(self):
        star_round = self.station_round()
        url = reverse("duties:star_round", args=[star_round.pk])
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.users["unit_handler"])
        self.assertEqual(self.client.get(reverse("duties:star_rounds")).status_code, 403)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_public_pages_show_nothing_of_rounds_before_the_vote(self):
        star_round = self.station_round()
        self.nominate(star_round, station=self.xingjian)
        self.assertEqual(self.client.get(
            reverse("duties:star_vote_page", args=[star_round.pk])).status_code, 404)
        response = self.client.get(reverse("duties:honours"))
        self.assertContains(response, "暂无公布的星级评定结果")
        self.assertEqual(self.client.get(
            reverse("duties:honours_year", args=[2026])).status_code, 404)

    def test_demo_round(self):
        from renda.duties.demo_stars import demo_star_round

        admin = User.objects.get(username="admin")
        rounds = demo_star_round(self.pingfang, 2026, admin)
        self.assertEqual(rounds["station"].status, StarRound.Status.PUBLISHED)
        self.assertEqual(rounds["deputy"].status, StarRound.Status.VOTING)
        rated = {c.station_id: c.stars for c in rounds["station"].candidates.all()}
        self.assertEqual(sorted(rated.values()), [2, 3])
        self.assertTrue(rounds["deputy"].candidates.filter(public_votes__gt=0).exists())
        again = demo_star_round(self.pingfang, 2026, admin)
        self.assertEqual(again["station"].pk, rounds["station"].pk)
        self.assertEqual(StarRound.objects.count(), 2)
