"""The three rates: exact values on a small constructed month, the response window across a
weekend, a festival and a make-up working day, empty denominators, who reads which rows, and
the statistics page (filters, scopes, the per-station figures and its query count)."""

import datetime
from contextlib import contextmanager

import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.models import Event
from renda.directory.models import CongressSetting
from renda.opinions import services, stats
from renda.opinions.models import Opinion
from renda.opinions.stats import Period, Ratio
from renda.opinions.tests.helpers import OpinionTestCase

R = Opinion.Rating
STATS = reverse("opinions:stats")
NOVEMBER = Period.month(2026, 11)
NOW = "2026-11-25 12:00 +0800"


def station_stats(code: str) -> str:
    return reverse("opinions:station_stats", args=[code])


@contextmanager
def at(moment: str):
    """Beijing time `moment`, frozen."""
    with time_machine.travel(f"{moment} +0800", tick=False):
        yield


class StatsTestCase(OpinionTestCase):
    """Moves items through the services at chosen Beijing times (class methods, so that
    `setUpTestData` can build a month once)."""

    at = staticmethod(at)

    @classmethod
    def received(cls, moment: str, *, station: str = "xingjian", deputy: str = "wang",
                 congress: str = "pingfang") -> tuple[Opinion, str]:
        w = cls.world
        with at(moment):
            return services.opinion_submit(
                congress=w.congresses[congress], channel=Opinion.Channel.QR_STATION,
                type_code="help", title="小区路灯不亮", content="兴建路 8 号小区路灯坏了。",
                citizen_name="张三", citizen_mobile="13904510001",
                addressed_station=w.stations[station], addressed_deputy=w.deputies[deputy])

    @classmethod
    def transfer(cls, opinion: Opinion, moment: str, unit: str = "housing") -> None:
        with at(moment):
            services.opinion_transfer(actor=cls.office, opinion_id=opinion.pk,
                                      unit_id=cls.world.units[unit].pk)

    @classmethod
    def triage(cls, opinion: Opinion, moment: str, outcome: str = "answer_on_spot") -> None:
        with at(moment):
            services.opinion_triage(actor=cls.office, opinion_id=opinion.pk, outcome=outcome)

    @classmethod
    def accept(cls, opinion: Opinion, moment: str) -> None:
        with at(moment):
            services.opinion_accept(actor=cls.handler, opinion_id=opinion.pk)

    @classmethod
    def conclude(cls, opinion: Opinion, secret: str, moment: str, rating: str,
                 solved: bool | None) -> None:
        """Reply, confirm and rate, all at one moment."""
        with at(moment):
            services.opinion_reply(actor=cls.handler, opinion_id=opinion.pk, body="已办理。")
            services.opinion_confirm(actor=cls.office, opinion_id=opinion.pk)
            services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                                  rating=rating, solved=solved)

    def rates_of(self, period: Period = NOVEMBER, user: User | None = None,
                 now: str = NOW) -> stats.Report:
        user = user or self.office
        scope = stats.StatScope.load(user=user, congress=self.world.congresses["pingfang"])
        with at(now.removesuffix(" +0800")):
            return stats.opinion_stats(user=user, scope=scope, period=period)


def row(rows: list[stats.Row], obj) -> stats.Rates:
    return next(r.rates for r in rows if r.obj == obj)


class NovemberTestCase(StatsTestCase):
    """兴建 station's November 2026 (1 November is a Sunday):

    A  Fri 6th, transferred Mon 9th (window ends Mon 9th): on time; housing signs Tue 10th
       (window from Mon 9th ends Tue 10th): on time; rated 满意, solved.
    B  Fri 6th, transferred Tue 10th: late; housing signs Thu 12th: late; rated 不满意, not
       solved.
    C  Mon 9th, answered on the spot the same day: on time.
    F  Wed 11th, transferred Thu 12th: on time; signed the same day; rated 基本满意 without
       answering "solved?".
    G  Tue 17th, transferred Wed 18th; housing returns it Thu 19th (on time), then it goes to
       health the same day and nobody signs by the 25th: health late.
    E  Mon 16th, never triaged: late.
    D  Wed 25th 10:00, not triaged at noon: its window runs to Thu 26th: left out.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        self = cls
        cls.a, a = self.received("2026-11-06 10:00")
        cls.b, b = self.received("2026-11-06 10:30")
        cls.c, _ = self.received("2026-11-09 09:00")
        cls.f, f = self.received("2026-11-11 09:00")
        cls.g, _ = self.received("2026-11-17 09:00", station="youxie", deputy="zhao")
        cls.e, _ = self.received("2026-11-16 09:00")
        cls.d, _ = self.received("2026-11-25 10:00")
        self.transfer(cls.a, "2026-11-09 09:00")
        self.accept(cls.a, "2026-11-10 16:00")
        self.conclude(cls.a, a, "2026-11-13 10:00", R.SATISFIED, True)
        self.transfer(cls.b, "2026-11-10 09:00")
        self.accept(cls.b, "2026-11-12 09:00")
        self.conclude(cls.b, b, "2026-11-16 10:00", R.DISSATISFIED, False)
        self.triage(cls.c, "2026-11-09 15:00")
        self.transfer(cls.f, "2026-11-12 09:00")
        self.accept(cls.f, "2026-11-12 10:00")
        self.conclude(cls.f, f, "2026-11-20 10:00", R.BASICALLY_SATISFIED, None)
        self.transfer(cls.g, "2026-11-18 09:00")
        with at("2026-11-19 09:00"):
            services.opinion_return(actor=cls.handler, opinion_id=cls.g.pk, reason="不归我局")
        self.transfer(cls.g, "2026-11-19 10:00", unit="health")
        # An item of October and one of 松北 never count in 平房's November.
        self.received("2026-10-30 09:00")
        self.received("2026-11-10 09:00", congress="songbei", station="songbei", deputy="sun")


class TestRates(NovemberTestCase):
    def test_the_station_rates_are_exact(self):
        rates = row(self.rates_of().stations, self.world.stations["xingjian"])
        self.assertEqual(rates.received, 6)
        self.assertEqual(rates.response, Ratio(3, 5))  # A, C, F on time; B, E late; not D
        self.assertEqual(rates.response_pending, 1)
        self.assertEqual(rates.response.percent, "60.0%")
        self.assertEqual(rates.rated, 3)
        self.assertEqual(rates.solved, Ratio(1, 2))  # F did not answer
        self.assertEqual(rates.satisfied, Ratio(2, 3))
        self.assertEqual(rates.satisfied.percent, "66.7%")
        self.assertEqual(rates.fully_satisfied, Ratio(1, 3))
        self.assertEqual(rates.fully_satisfied.percent, "33.3%")

    def test_the_unit_response_counts_each_transfer_and_returns(self):
        report = self.rates_of()
        housing = row(report.units, self.world.units["housing"])
        self.assertEqual(housing.response, Ratio(3, 4))  # A, F, G's return on time; B late
        self.assertEqual(housing.received, 3)  # it holds A, B and F now
        self.assertEqual(housing.solved, Ratio(1, 2))
        self.assertEqual(housing.satisfied, Ratio(2, 3))
        health = row(report.units, self.world.units["health"])
        self.assertEqual(health.response, Ratio(0, 1))
        self.assertEqual(health.response.percent, "0.0%")
        self.assertEqual(health.rated, 0)
        self.assertEqual(health.satisfied.percent, "—")

    def test_the_deputy_and_street_rates(self):
        report = self.rates_of()
        wang = row(report.deputies, self.world.deputies["wang"])
        self.assertEqual((wang.received, wang.response), (6, Ratio(3, 5)))
        zhao = row(report.deputies, self.world.deputies["zhao"])
        self.assertEqual((zhao.received, zhao.response), (1, Ratio(1, 1)))
        self.assertEqual(row(report.deputies, self.world.deputies["li"]).received, 0)
        # The helper files no area: the street table stays empty but lists the streets.
        self.assertEqual([r.obj for r in report.streets],
                         [self.world.areas["xingjian"], self.world.areas["youxie"]])

    def test_a_pending_item_counts_once_its_window_has_run_out(self):
        later = self.rates_of(now="2026-11-27 09:00 +0800")
        rates = row(later.stations, self.world.stations["xingjian"])
        self.assertEqual((rates.response, rates.response_pending), (Ratio(3, 6), 0))

    def test_the_charts_count_what_the_user_reads(self):
        charts = {c.key: c for c in self.rates_of().charts}
        self.assertEqual(charts["type"].rows, [("求助", 7)])
        self.assertEqual(charts["area"].rows, [("未注明街道（乡镇）", 7)])
        self.assertEqual(dict(charts["status"].rows),
                         {"已受理": 2, "当场答复": 1, "已交办": 1, "已办结": 2, "不满意": 1})
        station = self.world.users["station_staff"]
        charts = {c.key: c for c in self.rates_of(user=station).charts}
        self.assertEqual(charts["type"].total, 6)  # not G, addressed to 友协

    def test_a_quarter_and_a_year_hold_the_month_and_october(self):
        quarter = self.rates_of(Period.quarter(2026, 4))
        self.assertEqual(row(quarter.stations, self.world.stations["xingjian"]).received, 7)
        year = self.rates_of(Period.year(2026))
        self.assertEqual(row(year.stations, self.world.stations["xingjian"]).received, 7)
        custom = self.rates_of(Period(datetime.date(2026, 11, 9), datetime.date(2026, 11, 11)))
        self.assertEqual(row(custom.stations, self.world.stations["xingjian"]).received, 2)

    def test_the_period_ends_at_midnight_beijing_time(self):
        self.received("2026-11-30 23:59")
        self.received("2026-12-01 00:00")
        rates = row(self.rates_of().stations, self.world.stations["xingjian"])
        self.assertEqual(rates.received, 7)

    def test_a_congress_may_widen_the_response_window(self):
        CongressSetting.objects.create(congress=self.world.congresses["pingfang"],
                                       key="opinions.response_window", value="2wd",
                                       effective_from=datetime.date(2026, 1, 1))
        rates = row(self.rates_of().stations, self.world.stations["xingjian"])
        self.assertEqual(rates.response, Ratio(4, 5))  # B, triaged on the second day, on time


class TestWindow(StatsTestCase):
    """The window of one working day, over a weekend, the Mid-Autumn Festival (Friday 25
    September 2026), the National Day week (1 to 7 October) and a make-up Saturday (10 October)."""

    def response(self, received: str, triaged: str, period: Period) -> Ratio:
        opinion, _ = self.received(received)
        self.triage(opinion, triaged, outcome="handle_in_station")
        rates = row(self.rates_of(period).stations, self.world.stations["xingjian"])
        # Gone with its log, so that an id SQLite hands out again starts with none.
        Event.objects.filter(content_type__model="opinion", object_id=opinion.pk).delete()
        Opinion.objects.filter(pk=opinion.pk).delete()
        return rates.response

    def test_it_skips_weekends_festivals_and_holidays(self):
        september, october = Period.month(2026, 9), Period.month(2026, 10)
        cases = [
            ("2026-09-24 16:00", "2026-09-28 09:00", september, Ratio(1, 1)),  # Thu → Mon
            ("2026-09-24 16:00", "2026-09-29 09:00", september, Ratio(0, 1)),
            ("2026-09-30 16:00", "2026-10-08 17:00", september, Ratio(1, 1)),  # → Thu 8th
            ("2026-09-30 16:00", "2026-10-09 09:00", september, Ratio(0, 1)),
            ("2026-10-09 16:00", "2026-10-10 17:00", october, Ratio(1, 1)),  # make-up Sat
            ("2026-10-09 16:00", "2026-10-12 09:00", october, Ratio(0, 1)),
            ("2026-10-03 10:00", "2026-10-08 23:59", october, Ratio(1, 1)),  # in the holiday
        ]
        for received, triaged, period, expected in cases:
            with self.subTest(received=received, triaged=triaged):
                self.assertEqual(self.response(received, triaged, period), expected)

    def test_the_window_case_has_one_branch_per_deadline(self):
        now = stats.local_midnight(datetime.date(2026, 11, 17))
        window = stats.ResponseWindow(congress=self.world.congresses["pingfang"], now=now)
        terms = window.terms("created_at", NOVEMBER.start, NOVEMBER.end)
        # One branch per deadline: the 21 working days from Monday 2nd to Monday 30th and
        # Tuesday 1 December.
        self.assertEqual(len(terms.end.cases), 22)
        # Windows of starts up to Friday 13th ended by Monday 16th, 24:00; none is unknown.
        self.assertEqual(terms.passed, Q(created_at__gte=NOVEMBER.start_at,
                                         created_at__lt=stats.local_midnight(
                                             datetime.date(2026, 11, 16))))
        self.assertIsNone(terms.unknown)


class TestEmpty(StatsTestCase):
    def test_nothing_received_shows_dashes(self):
        rates = row(self.rates_of().stations, self.world.stations["xingjian"])
        self.assertEqual(rates.received, 0)
        for ratio in (rates.response, rates.solved, rates.satisfied, rates.fully_satisfied):
            self.assertEqual((ratio.percent, ratio.fraction), ("—", "0/0"))

    def test_only_pending_items_leave_the_response_rate_empty(self):
        self.received("2026-11-25 10:00")
        rates = row(self.rates_of().stations, self.world.stations["xingjian"])
        self.assertEqual((rates.received, rates.response_pending), (1, 1))
        self.assertEqual(rates.response.percent, "—")

    def test_a_year_the_calendar_does_not_know_is_reported(self):
        report = self.rates_of(Period.month(2030, 1), now="2030-01-20 12:00 +0800")
        self.assertEqual(report.uncovered_years, [2030])


class TestRows(StatsTestCase):
    """Whose rows each persona reads."""

    def scope(self, user: User, congress: str = "pingfang") -> stats.StatScope:
        return stats.StatScope.load(user=user, congress=self.world.congresses[congress])

    def test_each_persona_reads_its_own_objects(self):
        w = self.world
        cases = {
            "office_staff": ({"xingjian", "youxie"}, {"gov", "housing", "health"},
                             {"wang", "li", "zhao"}, {"xingjian", "youxie"}),
            "station_staff": ({"xingjian"}, set(), set(), set()),
            "unit_handler": (set(), {"housing"}, set(), set()),
            "deputy": (set(), set(), {"wang"}, set()),
        }
        names = {kind: {v.pk: k for k, v in getattr(w, kind).items()}
                 for kind in ("stations", "units", "deputies", "areas")}
        for persona, expected in cases.items():
            scope = self.scope(w.users[persona])
            got = ({names["stations"][s.pk] for s in scope.stations},
                   {names["units"][u.pk] for u in scope.units},
                   {names["deputies"][d.pk] for d in scope.deputies},
                   {names["areas"][a.pk] for a in scope.streets})
            self.assertEqual(got, expected, persona)

    def test_the_outsider_reads_nothing_of_pingfang(self):
        self.assertEqual(stats.stat_congresses_for(user=self.world.outsider),
                         [self.world.congresses["songbei"]])
        scope = self.scope(self.world.outsider)
        self.assertEqual((scope.stations, scope.units, scope.deputies, scope.streets),
                         ([], [], [], []))

    def test_a_user_without_a_role_has_no_congress(self):
        nobody = User.objects.create_user(username="nobody")
        self.assertEqual(stats.stat_congresses_for(user=nobody), [])

    def test_the_unit_reads_the_same_figures_as_the_office(self):
        opinion, _ = self.received("2026-11-09 09:00")
        self.transfer(opinion, "2026-11-09 10:00")
        with self.at("2026-11-10 09:00"):
            services.opinion_return(actor=self.handler, opinion_id=opinion.pk, reason="不归我局")
        housing = self.world.units["housing"]
        for user in (self.office, self.handler):
            self.assertEqual(row(self.rates_of(user=user).units, housing).response, Ratio(1, 1))


class StatsPageTestCase(StatsTestCase):
    def get(self, user: User | None, url: str = STATS, **params):
        if user is not None:
            self.client.force_login(user)
        with self.at(NOW.removesuffix(" +0800")):
            return self.client.get(url, {"period": "month", "year": 2026, "month": 11,
                                         **params})


class TestPage(StatsPageTestCase, NovemberTestCase):
    def test_it_sends_anonymous_visitors_to_login(self):
        for url in (STATS, station_stats("PF-XJ-01")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_refuses_users_without_a_role(self):
        nobody = User.objects.create_user(username="nobody")
        self.assertEqual(self.get(nobody).status_code, 403)

    def test_the_office_sees_every_table_with_definitions(self):
        response = self.get(self.office)
        self.assertEqual(response.status_code, 200)
        for text in ("各联络站", "各承办单位", "各代表", "各街道（乡镇）", "兴建街道人大代表联络站",
                     "平房区卫生健康局", "赵志强", "响应率", "解决率", "满意率",
                     "按受理时间统计", "尚未到期"):
            self.assertContains(response, text)
        self.assertContains(response, 'id="chart-type"')
        data = response.context["chart_data"]
        self.assertEqual(data["type"], {"labels": ["求助"], "values": [7]})
        self.assertContains(response, 'id="opinion-chart-data"')

    def test_the_station_page_shows_its_three_rates_by_id(self):
        response = self.get(self.world.users["station_staff"], station_stats("PF-XJ-01"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<span class="rate__value" id="rate-response-value">'
                                      '60.0%</span>', html=True)
        self.assertContains(response, '<span class="rate__count" id="rate-response-count">'
                                      '3/5</span>', html=True)
        self.assertContains(response, '<span class="rate__value" id="rate-solved-value">'
                                      '50.0%</span>', html=True)
        self.assertContains(response, '<span class="rate__value" id="rate-satisfied-value">'
                                      '66.7%</span>', html=True)
        self.assertContains(response, '<span class="rate__count" id="rate-satisfied-count">'
                                      '2/3</span>', html=True)
        self.assertContains(response, "兴建街道人大代表联络站")
        same = self.get(self.office, STATS, station="PF-XJ-01")
        self.assertEqual(same.context["report"].focus.rates,
                         response.context["report"].focus.rates)

    def test_each_persona_sees_only_its_rows(self):
        w = self.world
        cases = [
            (w.users["station_staff"], ["兴建街道人大代表联络站"],
             ["友协街道人大代表联络站", "平房区住房和城乡建设局", "赵志强"]),
            (self.handler, ["平房区住房和城乡建设局"],
             ["平房区卫生健康局", "兴建街道人大代表联络站", "王建国"]),
            (w.users["deputy"], ["王建国"], ["李秀英", "兴建街道人大代表联络站"]),
        ]
        for user, shown, hidden in cases:
            response = self.get(user)
            self.assertEqual(response.status_code, 200, user)
            for text in shown:
                self.assertContains(response, text, msg_prefix=str(user))
            for text in hidden:
                self.assertNotContains(response, text, msg_prefix=str(user))

    def test_the_outsider_gets_nothing_of_pingfang(self):
        outsider = self.world.outsider
        response = self.get(outsider)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "兴建街道人大代表联络站")
        self.assertContains(response, "松北街道人大代表之家")
        self.assertEqual(self.get(outsider, station_stats("PF-XJ-01")).status_code, 404)
        pingfang = self.world.congresses["pingfang"].pk
        self.assertEqual(self.get(outsider, congress=pingfang).status_code, 404)
        self.assertEqual(self.get(outsider, unit=self.world.units["housing"].pk).status_code,
                         404)
        charts = {c.key: c for c in self.get(outsider).context["report"].charts}
        self.assertEqual(charts["type"].total, 1)

    def test_a_station_outside_the_scope_is_a_404(self):
        station = self.world.users["station_staff"]
        self.assertEqual(self.get(station, station_stats("PF-YX-01")).status_code, 404)
        self.assertEqual(self.get(station, station="PF-YX-01").status_code, 404)

    def test_bad_filters_answer_400_with_the_errors(self):
        response = self.get(self.office, period="custom", start="2026-11-30", end="2026-11-01")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "开始日期不能晚于结束日期", status_code=400)
        response = self.get(self.office, station="PF-XJ-01", deputy=self.world.deputies["wang"].pk)
        self.assertEqual(response.status_code, 400)

    def test_a_custom_range_and_the_default_period(self):
        response = self.get(self.office, period="custom", start="2026-11-09", end="2026-11-11",
                            station="PF-XJ-01")
        self.assertEqual(response.context["report"].focus.rates.received, 2)
        self.client.force_login(self.office)
        with self.at("2026-11-25 12:00"):
            response = self.client.get(STATS)
        self.assertEqual(response.context["report"].period, NOVEMBER)

    def test_the_query_count_does_not_grow_with_the_data(self):
        self.client.force_login(self.office)
        with CaptureQueriesContext(connection) as overview:
            self.assertEqual(self.get(None).status_code, 200)
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(self.get(None, station="PF-XJ-01").status_code, 200)
        for moment in ("2026-11-02 09:00", "2026-11-03 09:00", "2026-11-04 09:00"):
            opinion, _ = self.received(moment, station="youxie", deputy="li")
            self.transfer(opinion, moment.replace("09:00", "10:00"))
            self.accept(opinion, moment.replace("09:00", "11:00"))
        with self.assertNumQueries(len(overview)):
            self.get(None)
        with self.assertNumQueries(len(one)):
            self.get(None, station="PF-XJ-01")
        self.assertLess(len(one), len(overview))


class TestPageRoles(StatsPageTestCase):
    def test_a_user_with_roles_in_two_congresses_picks_one(self):
        both = User.objects.create_user(username="both")
        for key in ("pingfang", "songbei"):
            RoleAssignment.objects.create(user=both, role=Role.OFFICE_STAFF,
                                          congress=self.world.congresses[key])
        songbei = self.world.congresses["songbei"]
        response = self.get(both, congress=songbei.pk)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "松北街道人大代表之家")
        self.assertNotContains(response, "兴建街道人大代表联络站")
