"""The deputies' ballots at the plenary session, on phone-sized screens: 50 deputies choose 10
of 15 candidates, and a year later rate the 10 projects.

The office prepares the ballot on the tellers' console, checks a deputy in by name and the rest
all at once, and opens the vote; three deputies vote on their phones (the form, the
confirmation, "counted") and the other 47 through the service; the office closes, counts and
publishes, and the result page shows the 10 chosen in the order of the votes. Then the
evaluation ballot: the office prepares and opens it, a deputy rates the projects on the phone,
29 more through the service, and the published result shows each project's satisfaction rate.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from renda.directory.testing import build_world
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, sign_in  # noqa: F401
from renda.projects import ballots
from renda.projects.models import Ballot, ProjectCycle
from renda.projects.tests.test_ballots import (
    FOUR,
    candidates_cycle,
    deputy_account,
    item_ids,
    seat_deputies,
    selection_rules,
)

pytestmark = pytest.mark.browser

CANDIDATES = ["平房区第二社区食堂", "兴建街道老旧小区改造", "友协公园健身步道", "平房中学课后托管",
              "社区卫生服务站扩建", "公交351路延伸", "背街小巷路灯亮化", "老年人助浴服务",
              "农贸市场改造提升", "口袋公园建设", "学校周边交通护学岗", "城中村供水管网改造",
              "社区养老驿站", "全民健身中心开放", "垃圾分类驿站"]
# Each candidate's "for" votes: deputy number n (0 to 49) votes for candidate i if n < FOR[i],
# against otherwise. 26 are needed (more than half of the 50 with a seat).
FOR = [27, 45, 19, 41, 35, 25, 43, 31, 17, 39, 29, 21, 37, 33, 23]
PHONE_VOTERS = (20, 30, 44)  # the deputies who vote on their phones
RATERS = 30                  # deputies who rate the projects (more than half: the quorum)


def answers(n: int) -> list[str]:
    return ["for" if n < votes else "against" for votes in FOR]


def rating(n: int, j: int) -> str:
    return ("dissatisfied", "basic", "satisfied", "satisfied")[(n + j) % 4 if j % 3 else n % 2]


def office_console(browser, base: str, prepare: str):  # noqa: F811
    """The office prepares the ballot, checks 代表05 in by name and the rest at once, opens it."""
    page = sign_in(browser, base, "office")
    page.goto(f"{base}/projects/ballots/")
    with page.expect_navigation():
        page.get_by_role("button", name=prepare).click()
    page.get_by_text("请签到后开始投票").wait_for()
    page.get_by_label("按姓名查找").fill("代表05")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    with page.expect_navigation():
        page.get_by_role("button", name="代表05签到").click()
    page.get_by_text("已签到：代表05").wait_for()
    assert page.locator("#count-present").inner_text() == "1"
    page.get_by_label("按姓名查找").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    with page.expect_navigation():
        page.get_by_role("button", name="全部 49 位未签到代表签到").click()
    page.get_by_text("已为列出的 49 位代表签到，实到 50 人").wait_for()
    assert page.locator("#count-present").inner_text() == "50"
    assert page.locator("#quorum-ok").is_visible()
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="开始投票").click()
    page.get_by_text("投票已开始").wait_for()
    assert page.locator("#ballot-status").inner_text() == "投票中"
    return page


def vote_on_the_phone(browser, base: str, username: str, pick) -> None:  # noqa: F811
    """A deputy's ballot: one choice per item, the confirmation, the final submit."""
    page = sign_in(browser, base, username)
    page.goto(f"{base}/projects/ballots/")
    with page.expect_navigation():
        page.get_by_role("link", name="进入投票").click()
    items = page.locator("fieldset.ballot-item")
    for index in range(items.count()):
        items.nth(index).get_by_label(pick(index), exact=True).check()
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="下一步：核对选票").click()
    page.get_by_role("heading", name="核对选票").wait_for()
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交").click()
    page.get_by_role("heading", name="投票已计入").wait_for()
    body = page.locator("main").inner_text()
    assert not any(title in body for title in CANDIDATES)  # the choices are not echoed
    assert fits_the_screen(page)
    page.context.close()


def close_and_publish(page, voted: int) -> None:
    page.reload()
    assert page.locator("#count-voted").inner_text() == f"{voted} / 50"
    with page.expect_navigation():
        page.get_by_role("button", name="结束投票并计票").click()
    page.get_by_text("投票已结束，计票完成").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="复核计票").click()
    page.get_by_text("复核一致").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="公布结果").click()
    page.get_by_text("结果已公布").wait_for()
    with page.expect_navigation():
        page.get_by_role("link", name="查看结果").click()
    page.locator("#result-table").wait_for()
    page.locator("[data-chart=result] canvas").first.wait_for()  # ECharts drew the chart
    assert fits_the_screen(page)


def rows(page) -> list[dict[str, str]]:
    found = []
    for row in page.locator("tr.result-row").all():
        found.append({"title": row.locator(".result-title").inner_text().strip(),
                      "chosen": row.get_attribute("data-chosen"),
                      "rate": (row.locator(".result-rate").inner_text().strip()
                               if row.locator(".result-rate").count() else "")})
    return found


@pytest.mark.django_db(transaction=True)
def test_fifty_deputies_choose_ten_of_fifteen_and_rate_them(live_server, browser):  # noqa: F811
    world = build_world()
    extra = seat_deputies(world, 47)
    deputies = [world.deputies[key] for key in ("wang", "li", "zhao")] + extra
    users = [world.users["deputy"]] + [deputy_account(world, d, f"voter{n:02d}")
                                       for n, d in enumerate(deputies[1:], start=1)]
    cycle = candidates_cycle(world, titles=CANDIDATES, places=10)
    base = live_server.url

    office = office_console(browser, base, "准备项目票决")
    ballot = Ballot.objects.get(cycle=cycle, kind=Ballot.Kind.SELECTION)
    ids = item_ids(ballot)
    for n, user in enumerate(users):
        if n not in PHONE_VOTERS:
            ballots.ballot_cast(actor=user, ballot_id=ballot.pk,
                                choices=dict(zip(ids, answers(n), strict=True)))
    labels = {"for": "赞成", "against": "反对"}
    for n in PHONE_VOTERS:
        vote_on_the_phone(browser, base, f"voter{n:02d}",
                          lambda index, n=n: labels[answers(n)[index]])
    close_and_publish(office, 50)
    ranking = sorted(range(len(CANDIDATES)), key=lambda i: -FOR[i])
    expected = [CANDIDATES[i] for i in ranking[:10]]
    shown = rows(office)
    assert [row["title"] for row in shown if row["chosen"] == "1"] == expected
    assert [row["title"] for row in shown][:10] == expected
    assert office.locator("#fig-valid").inner_text() == "50"
    office.context.close()
    cycle.refresh_from_db()
    assert cycle.status == ProjectCycle.Status.IMPLEMENTING
    assert sorted(cycle.projects.values_list("title", flat=True)) == sorted(expected)

    # A year later: the deputies rate the ten projects.
    ProjectCycle.objects.filter(pk=cycle.pk).update(status=ProjectCycle.Status.EVALUATING)
    office = office_console(browser, base, "准备满意度测评")
    evaluation = Ballot.objects.get(cycle=cycle, kind=Ballot.Kind.EVALUATION)
    projects = item_ids(evaluation)
    for n in range(1, RATERS):
        ballots.ballot_cast(actor=users[n], ballot_id=evaluation.pk,
                            choices={pk: rating(n, j) for j, pk in enumerate(projects)})
    names = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}
    vote_on_the_phone(browser, base, "deputy", lambda j: names[rating(0, j)])
    close_and_publish(office, RATERS)
    shown = {row["title"]: row["rate"] for row in rows(office)}
    titles = [p.proposal.title for p in evaluation.items.select_related("proposal")
              .order_by("order")]
    expected_rates = {}
    for j, title in enumerate(titles):
        good = sum(rating(n, j) != "dissatisfied" for n in range(RATERS))
        rate = (Decimal(good) * 100 / RATERS).quantize(Decimal("0.01"), ROUND_HALF_UP)
        expected_rates[title] = f"{rate}%"
    assert shown == expected_rates
    assert re.fullmatch(r"\d+\.\d\d%", office.locator("#fig-rate").inner_text())
    office.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_choose_two_ballot_counts_the_ticks_on_the_phone(live_server, browser):  # noqa: F811
    world = build_world()
    selection_rules(world, method="choose")
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    office = world.users["office_staff"]
    ballot = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk, kind=Ballot.Kind.SELECTION)
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk,
                            deputy_ids=[world.deputies["wang"].pk])
    ballots.ballot_open(actor=office, ballot_id=ballot.pk)
    page = sign_in(browser, live_server.url, "deputy")
    page.goto(f"{live_server.url}/projects/ballots/{ballot.pk}/vote/")
    page.get_by_text("已选 0 个，最多 2 个。").wait_for()
    for title in FOUR[:3]:
        page.get_by_label(title).check()
    page.get_by_text("已选 3 个，超过了最多 2 个").wait_for()
    page.get_by_label(FOUR[1]).uncheck()
    page.get_by_text("已选 2 个，最多 2 个。").wait_for()
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="下一步：核对选票").click()
    page.get_by_text("您选了 2 个项目（最多 2 个）").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交").click()
    page.get_by_role("heading", name="投票已计入").wait_for()
    page.context.close()
    [paper] = ballot.cast.values_list("choices", flat=True)
    assert paper == {"chosen": [item_ids(ballot)[0], item_ids(ballot)[2]]}
