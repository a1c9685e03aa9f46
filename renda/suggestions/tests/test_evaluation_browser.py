"""On a phone (390×844): the lead deputy opens 评价答复 from his workbench, rates the unit's B
reply dissatisfied with a comment; the unit answers again (through the services) with an A
reply; the deputy rates it satisfied and the suggestion is closed. Nothing scrolls sideways,
the CSP refuses nothing, and axe finds nothing serious on the page."""

import os

import pytest

from renda.directory.testing import PASSWORD, build_world
from renda.directory.tests.test_accessibility import AXE, BLOCKING, audit, format_violations
from renda.opinions.tests.test_public_browser import CHROMIUM_ARGS, PHONE_SCREEN

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# conftest.py skips browser tests where Chromium is missing (and fails under RENDA_REQUIRE_BROWSER).
pytestmark = pytest.mark.browser

COMMENT = "改造安排在年底太晚，雨季前就要解决积水问题"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    return page


def rate(page, unit: str, rating: str, comment: str = "") -> None:
    """Rate the reply of `unit` on the evaluation page and wait for the page after it."""
    reply = page.locator("section.evaluation-reply").filter(
        has=page.get_by_role("heading", name=unit))
    reply.get_by_label(rating, exact=True).check()
    if comment:
        reply.get_by_label("评价意见（选填）").fill(comment)
    with page.expect_navigation():
        reply.get_by_role("button", name="提交评价").click()


def unit_answers_again(world, suggestion) -> None:
    """The housing bureau contacts the deputy and replies again, A this time."""
    import datetime

    from django.utils import timezone

    from renda.suggestions.services.handling import assignment_reply, contact_record_add

    handler = world.users["unit_handler"]
    [assignment] = suggestion.assignments.all()
    contact_record_add(actor=handler, assignment_id=assignment.pk, method="face_to_face",
                       contacted_on=timezone.localdate() - datetime.timedelta(days=0),
                       participants="王建国代表、区住建局刘科长",
                       note="现场查看积水点，商定雨季前完成排水改造")
    assignment_reply(actor=handler, assignment_id=assignment.pk, category="A",
                     body="已完成兴建路排水管网改造和人行道修缮，积水问题已解决。",
                     signer="刘局长")


@pytest.mark.django_db(transaction=True)
def test_the_deputy_rates_a_b_reply_dissatisfied_then_the_a_reply_satisfied(live_server,
                                                                           browser):
    from renda.suggestions.models import Assignment, Evaluation, Suggestion
    from renda.suggestions.tests.states import replied

    world = build_world()
    suggestion = replied(world, "B", title="关于解决兴建路人行道积水的建议")
    base = live_server.url
    context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
    page = sign_in(context, base, "deputy")
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.get_by_role("link", name="评价答复（含年终二次评价）").click()
    page.get_by_role("heading", name="评价答复", exact=True).wait_for()
    text = page.locator("main").inner_text()
    assert suggestion.title in text and "B 类" in text and "年底前完成改造" in text
    assert fits_the_screen(page)
    rate(page, "平房区住房和城乡建设局", "不满意", COMMENT)
    page.locator(".messages").get_by_text("承办单位将重新办理并再次答复").wait_for()
    assert "暂无待评价的答复。" in page.locator("main").inner_text()
    suggestion.refresh_from_db()
    assignment = suggestion.assignments.get()
    assert (suggestion.status, assignment.status, assignment.round) == (
        Suggestion.Status.REHANDLING, Assignment.Status.REHANDLING, 2)
    assert Evaluation.objects.get().comment == COMMENT

    unit_answers_again(world, suggestion)
    page.reload()
    reply = page.locator("section.evaluation-reply")
    assert "第 2 次答复" in reply.inner_text() and "A 类" in reply.inner_text()
    assert fits_the_screen(page)
    rate(page, "平房区住房和城乡建设局", "满意")
    page.locator(".messages").get_by_text("评价已提交，这件建议已办结。").wait_for()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CLOSED
    assert list(Evaluation.objects.order_by("reply__round").values_list(
        "reply__round", "rating")) == [(1, "dissatisfied"), (2, "satisfied")]
    assert refused == []
    context.close()

    if AXE.is_file():  # axe runs in a context that lets its injected script through the CSP
        checked = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE_SCREEN)
        page = sign_in(checked, base, "deputy")
        for path in ("/suggestions/evaluate/follow-up/", "/suggestions/evaluate/"):
            page.goto(base + path)
            serious = [v for v in audit(page, AXE.read_text(encoding="utf-8"))
                       if v["kind"] == "violation" and v["impact"] in BLOCKING]
            assert not serious, format_violations(serious)
            assert fits_the_screen(page)
        checked.close()
