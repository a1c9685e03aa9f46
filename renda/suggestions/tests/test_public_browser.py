"""On a phone, without an account: a visitor opens the public suggestions from the main
navigation, searches by keyword, narrows by year, opens one and reads the unit's reply; what is
not public never shows. Nothing scrolls sideways, the CSP refuses nothing, axe finds nothing
serious."""

import os
import re

import pytest

from renda.directory.testing import build_world
from renda.directory.tests.test_accessibility import AXE, BLOCKING, audit, format_violations
from renda.suggestions.models import Suggestion
from renda.suggestions.tests.test_stats import Term, build_term
from renda.suggestions.tests.test_stats_browser import CHROMIUM_ARGS, PHONE_SCREEN

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_searches_the_suggestions_on_a_phone(live_server, browser):
    world = build_world()
    build_term(world)
    t = Term(world)
    lift = t.suggestion("wang", Suggestion.Status.CLOSED, assigned="2022-06-03",
                        title="关于兴建社区老旧楼加装电梯的建议")
    a = t.assign(lift, "housing", due="2022-09-01", replied="2022-08-01")
    t.reply(a, "A", "2022-08-01", body="已完成加装电梯 3 部。")
    t.suggestion("li", Suggestion.Status.REGISTERED, is_public=False,
                 title="关于电梯安全的涉密建议")
    context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(live_server.url)
    page.get_by_role("link", name="代表建议").click()
    page.wait_for_url(re.compile(r"/suggestions/public/"))
    assert _fits_the_screen(page)
    page.get_by_label("关键词").fill("电梯")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    assert page.locator("#public-count").inner_text() == "共 1 件"
    assert "涉密" not in page.content()
    page.get_by_text("更多条件（年度、分类、承办单位）").click()
    page.get_by_label("年度").select_option("2022")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    assert page.locator("#public-count").inner_text() == "共 1 件"
    page.get_by_role("link", name=re.compile("加装电梯的建议")).first.click()
    page.wait_for_url(re.compile(r"/suggestions/public/\d+/"))
    assert "已完成加装电梯 3 部。" in page.locator("article").inner_text()
    assert _fits_the_screen(page)
    assert refused == []
    context.close()

    if AXE.is_file():
        checked = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE_SCREEN)
        page = checked.new_page()
        for path in ("/suggestions/public/?q=电梯", f"/suggestions/public/{lift.pk}/"):
            page.goto(live_server.url + path)
            serious = [v for v in audit(page, AXE.read_text(encoding="utf-8"))
                       if v["kind"] == "violation" and v["impact"] in BLOCKING]
            assert not serious, format_violations(serious)
        checked.close()
