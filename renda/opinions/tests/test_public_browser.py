"""A citizen on a phone opens a station's page (where its QR code leads), reports a problem
with a confirmed mobile number and gets the tracking number."""

import os
import re

import pytest
from django.test import override_settings

from renda.directory.testing import build_world
from renda.opinions.tests.test_public_views import PHONE, SENT, last_code

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this test process knows what it is doing.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE_SCREEN = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
BACKENDS = {"sms": "renda.opinions.tests.test_public_views.CapturingBackend",
            "email": "renda.opinions.tests.test_public_views.CapturingBackend"}

# conftest.py skips browser tests where Chromium is missing (and fails under RENDA_REQUIRE_BROWSER).
pytestmark = pytest.mark.browser


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", **PHONE_SCREEN)
        yield context.new_page()
        context.close()
        browser.close()


@pytest.mark.django_db(transaction=True)
@override_settings(RENDA_NOTIFICATION_BACKENDS=BACKENDS)
def test_a_citizen_reports_a_problem_from_a_station_page(live_server, page):
    from renda.opinions.models import Opinion

    SENT.clear()
    station = build_world().stations["xingjian"]
    page.goto(f"{live_server.url}/stations/{station.code}/")
    page.get_by_role("link", name="反映问题").click()
    page.wait_for_url(re.compile(r"/opinions/new/\?station="))
    assert station.name in page.locator(".addressee").inner_text()
    page.get_by_label("问题类型").select_option("help")
    page.get_by_label("标题").fill("小区路灯不亮")
    page.get_by_label("具体内容").fill("兴建路 8 号小区的路灯坏了一个月。")
    page.get_by_label("姓名（选填）").fill("张三")
    page.get_by_label("手机号码", exact=True).fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送至 139****0002").wait_for()
    assert page.get_by_label("标题").input_value() == "小区路灯不亮"
    page.get_by_label("短信验证码").fill(last_code())
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_role("heading", name="提交成功").wait_for()
    opinion = Opinion.objects.get()
    assert opinion.channel == "qr_station" and opinion.addressed_station == station
    assert opinion.tracking_number in page.locator(".notice").inner_text()
