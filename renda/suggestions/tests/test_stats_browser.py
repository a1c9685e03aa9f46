"""On a phone: an office clerk signs in, opens the suggestion statistics from the workbench,
sees the three charts drawn (a canvas in each) beside their tables, reads the totals by id,
ranks the units by satisfaction and switches to the deputies' table. Nothing scrolls sideways,
the CSP refuses nothing, and axe finds nothing serious."""

import os
import re

import pytest

from renda.directory.testing import PASSWORD, build_world
from renda.directory.tests.test_accessibility import AXE, BLOCKING, audit, format_violations
from renda.suggestions.tests.test_stats import build_term

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this test process knows what it is doing.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE_SCREEN = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

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


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.django_db(transaction=True)
def test_an_office_clerk_reads_the_figures_and_charts_on_a_phone(live_server, browser):
    world = build_world()
    build_term(world)
    context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    _sign_in(page, live_server.url, "office")
    page.get_by_role("link", name="代表建议统计").click()
    page.wait_for_url(re.compile(r"/suggestions/stats/"))
    for key in ("category", "reply_category", "ranking"):
        page.locator(f"#chart-{key} canvas").first.wait_for()
        assert page.locator(f"#chart-{key}-table tbody tr").count() >= 1
    assert page.locator("#fig-completion-value").inner_text() == "80.0%"
    assert page.locator("#fig-completion-count").inner_text() == "4/5"
    assert page.locator("#fig-final-satisfied-value").inner_text() == "100.0%"
    assert "办结率 = 办结件数 ÷ 交办件数" in page.locator("#definitions").inner_text()
    assert "平房区住房和城乡建设局" in page.locator("#chart-ranking-table").inner_text()
    assert _fits_the_screen(page)

    page.get_by_role("link", name="满意率", exact=True).click()
    page.wait_for_url(re.compile(r"rank=satisfaction"))
    page.locator("#chart-ranking canvas").first.wait_for()
    page.get_by_role("link", name="按代表").click()
    page.wait_for_url(re.compile(r"by=deputy"))
    assert "赵志强" in page.locator("#stats-groups").inner_text()
    assert _fits_the_screen(page)
    assert refused == []
    context.close()

    if AXE.is_file():  # axe runs in a context that lets its injected script through the CSP
        checked = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE_SCREEN)
        page = checked.new_page()
        _sign_in(page, live_server.url, "office")
        page.goto(f"{live_server.url}/suggestions/stats/?by=year")
        page.locator("#chart-category canvas").first.wait_for()
        serious = [v for v in audit(page, AXE.read_text(encoding="utf-8"))
                   if v["kind"] == "violation" and v["impact"] in BLOCKING]
        assert not serious, format_violations(serious)
        checked.close()
