"""A duty report's vote on phone-sized screens: the office opens the vote and downloads the
slips; a voter opens the vote address of a slip, votes and is thanked, and the same slip is
refused the second time; another voter types his code; the office closes the vote and publishes
it, and the public results show the rate."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from renda.directory.testing import build_world
from renda.duties import reports
from renda.duties.models import DutyReport, ReportTally
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, phone, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

TEXT = "一年来我在兴建街道联络站接待选民 12 次，提出建议 3 件，均已办理答复。"


def submitted_report(world) -> DutyReport:
    office = world.users["office_staff"]
    round = reports.report_round_create(actor=office, congress=world.congresses["pingfang"],
                                        year=timezone.localdate().year, share="0.01")
    report = round.reports.get()
    reports.report_arrange(actor=office, report_id=report.pk, audience="station",
                           station_id=world.stations["xingjian"].pk,
                           scheduled_on=timezone.localdate())
    reports.report_text_submit(actor=office, report_id=report.pk, text=TEXT)
    return report


def office_opens_the_vote(browser, base: str, report: DutyReport) -> list[str]:  # noqa: F811
    page = sign_in(browser, base, "office")
    page.goto(f"{base}/duties/reports/{report.pk}/")
    page.get_by_label("测评票张数").fill("3")
    assert fits_the_screen(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="开始测评并下载测评票").click()
    with open(download.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    page.context.close()
    return ["".join(pair) for pair in re.findall(r"\b([2-9A-Z]{5})-([2-9A-Z]{5})\b", text)]


def voter_votes(browser, url: str, choice: str, name: str) -> None:  # noqa: F811
    page = phone(browser)
    page.goto(url)
    page.get_by_role("heading", name=f"对 {name} 代表述职的满意度测评").wait_for()
    page.get_by_label(choice, exact=True).check()
    assert fits_the_screen(page)
    page.get_by_role("button", name="提交测评").click()
    page.get_by_role("heading", name="感谢参与测评").wait_for()
    assert fits_the_screen(page)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_voter_votes_once_on_a_phone(live_server, browser):  # noqa: F811
    world = build_world()
    report = submitted_report(world)
    name = report.deputy.name
    base = live_server.url
    codes = office_opens_the_vote(browser, base, report)
    assert len(set(codes)) == 3

    voter_votes(browser, f"{base}/duties/vote/{codes[0]}/", "满意", name)
    again = phone(browser)
    again.goto(f"{base}/duties/vote/{codes[0]}/")
    assert "这张测评票已经投过票" in again.locator("#refusal").inner_text()
    assert fits_the_screen(again)
    again.context.close()

    typed = phone(browser)
    typed.goto(f"{base}/duties/vote/")
    typed.get_by_label("测评码").fill(reports.code_display(codes[1]).lower())
    typed.get_by_role("button", name="进入测评").click()
    typed.get_by_label("基本满意").check()
    typed.get_by_role("button", name="提交测评").click()
    typed.get_by_role("heading", name="感谢参与测评").wait_for()
    typed.context.close()
    assert dict(ReportTally.objects.values_list("choice", "votes")) == {
        "satisfied": 1, "basic": 1, "dissatisfied": 0}

    office = sign_in(browser, base, "office")
    office.goto(f"{base}/duties/reports/{report.pk}/")
    assert "已投 2 票，共发放 3 张测评票" in office.locator("main").inner_text()
    for label in ("结束测评", "公布结果"):
        office.locator("summary", has_text=label).click()
        with office.expect_navigation():
            office.get_by_role("button", name=label, exact=True).click()
        office.get_by_text(f"已完成“{label}”").wait_for()
    office.context.close()

    public = phone(browser)
    public.goto(f"{base}/duties/reports/results/{report.round.year}/")
    public.get_by_role("link", name=name).click()
    assert public.locator("#satisfaction-rate").inner_text().strip() == "100.0%"
    assert fits_the_screen(public)
    public.context.close()
