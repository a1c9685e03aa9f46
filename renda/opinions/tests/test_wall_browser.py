"""On a phone: a station clerk signs in, finds the anonymised draft of a resolved item in the
echo wall's review queue, edits its title and publishes it; a visitor then opens the station's
page, follows its 回音壁 link and reads the post, with no name, number or house number in it."""

import os
import re

import pytest

from renda.directory.testing import PASSWORD, build_world

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this test process knows what it is doing.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE_SCREEN = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CONTENT = "我叫张三，家住兴建路8号3单元502室，电话13904510001。楼道路灯坏了一个月。"

# conftest.py skips browser tests where Chromium is missing (and fails under RENDA_REQUIRE_BROWSER).
pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _resolved_item(world):
    """A consenting citizen's item, replied to, confirmed and rated satisfied."""
    from renda.opinions import services
    from renda.opinions.models import Opinion

    office, handler = world.users["office_staff"], world.users["unit_handler"]
    opinion, secret = services.opinion_submit(
        congress=world.congresses["pingfang"], channel=Opinion.Channel.QR_STATION,
        type_code="help", title="楼道路灯不亮", content=CONTENT, citizen_name="张三",
        citizen_mobile="13904510001", addressed_station=world.stations["xingjian"],
        consent_publish=True)
    services.opinion_transfer(actor=office, opinion_id=opinion.pk,
                              unit_id=world.units["housing"].pk)
    services.opinion_accept(actor=handler, opinion_id=opinion.pk)
    services.opinion_reply(actor=handler, opinion_id=opinion.pk, body="已更换楼道路灯。")
    services.opinion_confirm(actor=office, opinion_id=opinion.pk)
    services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                          rating=Opinion.Rating.SATISFIED)
    return opinion


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _staff_publishes(browser, url: str, station) -> None:
    context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("station")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("link", name="回音壁审核").click()
    page.wait_for_url(re.compile(r"/opinions/staff/wall/"))
    assert CONTENT in page.locator(".wall-compare__original").inner_text()
    assert "兴建路*号*单元*室" in page.get_by_label("公开内容").input_value()
    assert _fits_the_screen(page)
    page.get_by_label("公开标题").fill("楼道路灯修好了")
    page.get_by_role("button", name="公开", exact=True).click()
    page.get_by_text("已公开，公众可以在回音壁上看到这条内容。").wait_for()
    context.close()


def _visitor_reads(browser, url: str, station) -> None:
    context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
    page = context.new_page()
    page.goto(f"{url}/stations/{station.code}/")
    page.locator("main").get_by_role("link", name="回音壁", exact=True).click()
    page.wait_for_url(re.compile(r"/opinions/wall/\?station="))
    page.get_by_role("heading", name="楼道路灯修好了").wait_for()
    assert _fits_the_screen(page)
    page.get_by_role("link", name="阅读全文").click()
    page.get_by_role("heading", level=1, name="楼道路灯修好了").wait_for()
    text = page.locator("main").inner_text()
    assert "兴建路*号*单元*室" in text and "已更换楼道路灯。" in text and "满意" in text
    for private in ("张三", "13904510001", "502", "8号"):
        assert private not in text, private
    assert _fits_the_screen(page)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_clerk_publishes_and_a_visitor_reads_it_on_the_wall(live_server, browser):
    world = build_world()
    opinion = _resolved_item(world)
    station = world.stations["xingjian"]
    _staff_publishes(browser, live_server.url, station)
    _visitor_reads(browser, live_server.url, station)
    assert opinion.wall_post.title == "楼道路灯修好了"
