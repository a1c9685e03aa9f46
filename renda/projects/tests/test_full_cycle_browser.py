"""One year of livelihood projects, end to end, on phone-sized screens (issue 9's full cycle):

a citizen proposes a project; 15 more come in; the office screens them (the citizen's is
rejected, with the reason published), shortlists 15 candidates for 10 places and fixes the
shortlist; at the plenary session 50 deputies vote (three on their phones) and the result page
shows the chosen 10; the housing bureau plans and reports one project's progress with a photo;
a year later the deputies rate the ten projects by secret ballot, a citizen rates one in the
public survey, and the office publishes the final report with both rates.

The steps of each page are those of the parts' own browser tests, reused here in one cycle.
"""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from renda.core.workflow import workflow_apply
from renda.directory.testing import build_world
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, phone  # noqa: F401
from renda.opinions.tests.test_public_browser import BACKENDS, SENT
from renda.projects import ballots, implementation, services
from renda.projects.models import Ballot, Project, ProjectCycle, Proposal, SurveyResponse
from renda.projects.tests.test_ballots import deputy_account, item_ids, seat_deputies
from renda.projects.tests.test_ballots_browser import (
    CANDIDATES,
    FOR,
    PHONE_VOTERS,
    RATERS,
    answers,
    close_and_publish,
    office_console,
    rating,
    rows,
    vote_on_the_phone,
)
from renda.projects.tests.test_projects_browser import citizen_rates, unit_reports_progress
from renda.projects.workflow import CYCLE

pytestmark = pytest.mark.browser

CITIZENS = "友协街道建社区老年食堂"
REJECTED = "已列入区政府年度养老服务设施建设计划，不再作为民生实事候选项目"
REPORT = "十项民生实事项目全部完成，代表和群众测评满意率均在九成以上。"


def citizen_proposes(browser, base: str) -> str:  # noqa: F811
    page = phone(browser)
    page.goto(f"{base}{reverse('projects:home')}")
    with page.expect_navigation():
        page.get_by_role("link", name="我要提项目").first.click()
    page.get_by_label("项目名称").fill(CITIZENS)
    page.get_by_label("建设内容").fill("在友协街道建两处社区老年食堂，每处可供 100 位老人就餐。")
    page.get_by_label("理由").fill("辖区独居老人多，吃饭难。")
    page.get_by_label("类别").select_option(label="养老服务")
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    number = Proposal.objects.get(title=CITIZENS).number
    assert page.get_by_text(number).is_visible()
    page.context.close()
    return number


def rejection_is_public(browser, base: str, cycle: ProjectCycle) -> None:  # noqa: F811
    page = phone(browser)
    page.goto(f"{base}{reverse('projects:public_proposals', args=[cycle.pk])}")
    body = page.locator("main").inner_text()
    assert CITIZENS in body and REJECTED in body
    assert fits_the_screen(page)
    page.context.close()


@pytest.mark.django_db(transaction=True)
@override_settings(RENDA_NOTIFICATION_BACKENDS=BACKENDS)
def test_a_year_of_livelihood_projects(live_server, browser, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    SENT.clear()
    base = live_server.url
    world = build_world()
    office = world.users["office_staff"]
    extra = seat_deputies(world, 47)
    deputies = [world.deputies[key] for key in ("wang", "li", "zhao")] + extra
    users = [world.users["deputy"]] + [deputy_account(world, d, f"voter{n:02d}")
                                       for n, d in enumerate(deputies[1:], start=1)]
    today = timezone.localdate()

    # 征集: the call for proposals, a citizen's on the phone and fifteen more.
    cycle = services.cycle_create(
        actor=office, congress_id=world.congresses["pingfang"].pk, year=today.year + 1,
        places=10, collect_opens_on=today - datetime.timedelta(days=5),
        collect_closes_on=today + datetime.timedelta(days=30))
    citizen_proposes(browser, base)
    for title in CANDIDATES:
        services.proposal_submit(actor=None, cycle_id=cycle.pk, source=Proposal.Source.PUBLIC,
                                 data=services.ProposalData(title=title,
                                                            description=f"{title}的建设内容",
                                                            category="other"))

    # 初选 and 审议备选: the citizen's is rejected with its reason, the fifteen shortlisted.
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_collection")
    services.proposal_reject(actor=office, proposal_id=Proposal.objects.get(title=CITIZENS).pk,
                             reason=REJECTED)
    for proposal in cycle.proposals.exclude(title=CITIZENS).order_by("id"):
        services.proposal_accept(actor=office, proposal_id=proposal.pk)
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_screening")
    for proposal in cycle.proposals.filter(status=Proposal.Status.ACCEPTED).order_by("id"):
        services.proposal_shortlist(actor=office, proposal_id=proposal.pk)
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="fix_shortlist")
    rejection_is_public(browser, base, cycle)

    # 票决: 50 deputies, three on their phones; the result page shows the chosen ten.
    console = office_console(browser, base, "准备项目票决")
    ballot = Ballot.objects.get(cycle=cycle, kind=Ballot.Kind.SELECTION)
    ids = item_ids(ballot)
    assert [item.proposal.title for item in ballot.items.order_by("order")] == CANDIDATES
    for n, user in enumerate(users):
        if n not in PHONE_VOTERS:
            ballots.ballot_cast(actor=user, ballot_id=ballot.pk,
                                choices=dict(zip(ids, answers(n), strict=True)))
    labels = {"for": "赞成", "against": "反对"}
    for n in PHONE_VOTERS:
        vote_on_the_phone(browser, base, f"voter{n:02d}",
                          lambda index, n=n: labels[answers(n)[index]])
    close_and_publish(console, 50)
    expected = [CANDIDATES[i] for i in sorted(range(len(CANDIDATES)), key=lambda i: -FOR[i])][:10]
    assert [row["title"] for row in rows(console) if row["chosen"] == "1"] == expected
    console.context.close()
    cycle.refresh_from_db()
    assert cycle.status == ProjectCycle.Status.IMPLEMENTING

    # 实施: the office plans the first project, the housing bureau reports its progress.
    project = Project.objects.get(cycle=cycle, title=expected[0])
    implementation.project_plan_save(actor=office, project_id=project.pk,
                                     lead_unit_id=world.units["housing"].pk,
                                     plan="分三期实施，年底前完成。", budget=800)
    photo = tmp_path / "施工现场.png"
    Image.new("RGB", (320, 240), (40, 120, 200)).save(photo, "PNG")
    unit_reports_progress(browser, base, project, photo)
    project.refresh_from_db()
    assert project.progress == 60

    # 测评: the deputies' secret ballot on the ten projects, and the public survey.
    workflow_apply(workflow=CYCLE, pk=cycle.pk, action="start_evaluation", actor=office)
    console = office_console(browser, base, "准备满意度测评")
    evaluation = Ballot.objects.get(cycle=cycle, kind=Ballot.Kind.EVALUATION)
    projects = item_ids(evaluation)
    for n in range(1, RATERS):
        ballots.ballot_cast(actor=users[n], ballot_id=evaluation.pk,
                            choices={pk: rating(n, j) for j, pk in enumerate(projects)})
    names = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}
    vote_on_the_phone(browser, base, "deputy", lambda j: names[rating(0, j)])
    close_and_publish(console, RATERS)
    console.context.close()
    citizen_rates(browser, base, project)
    assert SurveyResponse.objects.filter(project=project, rating="satisfied").count() == 1

    # 通报: the office publishes the final report; anyone reads both rates.
    implementation.final_report_save(actor=office, cycle_id=cycle.pk, text=REPORT, publish=True)
    page = phone(browser)
    page.goto(f"{base}{reverse('projects:final_report', args=[cycle.pk])}")
    assert page.locator("#final-report-text").inner_text().strip() == REPORT
    evaluation.refresh_from_db()
    assert page.locator("#ballot-rate").inner_text() == f"{evaluation.result['rate']}%"
    assert page.locator("#survey-rate").inner_text() == "100.00%"
    assert project.title in page.locator(f"#figures-{project.pk}").inner_text()
    assert fits_the_screen(page)
    page.context.close()
    cycle.refresh_from_db()
    assert cycle.status == ProjectCycle.Status.REPORTED
