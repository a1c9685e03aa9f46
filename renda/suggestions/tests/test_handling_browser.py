"""交 and 办 on a phone-sized screen (390×844): the office assigns a registered suggestion to the
housing bureau (lead) and the health bureau (assisting); the bureau signs for it, records a
face-to-face meeting with the deputy, files a B reply with a promised date and downloads the
reply letter as a PDF with the Chinese font embedded."""

import datetime
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from renda.directory.testing import PASSWORD, build_world
from renda.directory.tests.test_accessibility import AXE, BLOCKING, audit, format_violations
from renda.opinions.tests.test_public_browser import CHROMIUM_ARGS, PHONE_SCREEN
from renda.suggestions.models import Assignment, Commitment, Suggestion
from renda.suggestions.tests.factories import registered_suggestion, unit_user

pytestmark = pytest.mark.browser

REPLY = "一、已将兴建路沿线小区列入明年老旧小区供热管网改造计划。\n二、改造期间由热力公司设临时供热站。"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_in(browser, base: str, username: str, **options):
    page = browser.new_context(locale="zh-CN", accept_downloads=True, **PHONE_SCREEN,
                               **options).new_page()
    refused = []
    page.on("console", lambda msg: refused.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.refused = refused
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    return page


def fold(page, label: str):
    form = page.locator("details.action-form").filter(
        has=page.locator("summary", has_text=label)).first
    form.locator("summary").click()
    return form


def submit(page, form, label: str) -> None:
    with page.expect_navigation():
        form.get_by_role("button", name=label, exact=True).click()
    page.get_by_text(f"已完成“{label}”").wait_for()


def office_assigns(browser, base: str, title: str) -> None:
    page = sign_in(browser, base, "office")
    page.get_by_role("link", name="建议交办（交办、调整、延期）").click()
    assert "须于" in page.locator("main").inner_text()  # a closed-period suggestion's deadline
    page.get_by_role("link", name=title).click()
    form = fold(page, "交办")
    form.get_by_label("主办单位").select_option(label="平房区住房和城乡建设局")
    form.get_by_role("group", name="协办单位").get_by_label("平房区卫生健康局").check()
    form.get_by_label("交办意见").fill("请住建局牵头，卫健局配合，按期答复代表。")
    assert fits_the_screen(page)
    submit(page, form, "交办")
    units = page.locator("#units-heading + ul").inner_text()
    assert "平房区住房和城乡建设局" in units and "平房区卫生健康局" in units
    assert page.get_by_role("link", name="下载交办单（PDF）").is_visible()
    assert fits_the_screen(page)
    assert page.refused == []
    page.context.close()


def unit_handles(browser, base: str, title: str) -> bytes:
    page = sign_in(browser, base, "handler")
    page.get_by_role("link", name="代表建议办理").click()
    page.get_by_role("link", name=title).click()
    submit(page, fold(page, "签收"), "签收")
    form = fold(page, "记录沟通情况")
    form.get_by_label("沟通方式").select_option(label="见面沟通")
    form.get_by_label("参加人员").fill("王建国代表、住建局刘科长")
    form.get_by_label("沟通情况").fill("到兴建路小区现场查看管网，向代表介绍改造计划。")
    submit(page, form, "记录沟通情况")
    assert "见面沟通" in page.locator("#contacts-heading + ul").inner_text()
    promised = (datetime.date.today() + datetime.timedelta(days=180)).isoformat()
    form = fold(page, "答复")
    form.get_by_label("答复分类").select_option(label="B 类：正在解决或列入计划逐步解决")
    form.get_by_label("答复内容").fill(REPLY)
    form.get_by_label("承诺完成时间").fill(promised)
    form.get_by_label("签发人").fill("刘建华")
    form.get_by_label("联系人").fill("张科长")
    form.get_by_label("联系电话").fill("0451-86801111")
    assert fits_the_screen(page)
    submit(page, form, "答复")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载答复函（PDF）").click()
    body = Path(download.value.path()).read_bytes()
    assert fits_the_screen(page)
    assert page.refused == []
    page.context.close()
    return body


def axe_finds_nothing_serious(browser, base: str, username: str, paths: list[str]) -> None:
    """axe runs in a context that lets its injected script through the CSP."""
    if not AXE.is_file():
        return
    page = sign_in(browser, base, username, bypass_csp=True)
    for path in paths:
        page.goto(f"{base}{path}")
        for summary in page.locator("details.action-form > summary").all():
            summary.click()  # the forms folded away are checked too
        serious = [v for v in audit(page, AXE.read_text(encoding="utf-8"))
                   if v["kind"] == "violation" and v["impact"] in BLOCKING]
        assert not serious, format_violations(serious)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_office_assigns_and_the_unit_replies_on_a_phone(live_server, browser):
    world = build_world()
    unit_user(world, unit="health", username="health")
    suggestion = registered_suggestion(world)
    base = live_server.url

    office_assigns(browser, base, suggestion.title)
    pdf = unit_handles(browser, base, suggestion.title)

    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REPLIED
    other = registered_suggestion(world, title="关于增设兴建街道社区卫生服务站的建议")
    axe_finds_nothing_serious(browser, base, "office", [
        "/suggestions/assign/", f"/suggestions/assign/{other.pk}/",
        f"/suggestions/assign/{suggestion.pk}/"])
    lead = suggestion.assignments.get(role=Assignment.Role.LEAD)
    assert (lead.unit, lead.status) == (world.units["housing"], Assignment.Status.REPLIED)
    assert suggestion.assignments.get(role=Assignment.Role.ASSISTING).unit == world.units["health"]
    assert Commitment.objects.get().reply.assignment == lead
    assert lead.contacts.get().method == "face_to_face"
    assisting = suggestion.assignments.get(role=Assignment.Role.ASSISTING)
    axe_finds_nothing_serious(browser, base, "handler", [
        "/suggestions/unit/?show=all", f"/suggestions/unit/{lead.pk}/"])
    axe_finds_nothing_serious(browser, base, "health", [f"/suggestions/unit/{assisting.pk}/"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = text.replace(" ", "").replace("\n", "")
    for expected in ("平房区住房和城乡建设局", "王建国代表：", "签发人：刘建华", "联系人：张科长",
                     "抄送：人大常委会代表工作机构", "代表建议办理情况反馈表"):
        assert expected in text, expected
