"""Duty reports (述职): who is proposed to report, the round and report pages, who may do what,
the slips of codes as a PDF with Noto Sans SC embedded, the published results, and the demo."""

import datetime
import io
import re
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from renda.accounts.models import User
from renda.core.models import Event
from renda.directory.models import CongressSetting, Deputy, Mandate, Term
from renda.directory.testing import World, build_world
from renda.directory.tests.test_cards import embedded_fonts
from renda.duties import reports
from renda.duties.demo_reports import demo_duty_reports
from renda.duties.models import DutyReport, DutyReportRound, ReportBallot
from renda.suggestions.tests.test_drafting_base import deputy_user

R = DutyReport.Status
TEXT = "一年来我在兴建街道联络站接待选民 12 次，提出建议 3 件，均已办理答复。"


def this_year() -> int:
    return timezone.localdate().year


class ReportWorld(TestCase):
    """The test world with its office clerk, deputies 王建国 (user "deputy") and 李秀英 (user
    "li"), and a helper that walks a report to any state through the services."""

    def setUp(self) -> None:
        cache.clear()  # the vote pages' rate limits count in the cache
        self.world: World = build_world()
        self.pf = self.world.congresses["pingfang"]
        self.office = self.world.users["office_staff"]
        self.deputy = self.world.users["deputy"]
        self.li = deputy_user(self.world, "li")
        self.station = self.world.stations["xingjian"]

    def round(self, year: int | None = None, share: str = "0.2") -> DutyReportRound:
        return reports.report_round_create(actor=self.office, congress=self.pf,
                                           year=year or this_year(), share=share)

    def report_of(self, round: DutyReportRound, key: str) -> DutyReport:
        deputy = self.world.deputies[key]
        existing = round.reports.filter(deputy=deputy).first()
        return existing or reports.report_deputy_add(actor=self.office, round_id=round.pk,
                                                     deputy_id=deputy.pk)

    def report_at(self, status: str, key: str = "wang", *, codes: int = 5,
                  round: DutyReportRound | None = None) -> tuple[DutyReport, list[str]]:
        """A report of deputy `key` moved to `status`; the codes when a vote was opened."""
        report = self.report_of(round or self.round(), key)
        codes_issued: list[str] = []
        if status == R.SELECTED:
            return report, codes_issued
        reports.report_arrange(actor=self.office, report_id=report.pk, audience="station",
                               station_id=self.station.pk, scheduled_on=timezone.localdate())
        reports.report_text_submit(actor=self.office, report_id=report.pk, text=TEXT)
        if status != R.SUBMITTED:
            report, codes_issued = reports.report_vote_open(actor=self.office,
                                                            report_id=report.pk, count=codes)
        if status in (R.CLOSED, R.PUBLISHED):
            reports.report_vote_cast(code=codes_issued[0], choice="satisfied")
            reports.report_vote_close(actor=self.office, report_id=report.pk)
        if status == R.PUBLISHED:
            reports.report_publish(actor=self.office, report_id=report.pk)
        report.refresh_from_db()
        return report, codes_issued

    def login(self, user: User) -> None:
        self.client.force_login(user)


def more_deputies(world: World, count: int) -> list[Deputy]:
    """`count` more deputies of 平房区 holding a seat since the term began."""
    added = []
    for number in range(count):
        deputy = Deputy.objects.create(name=f"测试代表{number + 1:02d}")
        Mandate.objects.create(deputy=deputy, term=world.terms["pingfang"],
                               start_date=datetime.date(2022, 1, 5))
        added.append(deputy)
    return added


def reported(world: World, deputies: list[Deputy], year: int, status: str = R.PUBLISHED) -> None:
    """Hand-built history: these deputies reported in `year` (a past round)."""
    round, _created = DutyReportRound.objects.get_or_create(
        congress=world.congresses["pingfang"], year=year,
        defaults={"title": f"{year}年度述职", "share": Decimal("0.2")})
    for deputy in deputies:
        DutyReport.objects.create(round=round, deputy=deputy, status=status)


class SelectionTest(ReportWorld):
    def propose(self, share: str = "0.2", year: int = 2026) -> list[str]:
        chosen = reports.report_selection_propose(congress=self.pf, year=year,
                                                  share=Decimal(share))
        return sorted(d.name for d in chosen)

    def test_it_proposes_20_percent_of_10_deputies_preferring_those_who_never_reported(self):
        extra = more_deputies(self.world, 7)  # 3 + 7 = 10 deputies
        deputies = list(self.world.deputies.values())[:3] + extra
        never = [self.world.deputies["li"], extra[4]]
        reported(self.world, [d for d in deputies if d not in never], 2024)
        for _attempt in range(5):  # ties are random; the rule is not
            self.assertEqual(self.propose(), sorted(d.name for d in never))

    def test_it_rounds_up_and_does_not_count_float_noise(self):
        more_deputies(self.world, 7)
        self.assertEqual(len(self.propose("0.2")), 2)  # 0.2 × 10 is 2, not 3
        self.assertEqual(len(self.propose("0.25")), 3)  # 2.5 → 3
        self.assertEqual(len(self.propose("0.01")), 1)

    def test_it_prefers_the_earliest_last_report_when_all_reported_this_term(self):
        wang, li, zhao = (self.world.deputies[key] for key in ("wang", "li", "zhao"))
        reported(self.world, [wang], 2023)
        reported(self.world, [li], 2024)
        reported(self.world, [zhao], 2025)
        self.assertEqual(self.propose("0.5"), ["李秀英", "王建国"])  # ceil(1.5) = 2

    def test_a_report_in_an_earlier_term_or_an_excused_one_does_not_count(self):
        wang, li, zhao = (self.world.deputies[key] for key in ("wang", "li", "zhao"))
        reported(self.world, [wang], 2021)  # before the term began in 2022
        reported(self.world, [li], 2023, status=R.EXCUSED)
        reported(self.world, [zhao], 2024)
        chosen = self.propose("0.5")
        self.assertNotIn("赵志强", chosen)
        self.assertEqual(len(chosen), 2)

    def test_deputies_without_a_seat_that_year_are_not_proposed(self):
        Mandate.objects.filter(deputy=self.world.deputies["zhao"]).update(
            end_date=datetime.date(2025, 6, 30))
        self.assertNotIn("赵志强", self.propose("1", year=2026))

    def test_the_round_takes_the_share_from_the_setting_and_selects_at_once(self):
        CongressSetting.objects.create(congress=self.pf, key="duties.report_share", value=0.5,
                                       effective_from=datetime.date(2000, 1, 1))
        round = reports.report_round_create(actor=self.office, congress=self.pf,
                                            year=this_year())
        self.assertEqual(round.share, Decimal("0.500"))
        self.assertEqual(round.reports.filter(status=R.SELECTED).count(), 2)  # ceil(1.5)
        self.assertTrue(Event.objects.filter(action="create", object_id=round.pk).exists())

    def test_one_round_a_year(self):
        self.round()
        with self.assertRaises(ValidationError):
            self.round()


class RoundChangesTest(ReportWorld):
    def test_the_office_adds_and_excuses_before_the_votes_start(self):
        round = self.round(share="0.01")
        wang = self.report_of(round, "wang")
        li = self.report_of(round, "li")
        with self.assertRaises(ValidationError):
            reports.report_excuse(actor=self.office, report_id=li.pk, reason="  ")
        reports.report_excuse(actor=self.office, report_id=li.pk, reason="因病请假")
        li.refresh_from_db()
        self.assertEqual(li.status, R.EXCUSED)
        self.assertEqual(Event.objects.get(action="excuse", object_id=li.pk).note, "因病请假")
        with self.assertRaises(ValidationError):  # already on the list
            reports.report_deputy_add(actor=self.office, round_id=round.pk,
                                      deputy_id=self.world.deputies["li"].pk)
        self.report_at(R.VOTING, "wang", round=round)
        with self.assertRaises(ValidationError):  # the first vote has opened
            reports.report_deputy_add(actor=self.office, round_id=round.pk,
                                      deputy_id=self.world.deputies["zhao"].pk)
        self.assertEqual(wang.round_id, round.pk)

    def test_a_deputy_of_another_congress_cannot_be_added(self):
        round = self.round(share="0.01")
        with self.assertRaises(ValidationError):
            reports.report_deputy_add(actor=self.office, round_id=round.pk,
                                      deputy_id=self.world.deputies["sun"].pk)

    def test_the_venue_must_be_a_station_of_the_congress(self):
        report, _codes = self.report_at(R.SELECTED)
        songbei = self.world.stations["songbei"]
        for audience, station in (("station", None), ("station", songbei.pk)):
            with self.assertRaises(ValidationError) as caught:
                reports.report_arrange(actor=self.office, report_id=report.pk,
                                       audience=audience, station_id=station,
                                       scheduled_on=None)
            self.assertIn("station", caught.exception.message_dict)
        reports.report_arrange(actor=self.office, report_id=report.pk, audience="committee",
                               station_id=None, scheduled_on=None)
        report.refresh_from_db()
        self.assertEqual(report.audience, "committee")

    def test_a_vote_needs_the_station_arranged(self):
        report, _codes = self.report_at(R.SELECTED)
        reports.report_text_submit(actor=self.office, report_id=report.pk, text=TEXT)
        with self.assertRaises(ValidationError):
            reports.report_vote_open(actor=self.office, report_id=report.pk, count=10)


class PermissionTest(ReportWorld):
    def test_a_deputy_cannot_create_rounds_or_open_votes(self):
        report, _codes = self.report_at(R.SUBMITTED)
        with self.assertRaises(PermissionDenied):
            reports.report_round_create(actor=self.deputy, congress=self.pf, year=2025)
        with self.assertRaises(PermissionDenied):
            reports.report_vote_open(actor=self.deputy, report_id=report.pk, count=10)
        self.login(self.deputy)
        response = self.client.post(reverse("duties:report_ballots", args=[report.pk]),
                                    {"count": 10})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ReportBallot.objects.exists())
        self.assertEqual(self.client.get(reverse("duties:report_rounds")).status_code, 403)

    def test_a_deputy_cannot_close_or_publish_even_his_own(self):
        report, codes = self.report_at(R.VOTING)
        self.login(self.deputy)
        url = reverse("duties:report_detail", args=[report.pk])
        page = self.client.get(url)
        self.assertNotContains(page, "结束测评")
        self.client.post(url, {"action": "close_vote"})
        report.refresh_from_db()
        self.assertEqual(report.status, R.VOTING)

    def test_a_deputy_does_not_see_another_deputys_unpublished_result(self):
        round = self.round(share="0.01")
        li_report, _codes = self.report_at(R.CLOSED, "li", round=round)
        self.login(self.deputy)
        self.assertEqual(self.client.get(reverse("duties:report_detail",
                                                 args=[li_report.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("duties:report_public",
                                                 args=[li_report.pk])).status_code, 404)
        results = self.client.get(reverse("duties:report_results", args=[round.year]))
        self.assertNotContains(results, "李秀英")
        # Li sees his own closed result; once published, everyone does.
        self.login(self.li)
        self.assertContains(self.client.get(reverse("duties:report_detail",
                                                    args=[li_report.pk])), "100.0%")
        reports.report_publish(actor=self.office, report_id=li_report.pk)
        self.client.logout()
        self.assertContains(self.client.get(reverse("duties:report_results",
                                                    args=[round.year])), "李秀英")

    def test_station_staff_see_their_stations_reports_without_results_until_published(self):
        report, _codes = self.report_at(R.CLOSED)
        self.login(self.world.users["station_staff"])
        page = self.client.get(reverse("duties:report_detail", args=[report.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="satisfaction-rate"')
        self.assertNotContains(page, "开始测评")
        self.assertEqual(self.client.get(reverse("duties:report_round",
                                                 args=[report.round_id])).status_code, 404)

    def test_another_districts_office_sees_nothing(self):
        report, _codes = self.report_at(R.VOTING)
        self.login(self.world.outsider)
        for url in (reverse("duties:report_round", args=[report.round_id]),
                    reverse("duties:report_detail", args=[report.pk])):
            self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(reverse("duties:report_ballots", args=[report.pk]),
                                    {"count": 5})
        self.assertEqual(response.status_code, 404)
        with self.assertRaises(PermissionDenied):
            reports.report_round_create(actor=self.world.outsider, congress=self.pf, year=2025)

    def test_nobody_sees_the_counts_while_the_vote_is_open(self):
        report, codes = self.report_at(R.VOTING)
        reports.report_vote_cast(code=codes[0], choice="dissatisfied")
        self.login(self.office)
        page = self.client.get(reverse("duties:report_detail", args=[report.pk]))
        self.assertContains(page, "已投 1 票，共发放 5 张测评票")
        self.assertNotContains(page, 'id="tally-dissatisfied"')


class PagesTest(ReportWorld):
    def test_the_office_creates_a_round_and_adds_a_deputy_on_the_pages(self):
        self.login(self.office)
        response = self.client.post(reverse("duties:report_rounds"), {
            "congress": self.pf.pk, "year": this_year(), "title": "", "share_percent": "20"})
        round = DutyReportRound.objects.get()
        self.assertRedirects(response, reverse("duties:report_round", args=[round.pk]))
        self.assertEqual(round.share, Decimal("0.200"))
        self.assertEqual(round.reports.count(), 1)  # ceil(0.2 × 3)
        page = self.client.get(reverse("duties:report_round", args=[round.pk]))
        self.assertContains(page, "增加述职代表")
        missing = next(d for d in reports.deputies_addable(round=round))
        self.client.post(reverse("duties:report_round", args=[round.pk]),
                         {"deputy": missing.pk})
        self.assertEqual(round.reports.count(), 2)

    def test_a_wrong_share_is_refused_and_what_was_typed_stays(self):
        self.login(self.office)
        response = self.client.post(reverse("duties:report_rounds"), {
            "congress": self.pf.pk, "year": this_year(), "title": "我的标题",
            "share_percent": "150"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "我的标题", status_code=400)
        self.assertFalse(DutyReportRound.objects.exists())

    def test_the_deputy_writes_his_report_on_his_page(self):
        report, _codes = self.report_at(R.SELECTED)
        self.login(self.deputy)
        mine = self.client.get(reverse("duties:report_mine"))
        self.assertContains(mine, reverse("duties:report_detail", args=[report.pk]))
        url = reverse("duties:report_detail", args=[report.pk])
        empty = self.client.post(url, {"action": "submit", "text": "   "})
        self.assertEqual(empty.status_code, 400)
        self.assertContains(empty, "此项不能为空", status_code=400)
        self.assertRedirects(self.client.post(url, {"action": "submit", "text": TEXT}), url)
        report.refresh_from_db()
        self.assertEqual((report.status, report.text), (R.SUBMITTED, TEXT))
        event = Event.objects.get(action="submit", object_id=report.pk)
        self.assertEqual(event.actor, self.deputy)

    def test_the_office_enters_the_report_for_the_deputy(self):
        report, _codes = self.report_at(R.SELECTED)
        self.login(self.office)
        url = reverse("duties:report_detail", args=[report.pk])
        self.client.post(url, {"action": "submit_for", "text": TEXT})
        self.assertTrue(Event.objects.filter(action="submit_for", object_id=report.pk,
                                             actor=self.office).exists())

    def test_an_excuse_without_a_reason_is_refused(self):
        report, _codes = self.report_at(R.SELECTED)
        self.login(self.office)
        url = reverse("duties:report_detail", args=[report.pk])
        response = self.client.post(url, {"action": "excuse", "reason": ""})
        self.assertContains(response, "请填写取消述职的理由", status_code=400)
        report.refresh_from_db()
        self.assertEqual(report.status, R.SELECTED)

    def test_the_round_page_lists_status_votes_and_rate(self):
        round = self.round(share="0.01")
        self.report_of(round, "li")  # before the first vote opens
        self.report_at(R.PUBLISHED, "wang", round=round)
        _voting, codes = self.report_at(R.VOTING, "li", round=round)
        reports.report_vote_cast(code=codes[0], choice="basic")
        self.login(self.office)
        page = self.client.get(reverse("duties:report_round", args=[round.pk]))
        self.assertContains(page, "满意率 100.0%（1/1）")
        self.assertContains(page, "已投 1 / 发放 5")
        self.assertContains(page, "测评中")


class SlipsTest(ReportWorld):
    def test_the_slips_pdf_carries_every_code_once_with_the_font_embedded(self):
        report, _codes = self.report_at(R.SUBMITTED)
        self.login(self.office)
        response = self.client.post(reverse("duties:report_ballots", args=[report.pk]),
                                    {"count": 9})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(response["Cache-Control"], "no-store")
        reader = PdfReader(io.BytesIO(response.content))
        fonts = embedded_fonts(reader)
        self.assertTrue(fonts)
        self.assertTrue(all("NotoSansSC" in name.replace("-", "") for name in fonts), fonts)
        self.assertEqual(len(reader.pages), 2)  # eight slips to a page
        text = "".join(page.extract_text() for page in reader.pages)
        self.assertIn("王建国", text)
        codes = re.findall(r"\b([2-9A-Z]{5})-([2-9A-Z]{5})\b", text)
        self.assertEqual(len(set(codes)), 9)
        report.refresh_from_db()
        self.assertEqual((report.status, report.ballots_issued), (R.VOTING, 9))
        # The printed codes are the ones that vote; none is stored in the clear.
        first = "".join(codes[0])
        self.assertFalse(ReportBallot.objects.filter(code_digest__icontains=first).exists())
        self.assertEqual(reports.ballot_report(code=first.lower()), (report, True))
        # More codes while voting.
        more = self.client.post(reverse("duties:report_ballots", args=[report.pk]),
                                {"count": 3})
        self.assertEqual(more["Content-Type"], "application/pdf")
        report.refresh_from_db()
        self.assertEqual((report.ballots_issued, report.ballots.count()), (12, 12))

    def test_a_wrong_count_is_explained_and_nothing_is_issued(self):
        report, _codes = self.report_at(R.SUBMITTED)
        self.login(self.office)
        response = self.client.post(reverse("duties:report_ballots", args=[report.pk]),
                                    {"count": 0})
        self.assertContains(response, "至少 1 张", status_code=400)
        self.assertFalse(ReportBallot.objects.exists())


class DemoTest(TestCase):
    def test_the_demo_round_has_one_published_and_one_voting_report(self):
        world = build_world()
        office = world.users["office_staff"]
        round = demo_duty_reports(world.congresses["pingfang"], this_year(), office)
        published = round.reports.get(status=R.PUBLISHED)
        self.assertEqual((published.votes_cast, published.votes_satisfied), (30, 28))
        voting = round.reports.get(status=R.VOTING)
        self.assertEqual(voting.ballots.filter(used=True).count(), 12)
        again = demo_duty_reports(world.congresses["pingfang"], this_year(), office)
        self.assertEqual((again.pk, again.reports.count()), (round.pk, round.reports.count()))


class TermTest(ReportWorld):
    def test_a_new_term_starts_everyone_afresh(self):
        Term.objects.filter(pk=self.world.terms["pingfang"].pk).update(
            start_date=datetime.date(2026, 1, 1))
        reported(self.world, [self.world.deputies["wang"]], 2025)
        chosen = reports.report_selection_propose(congress=self.pf, year=2026,
                                                  share=Decimal("1"))
        self.assertEqual(len(chosen), 3)
        self.assertEqual(chosen[-1].name, "王建国")  # reported, though in the earlier term
