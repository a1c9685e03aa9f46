"""On a phone: a station clerk signs in, opens the statistics from the workbench, sees the
charts drawn (a canvas in each chart) beside their tables, opens the station's own page and
reads its three rates; once the citizen rates an item, the rates change as they should. Nothing
scrolls sideways, the CSP refuses nothing, and axe finds nothing serious there nor on the
registers."""

import os
import re

import pytest
import time_machine

from renda.directory.testing import PASSWORD, build_world
from renda.directory.tests.test_accessibility import AXE, BLOCKING, audit, format_violations

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this test process knows what it is doing.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE_SCREEN = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NOVEMBER = "period=month&year=2026&month=11"

# conftest.py skips browser tests where Chromium is missing (and fails under RENDA_REQUIRE_BROWSER).
pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _november(world) -> tuple:
    """In November 2026 (the page reads it later, at the real time): one item answered on the
    spot, one taken through the loop to the citizen's feedback, one never triaged."""
    from renda.opinions import services
    from renda.opinions.models import Opinion

    office, handler = world.users["office_staff"], world.users["unit_handler"]

    def submit(title: str, type_code: str = "help"):
        return services.opinion_submit(
            congress=world.congresses["pingfang"], channel=Opinion.Channel.QR_STATION,
            type_code=type_code, title=title, content="兴建路 8 号。", citizen_name="张三",
            citizen_mobile="13904510001", addressed_station=world.stations["xingjian"],
            area=world.areas["xingjian"])

    with time_machine.travel("2026-11-16 10:00 +0800", tick=False):
        spot, _ = submit("垃圾清运时间咨询", "consultation")
        services.opinion_triage(actor=office, opinion_id=spot.pk, outcome="answer_on_spot")
        loop, secret = submit("楼道路灯不亮")
        services.opinion_transfer(actor=office, opinion_id=loop.pk,
                                  unit_id=world.units["housing"].pk)
        services.opinion_accept(actor=handler, opinion_id=loop.pk)
        services.opinion_reply(actor=handler, opinion_id=loop.pk, body="已更换路灯。")
        services.opinion_confirm(actor=office, opinion_id=loop.pk)
        submit("小区门口积水")
    return loop, secret


def _rates(page) -> dict[str, tuple[str, str]]:
    return {name: (page.locator(f"#rate-{name}-value").inner_text(),
                   page.locator(f"#rate-{name}-count").inner_text())
            for name in ("response", "solved", "satisfied", "fully-satisfied")}


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_clerk_reads_the_charts_and_the_station_rates_on_a_phone(live_server, browser):
    from renda.opinions import services
    from renda.opinions.models import Opinion

    world = build_world()
    loop, secret = _november(world)
    context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("station")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("link", name="民意统计和登记簿").click()
    page.wait_for_url(re.compile(r"/opinions/staff/stats/"))
    page.goto(f"{live_server.url}/opinions/staff/stats/?{NOVEMBER}")
    page.get_by_role("heading", name="各联络站").wait_for()
    for key in ("type", "area", "status"):
        page.locator(f"#chart-{key} canvas").first.wait_for()
        assert page.locator(f"#chart-{key}-table tbody tr").count() >= 1
    assert "兴建街道" in page.locator("#chart-area-table").inner_text()
    assert "响应率" in page.locator("#rate-definitions").inner_text()
    assert _fits_the_screen(page)

    page.get_by_role("link", name="兴建街道人大代表联络站").click()
    page.wait_for_url(re.compile(r"/opinions/staff/stations/PF-XJ-01/stats/"))
    page.locator("#chart-status canvas").first.wait_for()
    assert page.locator("#rate-received-value").inner_text() == "3"
    assert _rates(page) == {"response": ("66.7%", "2/3"), "solved": ("—", "0/0"),
                            "satisfied": ("—", "0/0"), "fully-satisfied": ("—", "0/0")}
    assert _fits_the_screen(page)

    with time_machine.travel("2026-11-18 09:00 +0800", tick=False):
        services.opinion_rate(tracking_number=loop.tracking_number, secret=secret,
                              rating=Opinion.Rating.BASICALLY_SATISFIED, solved=True)
    page.reload()
    assert _rates(page) == {"response": ("66.7%", "2/3"), "solved": ("100.0%", "1/1"),
                            "satisfied": ("100.0%", "1/1"), "fully-satisfied": ("0.0%", "0/1")}
    assert refused == []
    context.close()

    if AXE.is_file():  # axe runs in a context that lets its injected script through the CSP
        checked = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE_SCREEN)
        page = checked.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("station")
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录", exact=True).click()
        for path in (f"/opinions/staff/stations/PF-XJ-01/stats/?{NOVEMBER}",
                     f"/opinions/staff/registers/?{NOVEMBER}&register=handling"):
            page.goto(live_server.url + path)
            if "stats" in path:
                page.locator("#chart-type canvas").first.wait_for()
            serious = [v for v in audit(page, AXE.read_text(encoding="utf-8"))
                       if v["kind"] == "violation" and v["impact"] in BLOCKING]
            assert not serious, format_violations(serious)
            assert _fits_the_screen(page)
        checked.close()
