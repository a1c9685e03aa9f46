"""A citizen on a phone votes in a star round: opens the round's vote page, confirms the mobile
number with the SMS code, votes for a station, and a second vote the same day is refused."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from renda.directory.testing import build_world
from renda.duties import stars
from renda.duties.models import StarCandidate, StarRound, StarVote
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, phone  # noqa: F401
from renda.opinions.tests.test_public_browser import BACKENDS, SENT
from renda.opinions.tests.test_public_views import last_code

pytestmark = pytest.mark.browser

MOBILE = "13904510002"
STATEMENT = "本年度组织代表接待日 12 次，接待群众 180 人次，收集意见建议 40 件，已办结反馈 36 件。"


def voting_round(world) -> StarRound:
    """平房区's station round with 兴建 and 友协, reviewed and in its vote today."""
    office, evaluator = world.users["office_staff"], world.users["evaluator"]
    today = timezone.localdate()
    star_round = stars.star_round_create(
        actor=office, congress=world.congresses["pingfang"], year=today.year,
        kind=StarRound.Kind.STATION, vote_opens_on=today - datetime.timedelta(days=1),
        vote_closes_on=today + datetime.timedelta(days=6))
    for key in ("xingjian", "youxie"):
        stars.star_candidate_nominate(actor=office, round_id=star_round.pk,
                                      station=world.stations[key], statement=STATEMENT)
    stars.star_round_advance(actor=office, round_id=star_round.pk, action="start_review")
    for candidate in star_round.candidates.all():
        stars.star_review_save(actor=evaluator, candidate_id=candidate.pk,
                               scores={"facilities": 18, "organisation": 17,
                                       "activities": 26, "results": 27})
    return stars.star_round_advance(actor=office, round_id=star_round.pk, action="open_vote")


@pytest.mark.django_db(transaction=True)
@override_settings(RENDA_NOTIFICATION_BACKENDS=BACKENDS)
def test_a_citizen_votes_once_with_a_confirmed_phone(live_server, browser):  # noqa: F811
    SENT.clear()
    world = build_world()
    star_round = voting_round(world)
    xingjian, youxie = world.stations["xingjian"], world.stations["youxie"]
    page = phone(browser)
    page.goto(f"{live_server.url}/duties/honours/")
    page.get_by_role("link", name=star_round.title).click()
    page.get_by_role("heading", name=star_round.title).wait_for()
    assert fits_the_screen(page)
    page.get_by_role("textbox", name="手机号码").fill(MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送至 139****0002").wait_for()
    assert page.get_by_role("textbox", name="手机号码").input_value() == MOBILE
    page.get_by_label("短信验证码").fill(last_code(MOBILE))
    page.get_by_role("button", name="验证手机号码").click()
    page.get_by_text("已验证手机号码").wait_for()
    assert fits_the_screen(page)
    page.get_by_role("button", name=f"投票给{xingjian.name}").click()
    page.get_by_text(f"投票成功！您已为{xingjian.name}投出一票").wait_for()
    assert "1 票" in page.locator(f"#candidate-{star_round.candidates.get(station=xingjian).pk}"
                                  ).inner_text()
    page.get_by_role("button", name=f"投票给{youxie.name}").click()
    page.get_by_text("该手机号码今天已经投过票").wait_for()
    assert fits_the_screen(page)
    votes = dict(StarCandidate.objects.filter(round=star_round)
                 .values_list("station__code", "public_votes"))
    assert votes == {xingjian.code: 1, youxie.code: 0}
    assert StarVote.objects.count() == 1
    assert MOBILE not in page.content()
    page.context.close()
