"""Propose and review on phone-sized screens, as the people in it live it: 王建国 drafts a
suggestion with a photo and invites 李秀英 and 赵志强 to co-sign, found by name; both confirm
from their own phones; the office registers it and it gets the first number of the year's
closed-period series, which 王建国 then sees in his list."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from renda.core.deadlines import local_date
from renda.directory.testing import build_world
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, sign_in  # noqa: F401
from renda.suggestions.models import Suggestion
from renda.suggestions.tests.test_drafting_base import deputy_user

pytestmark = pytest.mark.browser

TITLE = "关于增设兴建路公交站点的建议"
CONTENT = ("兴建路沿线居民小区集中，最近的公交站点在一公里外，老人和学生出行不便。\n"
           "建议在兴建路与友协大街交口增设公交站点，并延长 351 路末班车时间。")


def watch_csp(page) -> list[str]:
    """Collect the console's complaints about the content security policy."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def deputy_drafts_with_two_cosigners(browser, base: str) -> None:  # noqa: F811
    page = sign_in(browser, base, "deputy")
    refused = watch_csp(page)
    page.get_by_role("link", name="我的建议（起草、联名确认）").click()
    page.get_by_role("link", name="起草建议或议案").click()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("分类").select_option(label="交通出行")
    page.get_by_label("内容").fill(CONTENT)
    page.get_by_label("附件：照片或 PDF 文件（选填）").set_input_files(
        {"name": "站点现状.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    assert "站点现状.jpg" in page.locator("main").inner_text()
    page.get_by_role("link", name="邀请联名代表").click()
    for surname, name in (("李", "李秀英"), ("赵", "赵志强")):
        page.get_by_label("代表姓名").fill(surname)
        with page.expect_navigation():
            page.get_by_role("button", name="查找").click()
        with page.expect_navigation():
            page.get_by_role("button", name=f"邀请 {name} 联名").click()
        page.get_by_text("已邀请联名").wait_for()
    assert fits_the_screen(page)
    page.get_by_role("link", name="返回这件建议").click()
    with page.expect_navigation():
        page.get_by_role("button", name="提交联名代表确认").click()
    page.get_by_text("已提交，等待联名代表确认").wait_for()
    assert page.locator("#suggestion-status").inner_text() == "待联名确认"
    assert fits_the_screen(page)
    assert refused == [], refused
    page.context.close()


def cosigner_confirms(browser, base: str, username: str, message: str) -> None:  # noqa: F811
    page = sign_in(browser, base, username)
    page.get_by_role("link", name="我的建议（起草、联名确认）").click()
    pending = page.locator("section", has=page.get_by_role("heading", name="待我联名确认"))
    pending.get_by_role("link", name=TITLE).click()
    assert CONTENT[:10] in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="确认联名").click()
    page.get_by_text(message).wait_for()
    assert fits_the_screen(page)
    page.context.close()


def office_registers(browser, base: str) -> str:  # noqa: F811
    page = sign_in(browser, base, "office")
    refused = watch_csp(page)
    page.get_by_role("link", name="建议审查（立案、退回）").click()
    page.get_by_role("heading", name="建议审查").wait_for()
    assert "共 1 件待审查" in page.locator("#queue-count").inner_text()
    assert fits_the_screen(page)
    page.get_by_role("link", name=TITLE).click()
    text = page.locator("main").inner_text()
    assert "李秀英" in text and "赵志强" in text and "已确认" in text
    page.locator("details.action-form").filter(
        has=page.locator("summary", has_text="立案")).first.locator("summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="立案", exact=True).click()
    page.get_by_text("已立案，编号").wait_for()
    code = page.locator(".suggestion-code").first.inner_text().strip()
    assert page.locator("#suggestion-status").inner_text() == "已立案"
    assert fits_the_screen(page)
    assert refused == [], refused
    page.context.close()
    return code


def deputy_sees_the_number(browser, base: str, code: str) -> None:  # noqa: F811
    page = sign_in(browser, base, "deputy")
    page.goto(f"{base}/suggestions/mine/")
    led = page.locator("section", has=page.get_by_role("heading", name="我领衔的"))
    assert code in led.inner_text() and "已立案" in led.inner_text()
    assert fits_the_screen(page)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_joint_suggestion_from_draft_to_its_number(live_server, browser, settings,  # noqa: F811
                                                     tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = build_world()
    deputy_user(world, "li")
    deputy_user(world, "zhao")
    base = live_server.url

    deputy_drafts_with_two_cosigners(browser, base)
    suggestion = Suggestion.objects.get()
    assert suggestion.status == Suggestion.Status.COSIGNING
    assert suggestion.attachments.get().content_type == "image/jpeg"

    cosigner_confirms(browser, base, "li", "已确认联名")
    cosigner_confirms(browser, base, "zhao", "已确认联名，全部联名代表已确认，建议已提交人大机关")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.SUBMITTED

    code = office_registers(browser, base)
    suggestion.refresh_from_db()
    year = local_date(timezone.now()).year
    assert (suggestion.status, suggestion.number, suggestion.numbering_key, suggestion.code) \
        == (Suggestion.Status.REGISTERED, 1, f"Y{year}", f"{year}闭会建议第1号")
    assert code == suggestion.code
    assert list(suggestion.signatures.order_by("order").values_list("deputy__name", flat=True)) \
        == ["王建国", "李秀英", "赵志强"]
    deputy_sees_the_number(browser, base, code)
