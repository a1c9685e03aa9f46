"""On a phone (390×844): the office marks a suggestion key from its supervision page, the
leader finds it among his own, the unit records progress on its commitment in the ledger and
the evaluator submits a report. Nothing scrolls sideways, the CSP refuses nothing, and axe
finds nothing serious on any of these pages."""

import datetime
import os

import pytest
from django.utils import timezone

from renda.directory.testing import build_world
from renda.directory.tests.test_accessibility import AXE, BLOCKING, audit, format_violations
from renda.opinions.tests.test_public_browser import CHROMIUM_ARGS, PHONE_SCREEN
from renda.suggestions.tests.test_evaluation_browser import fits_the_screen, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def check(page, refused: list[str], axe: bool) -> None:
    assert fits_the_screen(page), page.url
    assert refused == [], refused
    if axe:
        serious = [v for v in audit(page, AXE.read_text(encoding="utf-8"))
                   if v["kind"] == "violation" and v["impact"] in BLOCKING]
        assert not serious, format_violations(serious)


def person(browser, base: str, username: str, axe: bool):
    # axe's injected script needs the CSP bypassed; the CSP is checked in the other runs.
    context = browser.new_context(locale="zh-CN", bypass_csp=axe, **PHONE_SCREEN)
    page = sign_in(context, base, username)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return context, page, refused


def open_fold(page, label: str):
    form = page.locator("details.action-form").filter(
        has=page.locator("summary", has_text=label))
    form.locator("summary").click()
    return form


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("axe", [False, True])
def test_office_leader_unit_and_evaluator_on_a_phone(live_server, browser, axe):
    from renda.suggestions.models import Commitment, KeySupervision, ThirdPartyReview
    from renda.suggestions.services.supervision import review_assign
    from renda.suggestions.tests.states import replied

    if axe and not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci)")
    world = build_world()
    suggestion = replied(world, "B", title="关于解决兴建路人行道积水的建议")
    review = review_assign(actor=world.users["office_staff"], suggestion_id=suggestion.pk,
                           reviewer_id=world.users["evaluator"].pk,
                           due_date=timezone.localdate() + datetime.timedelta(days=20))
    base = live_server.url

    context, page, refused = person(browser, base, "office", axe)
    page.get_by_role("link", name="建议督办清单").click()
    page.get_by_role("heading", name="代表建议督办清单").wait_for()
    check(page, refused, axe)
    page.goto(f"{base}/suggestions/supervision/{suggestion.pk}/")
    form = open_fold(page, "列为重点督办")
    form.get_by_label("列为重点督办的理由").fill("多年反映，群众关注")
    form.get_by_label("leader").check()
    with page.expect_navigation():
        form.get_by_role("button", name="列为重点督办").click()
    page.locator(".messages").get_by_text("已保存重点督办").wait_for()
    open_fold(page, "记录督办会议")
    check(page, refused, axe)
    page.goto(f"{base}/suggestions/ledger/")
    check(page, refused, axe)
    context.close()
    assert list(KeySupervision.objects.get().leaders.values_list("username", flat=True)) == [
        "leader"]

    context, page, refused = person(browser, base, "leader", axe)
    page.get_by_role("link", name="重点督办建议").click()
    page.get_by_role("heading", name="我督办的重点建议").wait_for()
    assert suggestion.title in page.locator("main").inner_text()
    check(page, refused, axe)
    context.close()

    context, page, refused = person(browser, base, "handler", axe)
    page.get_by_role("link", name="承诺事项跨年度台账").click()
    page.get_by_role("link", name=suggestion.title).click()
    form = open_fold(page, "登记进展")
    form.get_by_label("进展情况").fill("已完成排水设计，下月开工")
    with page.expect_navigation():
        form.get_by_role("button", name="登记进展").click()
    page.locator(".messages").get_by_text("已登记进展").wait_for()
    check(page, refused, axe)
    context.close()
    assert Commitment.objects.get().progress == "已完成排水设计，下月开工"

    context, page, refused = person(browser, base, "evaluator", axe)
    page.get_by_role("link", name="第三方评估").click()
    page.get_by_role("link", name=suggestion.title).click()
    for label, score in (("沟通联系", "18"), ("答复质量", "25"), ("落实情况", "30"),
                         ("办理时效", "10")):
        page.get_by_label(label).fill(score)
    page.get_by_label("评估结论").fill("沟通充分，答复具体，落实尚需跟踪")
    check(page, refused, axe)
    with page.expect_navigation():
        page.get_by_role("button", name="提交报告").click()
    page.locator("#review-total").wait_for()
    assert page.locator("#review-total").inner_text() == "83"
    check(page, refused, axe)
    context.close()
    review.refresh_from_db()
    assert review.status == ThirdPartyReview.Status.SUBMITTED
