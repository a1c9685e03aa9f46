"""A citizen on a phone finds a deputy and downloads the deputy's contact card."""

import os
from pathlib import Path

import pytest

from renda.directory.testing import build_world

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this test process knows what it is doing.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# conftest.py skips browser tests where Chromium is missing (and fails under RENDA_REQUIRE_BROWSER).
pytestmark = pytest.mark.browser


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", accept_downloads=True, **PHONE)
        yield context.new_page()
        context.close()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_it_finds_a_deputy_and_downloads_the_contact_card(live_server, page):
    deputy = build_world().deputies["li"]
    page.goto(f"{live_server.url}/deputies/")
    page.get_by_label("姓名").fill(deputy.name)
    page.get_by_role("button", name="查找").click()
    page.get_by_text("共 1 名代表").wait_for()
    page.locator("#results").get_by_role("link", name=deputy.name).click()
    page.wait_for_url(f"**/deputies/{deputy.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == deputy.name
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载联系卡（PDF）").click()
    path = download_info.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
