"""A deputy records an activity with a photo on a phone-sized screen and sees the points arrive
on the score card (issue 5, "done when").

王建国 signs in, reads his card of the year (nothing yet), opens his duty records, records a
reception of constituents with a photo taken on his phone, finds the photo and the points on
the record's page, and reads his card again: the total and the reception line have moved by the
rule's two points, with the record among the evidence.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from renda.directory.testing import build_world
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

TITLE = "在兴建街道联络站接待选民"


def read_card(page, base: str) -> tuple[str, str]:
    """The card's total and its reception line, as the deputy reads them."""
    page.goto(f"{base}{reverse('duties:my_card')}")
    page.get_by_role("heading", name="王建国", exact=False).first.wait_for()
    total = page.locator("#card-total").inner_text().strip()
    line = page.locator("#line-reception")
    reception = line.inner_text() if line.count() else ""
    assert fits_the_screen(page)
    return total, reception


@pytest.mark.django_db(transaction=True)
def test_a_deputy_records_an_activity_with_a_photo_and_sees_the_points(
        live_server, browser, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    build_world()
    photo = tmp_path / "接待现场.png"
    Image.new("RGB", (320, 240), (40, 120, 200)).save(photo, "PNG")
    base = live_server.url

    page = sign_in(browser, base, "deputy")
    total, reception = read_card(page, base)
    assert (total, reception) == ("0", "")
    assert "这一年还没有计分的履职记录" in page.locator("main").inner_text()

    page.get_by_role("link", name="返回我的履职记录").click()
    page.get_by_role("heading", name="我的履职记录").wait_for()
    assert fits_the_screen(page)
    page.get_by_role("link", name="登记履职活动").click()
    page.get_by_role("heading", name="登记履职活动").wait_for()
    page.get_by_label("活动类型").select_option(label="接待选民")
    assert page.get_by_label("日期").input_value() == timezone.localdate().isoformat()
    page.get_by_label("活动名称").fill(TITLE)
    page.get_by_label("地点").fill("兴建街道人大代表联络站")
    page.get_by_label("联系群众人数").fill("5")
    page.get_by_label("情况说明").fill("接待选民五人，记录供暖、停车问题三件。")
    page.get_by_label("活动照片（选填）").set_input_files(str(photo))
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()

    page.locator(".messages").get_by_text("已登记，本条记录计 2 分").wait_for()
    assert page.get_by_role("heading", name=TITLE).is_visible()
    image = page.get_by_role("img", name="接待现场.png")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 320",
                           arg=image.element_handle())
    assert "/media/" not in image.get_attribute("src")
    assert page.locator("#record-points").inner_text().strip() == "2 分"
    assert fits_the_screen(page)

    page.get_by_role("link", name="年度积分卡", exact=False).click()
    page.locator("#card-total").wait_for()
    total, reception = read_card(page, base)
    assert total == "2"
    assert "2 分" in reception and "1 次，联系群众 5 人" in reception
    page.locator("#line-reception summary").click()
    assert page.locator("#line-reception").get_by_role("link", name=TITLE,
                                                       exact=False).is_visible()
    assert fits_the_screen(page)
    page.context.close()
