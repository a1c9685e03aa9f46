"""The whole intake loop on phone-sized screens, as the people in it live it:

a citizen scans the station's QR code, reports a problem with a photo and gets the tracking
number; the station's staff transfer it to the housing bureau; the bureau signs for it and
replies; the station tells the citizen; the citizen rates it; the staff publish it on the echo
wall, where a visitor reads it anonymised; and the station's three rates move as they should.
"""

import io
import re

import pytest
import zxingcpp
from django.test import override_settings
from PIL import Image

from renda.directory.testing import PASSWORD, build_world
from renda.opinions import services
from renda.opinions.models import Opinion
from renda.opinions.tests.test_public_browser import BACKENDS, CHROMIUM_ARGS, PHONE_SCREEN, SENT
from renda.opinions.tests.test_public_views import last_code

pytestmark = pytest.mark.browser

MOBILE = "13904510002"
TITLE = "兴建路 8 号小区路灯不亮"
CONTENT = "兴建路8号3单元门前的路灯坏了一个月，晚上老人出门看不清路。联系电话 13904510002。"
REPLY = "已于本周更换兴建路小区门前路灯两盏，恢复照明。"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def phone(browser):
    return browser.new_context(locale="zh-CN", **PHONE_SCREEN).new_page()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_in(browser, base: str, username: str):
    page = phone(browser)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    return page


def act(page, label: str, **fields) -> None:
    """Open the action's fold on the staff page, fill it and submit it."""
    form = page.locator("details.action-form").filter(has=page.locator("summary", has_text=label))
    form.locator("summary").click()
    for field_label, value in fields.items():
        control = form.get_by_label(field_label)
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name=label, exact=True).click()
    page.get_by_text(f"已完成“{label}”").wait_for()


def station_rates(browser, base: str, code: str) -> dict[str, str]:
    page = sign_in(browser, base, "office")
    page.goto(f"{base}/opinions/staff/stations/{code}/stats/")
    rates = {name: page.locator(f"#rate-{name}-count").inner_text().strip()
             for name in ("response", "solved", "satisfied")}
    assert fits_the_screen(page)
    page.context.close()
    return rates


def scan_station_qr(browser, base: str, code: str) -> str:
    """Read the station's printed QR code as a phone camera would, and open it."""
    page = phone(browser)
    png = page.request.get(f"{base}/stations/{code}/qr.png").body()
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    page.context.close()
    return barcode.text


def citizen_submits(browser, url: str) -> tuple[str, str]:
    page = phone(browser)
    page.goto(url)
    page.get_by_role("link", name="反映问题").click()
    page.wait_for_url(re.compile(r"/opinions/new/\?station="))
    page.get_by_label("问题类型").select_option("help")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("具体内容").fill(CONTENT)
    page.get_by_label("姓名（选填）").fill("张三")
    page.get_by_label("手机号码", exact=True).fill(MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送至 139****0002").wait_for()
    page.get_by_label("短信验证码").fill(last_code())
    photo = io.BytesIO()
    Image.new("RGB", (160, 120), (200, 180, 40)).save(photo, "JPEG")
    page.get_by_label("照片或 PDF 文件（选填）").set_input_files(
        {"name": "路灯.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()})
    page.get_by_label("同意办结后在回音壁匿名公开", exact=False).check()
    assert fits_the_screen(page)
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_role("heading", name="提交成功").wait_for()
    number = page.locator(".tracking-number").first.inner_text().strip()
    track_url = page.url
    page.context.close()
    return number, track_url


def staff_transfer(browser, base: str, opinion: Opinion) -> None:
    page = sign_in(browser, base, "station")
    page.get_by_role("link", name="民意办理").click()
    page.get_by_role("link", name=TITLE).click()
    assert "路灯.jpg" in page.locator("#attachments").inner_text()
    act(page, "交办承办单位", 承办单位="平房区住房和城乡建设局", 交办意见="请核实并更换路灯")
    assert fits_the_screen(page)
    page.context.close()


def unit_replies(browser, base: str) -> None:
    page = sign_in(browser, base, "handler")
    page.get_by_role("link", name="承办单位待办").click()
    page.get_by_role("link", name=TITLE).click()
    act(page, "签收")
    act(page, "答复", 答复内容=REPLY)
    page.context.close()


def station_confirms(browser, base: str, opinion: Opinion) -> None:
    page = sign_in(browser, base, "station")
    page.goto(f"{base}/opinions/staff/{opinion.pk}/")
    act(page, "结果反馈")
    page.context.close()


def citizen_rates(browser, track_url: str) -> None:
    page = phone(browser)
    page.goto(track_url)
    assert REPLY in page.locator("main").inner_text()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("已解决", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价。").wait_for()
    assert fits_the_screen(page)
    page.context.close()


def staff_publish_on_wall(browser, base: str) -> None:
    page = sign_in(browser, base, "station")
    page.get_by_role("link", name="回音壁审核").click()
    draft = page.get_by_label("公开内容").input_value()
    assert "13904510002" not in draft and "8号3单元" not in draft, draft
    page.get_by_role("button", name="公开", exact=True).click()
    page.get_by_text("已公开，公众可以在回音壁上看到这条内容。").wait_for()
    page.context.close()


def visitor_reads_wall(browser, base: str, code: str) -> None:
    page = phone(browser)
    page.goto(f"{base}/opinions/wall/?station={code}")
    page.get_by_role("link", name="阅读全文").first.click()
    text = page.locator("main").inner_text()
    assert "路灯" in text and "满意" in text and REPLY[:6] in text
    for private in ("张三", MOBILE, "139****0002", "8号3单元"):
        assert private not in text, private
    assert fits_the_screen(page)
    page.context.close()


def earlier_dissatisfied_item(world) -> None:
    """One item of the same station already rated dissatisfied and unsolved: the rates start
    at 0 of 1 and must reach 1 of 2."""
    office, handler = world.users["office_staff"], world.users["unit_handler"]
    opinion, secret = services.opinion_submit(
        congress=world.congresses["pingfang"], channel=Opinion.Channel.HOTLINE,
        type_code="help", title="小区垃圾清运不及时", content="垃圾三天没有清运。",
        addressed_station=world.stations["xingjian"])
    services.opinion_transfer(actor=office, opinion_id=opinion.pk,
                              unit_id=world.units["housing"].pk)
    services.opinion_accept(actor=handler, opinion_id=opinion.pk)
    services.opinion_reply(actor=handler, opinion_id=opinion.pk, body="已督促物业清运。")
    services.opinion_confirm(actor=office, opinion_id=opinion.pk)
    services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                          rating=Opinion.Rating.DISSATISFIED, solved=False)


@pytest.mark.django_db(transaction=True)
def test_the_whole_loop_from_qr_code_to_echo_wall(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = live_server.url
    SENT.clear()
    world = build_world()
    station = world.stations["xingjian"]
    earlier_dissatisfied_item(world)
    base = live_server.url
    assert station_rates(browser, base, station.code) == {
        "response": "1/1", "solved": "0/1", "satisfied": "0/1"}

    with override_settings(RENDA_NOTIFICATION_BACKENDS=BACKENDS):
        url = scan_station_qr(browser, base, station.code)
        assert url == f"{base}/stations/{station.code}/"
        number, track_url = citizen_submits(browser, url)
    opinion = Opinion.objects.get(tracking_number=number)
    assert opinion.channel == Opinion.Channel.QR_STATION
    assert opinion.attachments.get().content_type == "image/jpeg"
    assert opinion.mobile_verified_at is not None

    staff_transfer(browser, base, opinion)
    unit_replies(browser, base)
    station_confirms(browser, base, opinion)
    citizen_rates(browser, track_url)
    opinion.refresh_from_db()
    assert (opinion.status, opinion.rating, opinion.solved) == ("closed", "satisfied", True)

    staff_publish_on_wall(browser, base)
    visitor_reads_wall(browser, base, station.code)
    assert station_rates(browser, base, station.code) == {
        "response": "2/2", "solved": "1/2", "satisfied": "1/2"}
