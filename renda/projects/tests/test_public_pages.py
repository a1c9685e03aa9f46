"""The public's pages: the cycles, the proposals without names or phones, the candidates,
the ballot's published result with its chart and table (a ballot below the quorum shown as
void), and a citizen proposing a project on a phone."""

from io import StringIO

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renda.directory.demo.builder import seed
from renda.directory.testing import World, build_world
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, phone  # noqa: F401
from renda.projects import ballots, services
from renda.projects.demo import seed_projects
from renda.projects.models import Ballot, ProgressReport, Project, ProjectCycle, Proposal
from renda.projects.tests.test_collection import MOBILE, cycle_of, public_proposal

P = Proposal.Status
S = Proposal.Source
NOW = "2026-11-24 10:00 +0800"


def voting_cycle(world: World) -> tuple[ProjectCycle, list[Proposal]]:
    """平房区's cycle with three candidates for two places, ready for the ballot."""
    office = world.users["office_staff"]
    cycle = cycle_of(world, places=2)
    proposals = [public_proposal(cycle, title, proposer_name="张三", proposer_mobile=MOBILE)
                 for title in ("社区老年食堂", "老旧小区加装电梯", "全民健身步道")]
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_collection")
    for proposal in proposals:
        services.proposal_accept(actor=office, proposal_id=proposal.pk)
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_screening")
    for proposal in proposals:
        services.proposal_shortlist(actor=office, proposal_id=proposal.pk)
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="fix_shortlist")
    return cycle, proposals


def run_ballot(world: World, cycle: ProjectCycle, votes: list[list[str]],
               present: list[str]) -> Ballot:
    """The selection ballot through the real services: the deputies in `present` check in
    and vote on paper (one list of for/against/abstain per deputy, in ballot order), the
    office entering the papers as the tellers."""
    office = world.users["office_staff"]
    ballot = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk,
                                    kind=Ballot.Kind.SELECTION)
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk,
                            deputy_ids=[world.deputies[key].pk for key in present])
    ballots.ballot_open(actor=office, ballot_id=ballot.pk)
    items = list(ballot.items.order_by("order"))
    for key in present:
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                                   deputy_id=world.deputies[key].pk)
    for choices in votes:
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices={
            str(item.pk): c for item, c in zip(items, choices, strict=True)})
    ballot = ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    if ballot.status == Ballot.Status.CLOSED:
        ballot = ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    return ballot


class PublicPagesTests(TestCase):
    def setUp(self) -> None:
        self.world = build_world()

    def test_the_home_page_lists_the_cycles(self) -> None:
        cycle = cycle_of(self.world)
        page = self.client.get(reverse("projects:home"))
        self.assertContains(page, cycle.title)
        self.assertContains(page, reverse("projects:propose", args=[cycle.pk]))

    def test_the_public_list_hides_names_and_phones(self) -> None:
        cycle = cycle_of(self.world)
        station = self.world.stations["xingjian"]
        services.proposal_submit(
            actor=self.world.users["station_staff"], cycle_id=cycle.pk,
            source=Proposal.Source.STATION, station_id=station.pk,
            data=services.ProposalData(title="兴建街道社区卫生站", description="新建卫生站",
                                       category="health", proposer_name="李四海",
                                       proposer_mobile=MOBILE))
        public_proposal(cycle, "社区老年食堂", proposer_name="张三丰", proposer_mobile="13800000001")
        for name in ("projects:public_proposals", "projects:public_cycle"):
            page = self.client.get(reverse(name, args=[cycle.pk]))
            for secret in ("李四海", "张三丰", MOBILE, "13800000001", "1390451", "****"):
                self.assertNotContains(page, secret)
        page = self.client.get(reverse("projects:public_proposals", args=[cycle.pk]))
        self.assertContains(page, "兴建街道社区卫生站")
        self.assertContains(page, "联络站收集")
        self.assertContains(page, "医疗卫生")

    def test_the_public_list_takes_as_many_queries_for_many_proposals(self) -> None:
        cycle = cycle_of(self.world)
        url = reverse("projects:public_proposals", args=[cycle.pk])
        public_proposal(cycle, "一")
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(8):
            public_proposal(cycle, f"项目{n}", area_id=self.world.areas["youxie"].pk)
        with CaptureQueriesContext(connection) as many:
            self.assertContains(self.client.get(url), "项目7")
        self.assertEqual(len(few), len(many))

    def test_the_candidates_are_shown_once_shortlisted(self) -> None:
        cycle, _proposals = voting_cycle(self.world)
        page = self.client.get(reverse("projects:public_cycle", args=[cycle.pk]))
        self.assertContains(page, "候选项目")
        self.assertContains(page, "1. 社区老年食堂")
        self.assertNotContains(page, "我要提项目")

    def test_the_result_after_a_published_ballot(self) -> None:
        cycle, proposals = voting_cycle(self.world)
        ballot = run_ballot(self.world, cycle, present=["wang", "li", "zhao"], votes=[
            ["for", "for", "against"], ["for", "for", "abstain"], ["for", "against", "for"]])
        self.assertEqual(ballot.status, Ballot.Status.PUBLISHED)
        page = self.client.get(reverse("projects:public_result", args=[cycle.pk]))
        self.assertEqual(page.status_code, 200)
        rows = page.context["rows"]
        self.assertEqual([(r["title"], r["votes"], r["chosen"]) for r in rows], [
            ("社区老年食堂", 3, True), ("老旧小区加装电梯", 2, True), ("全民健身步道", 1, False)])
        self.assertContains(page, 'data-chart="votes"')
        self.assertContains(page, "echarts.min.js")
        self.assertContains(page, '"values": [3, 2, 1]')
        self.assertContains(page, "确定", count=None)
        for name in ("王建国", "李秀英", "赵志强"):
            self.assertNotContains(page, name)
        cycle_page = self.client.get(reverse("projects:public_cycle", args=[cycle.pk]))
        self.assertContains(cycle_page, reverse("projects:public_result", args=[cycle.pk]))
        self.assertContains(cycle_page, "票决确定")
        chosen = proposals[0].project
        self.assertContains(cycle_page, reverse("projects:project_public", args=[chosen.pk]))

    def test_a_ballot_below_the_quorum_is_shown_as_void(self) -> None:
        cycle, _proposals = voting_cycle(self.world)
        ballot = run_ballot(self.world, cycle, present=["wang", "li"], votes=[
            ["for", "for", "for"], ["for", "for", "for"]])
        self.assertEqual(ballot.status, Ballot.Status.FAILED)
        page = self.client.get(reverse("projects:public_result", args=[cycle.pk]))
        self.assertContains(page, "未达法定人数，投票无效")
        self.assertNotContains(page, 'data-chart="votes"')
        self.assertEqual(page.context["rows"], [])

    def test_no_result_page_before_the_ballot(self) -> None:
        cycle = cycle_of(self.world)
        self.assertEqual(
            self.client.get(reverse("projects:public_result", args=[cycle.pk])).status_code, 404)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_proposes_a_project_on_a_phone(live_server, browser) -> None:  # noqa: F811
    world = build_world()
    cycle = cycle_of(world)
    page = phone(browser)
    page.goto(f"{live_server.url}{reverse('projects:home')}")
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("link", name="我要提项目").first.click()
    assert fits_the_screen(page)
    page.get_by_label("项目名称").fill("友协街道建社区老年食堂")
    page.get_by_label("建设内容").fill("在友协街道建两处社区老年食堂，每处可供 100 位老人就餐。")
    page.get_by_label("理由").fill("辖区独居老人多，吃饭难。")
    # First without a category: the page says so and keeps what was typed.
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert page.get_by_text("请选择项目类别").is_visible()
    assert page.get_by_label("项目名称").input_value() == "友协街道建社区老年食堂"
    page.get_by_label("类别").select_option(label="养老服务")
    page.get_by_label("实施地点").select_option(label="友协街道")
    page.get_by_label("估算投资（万元，选填）").fill("260")
    page.get_by_label("手机号码（选填）").fill(MOBILE)
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    proposal = Proposal.objects.get()
    assert page.get_by_text(proposal.number).is_visible()
    assert fits_the_screen(page)
    assert (proposal.source, proposal.area, proposal.proposer_mobile) == (
        Proposal.Source.PUBLIC, world.areas["youxie"], MOBILE)
    assert Proposal.objects.filter(cycle=cycle).count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="查看全部征集项目").click()
    assert page.get_by_text("友协街道建社区老年食堂").is_visible()
    assert MOBILE not in page.content()


@time_machine.travel(NOW, tick=False)
class DemoTests(TestCase):
    """The demo: last year's cycle completed and reported, this year's chosen by the deputies'
    ballot and under way, the next year's collecting; seeding twice changes nothing."""

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            today = timezone.localdate()
            seed(today)
            seed_projects(today=today)
            cls.first = cls.counts()
            seed_projects(stdout=StringIO(), today=today)
            cls.second = cls.counts()

    @staticmethod
    def counts() -> dict[str, int]:
        return {"cycles": ProjectCycle.objects.count(), "proposals": Proposal.objects.count(),
                "ballots": Ballot.objects.count(), "projects": Project.objects.count(),
                "reports": ProgressReport.objects.count()}

    def test_it_seeds_a_past_and_a_current_cycle_once(self) -> None:
        self.assertEqual(self.first, self.second)
        past = ProjectCycle.objects.get(year=2026)
        self.assertEqual(past.status, ProjectCycle.Status.IMPLEMENTING)
        self.assertEqual(past.proposals.filter(status=P.CHOSEN).count(), 10)
        self.assertEqual(past.proposals.filter(status=P.NOT_CHOSEN).count(), 5)
        self.assertTrue(past.proposals.filter(merged_into__isnull=False).exists())
        self.assertGreater(ProgressReport.objects.filter(project__cycle=past).count(), 0)
        done = ProjectCycle.objects.get(year=2025)
        self.assertEqual(done.status, ProjectCycle.Status.REPORTED)
        evaluation = done.ballots.get(kind=Ballot.Kind.EVALUATION)
        self.assertEqual(evaluation.status, Ballot.Status.PUBLISHED)
        self.assertGreater(float(evaluation.result["rate"]), 90)
        self.assertTrue(done.projects.filter(survey__isnull=False).exists())
        self.assertTrue(done.final_report)
        page = self.client.get(reverse("projects:final_report", args=[done.pk]))
        self.assertContains(page, done.final_report)
        current = ProjectCycle.objects.get(year=2027)
        self.assertEqual(current.status, ProjectCycle.Status.COLLECTING)
        sources = set(current.proposals.values_list("source", flat=True))
        self.assertEqual(sources, {S.PUBLIC, S.STATION, S.DEPUTY})
        self.assertEqual(current.proposals.count(), 25)

    def test_the_demos_result_page(self) -> None:
        past = ProjectCycle.objects.get(year=2026)
        page = self.client.get(reverse("projects:public_result", args=[past.pk]))
        self.assertEqual(sum(row["chosen"] for row in page.context["rows"]), 10)
        self.assertEqual(len(page.context["rows"]), 15)
