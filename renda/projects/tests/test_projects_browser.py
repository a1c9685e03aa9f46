"""On phone-sized screens: the housing bureau's handler reports a project's progress with a
photo, and, once the survey is open, a citizen opens the project's public page, confirms the
mobile number with the SMS code and rates the project; the rating is counted once."""

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, phone, sign_in  # noqa: F401
from renda.opinions.tests.test_public_browser import BACKENDS, SENT
from renda.opinions.tests.test_public_views import last_code
from renda.projects.models import Project, ProjectCycle, SurveyResponse
from renda.projects.tests.test_implementation import project_world

pytestmark = pytest.mark.browser

MOBILE = "13904510066"
NOTE = "完成兴建街道 3 个小区 12 栋楼的外墙保温，正在更换供暖管网。"


def unit_reports_progress(browser, base: str, project: Project, photo) -> None:  # noqa: F811
    page = sign_in(browser, base, "handler")
    page.goto(f"{base}{reverse('projects:project_list')}")
    page.get_by_role("link", name=project.title).click()
    page.get_by_role("heading", name=project.title).wait_for()
    assert fits_the_screen(page)
    page.get_by_role("link", name="填报进度").click()
    page.get_by_label("总体进度（%）").fill("120")
    page.get_by_label("累计支出（万元）").fill("320.5")
    page.get_by_label("进展情况").fill(NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="提交进度").click()
    page.get_by_text("进度应为 0 到 100 之间的整数").wait_for()
    assert page.get_by_label("进展情况").input_value() == NOTE
    page.get_by_label("总体进度（%）").fill("60")
    page.get_by_label("现场照片（选填）").set_input_files(str(photo))
    assert fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="提交进度").click()
    page.locator(".messages").get_by_text("进度已填报：完成 60%").wait_for()
    image = page.locator("#reports img").first
    page.wait_for_function("img => img.complete && img.naturalWidth === 320",
                           arg=image.element_handle())
    assert "/media/" not in image.get_attribute("src")
    assert fits_the_screen(page)
    page.context.close()


def citizen_rates(browser, base: str, project: Project) -> None:  # noqa: F811
    page = phone(browser)
    page.goto(f"{base}{reverse('projects:project_public', args=[project.pk])}")
    page.get_by_role("heading", name=project.title).wait_for()
    assert "60%" in page.locator("main").inner_text()
    assert NOTE in page.locator("main").inner_text()
    page.wait_for_function("img => img.complete && img.naturalWidth === 320",
                           arg=page.locator("main img").first.element_handle())
    assert fits_the_screen(page)
    page.get_by_role("link", name="群众测评进行中，参与评价").click()
    page.get_by_role("textbox", name="手机号码").fill(MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送至 139****0066").wait_for()
    page.get_by_label("短信验证码").fill(last_code(MOBILE))
    page.get_by_role("button", name="验证手机号码").click()
    page.get_by_text("已验证手机号码").wait_for()
    assert fits_the_screen(page)
    group = page.get_by_role("group", name=project.title)
    group.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("评价已提交，共评价 1 个项目").wait_for()
    assert "您已评价：满意" in page.locator("#rated").inner_text()
    assert page.get_by_role("group", name=project.title).count() == 0
    assert fits_the_screen(page)
    assert MOBILE not in page.content()
    page.context.close()


@pytest.mark.django_db(transaction=True)
@override_settings(RENDA_NOTIFICATION_BACKENDS=BACKENDS)
def test_a_unit_reports_progress_and_a_citizen_rates_the_project(
        live_server, browser, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    SENT.clear()
    pw = project_world()
    photo = tmp_path / "施工现场.png"
    Image.new("RGB", (320, 240), (40, 120, 200)).save(photo, "PNG")

    unit_reports_progress(browser, live_server.url, pw.housing, photo)
    housing = Project.objects.get(pk=pw.housing.pk)
    assert (housing.progress, str(housing.spent)) == (60, "320.50")

    ProjectCycle.objects.filter(pk=pw.cycle.pk).update(status=ProjectCycle.Status.EVALUATING)
    citizen_rates(browser, live_server.url, pw.housing)
    assert list(SurveyResponse.objects.values_list("project_id", "rating")) == [
        (pw.housing.pk, "satisfied")]
