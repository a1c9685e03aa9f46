"""One suggestion through the whole loop 提-交-办-督-评 on phone-sized screens:

王建国 drafts it and invites 李秀英 and 赵志强, who confirm; the office registers and assigns it
to the housing bureau (lead) with the health bureau assisting; the bureau signs for it, meets
the deputy and files a B reply with a promised date; the deputy rates it dissatisfied; the
bureau handles it again and files an A reply; the deputy rates it satisfied and it is closed.
The bureau's own figures on the statistics page move at each step as the definitions say.
"""

import pytest

from renda.directory.testing import build_world
from renda.opinions.tests.test_loop_browser import browser, fits_the_screen, sign_in  # noqa: F401
from renda.suggestions.models import Assignment, Evaluation, Reply, Suggestion
from renda.suggestions.tests.factories import unit_user
from renda.suggestions.tests.test_drafting_base import deputy_user
from renda.suggestions.tests.test_drafting_browser import (
    TITLE,
    cosigner_confirms,
    deputy_drafts_with_two_cosigners,
    office_registers,
)
from renda.suggestions.tests.test_evaluation_browser import rate
from renda.suggestions.tests.test_handling_browser import fold, office_assigns, submit, unit_handles

pytestmark = pytest.mark.browser

HOUSING = "平房区住房和城乡建设局"
SECOND_REPLY = "已完成兴建路与友协大街交口公交站点的设置，351 路末班车延长至 22 时。"
FIGURES = ("completion", "solved", "solved-or-planned", "face-to-face", "first-satisfied",
           "final-satisfied")


def unit_figures(browser, base: str) -> dict[str, str]:  # noqa: F811
    """The housing bureau's own figures, as its handler reads them."""
    page = sign_in(browser, base, "handler")
    page.goto(f"{base}/suggestions/stats/")
    figures = {key: page.locator(f"#fig-{key}-count").inner_text().strip() for key in FIGURES}
    assert fits_the_screen(page)
    page.context.close()
    return figures


def deputy_rates(browser, base: str, rating: str, comment: str, message: str) -> None:  # noqa: F811
    page = sign_in(browser, base, "deputy")
    page.get_by_role("link", name="评价答复（含年终二次评价）").click()
    rate(page, HOUSING, rating, comment)
    page.locator(".messages").get_by_text(message).wait_for()
    assert fits_the_screen(page)
    page.context.close()


def unit_answers_again(browser, base: str) -> None:  # noqa: F811
    page = sign_in(browser, base, "handler")
    page.get_by_role("link", name="代表建议办理").click()
    page.get_by_role("link", name=TITLE).click()
    assert "重新办理" in page.locator("main").inner_text()
    form = fold(page, "记录沟通情况")
    form.get_by_label("沟通方式").select_option(label="电话沟通")
    form.get_by_label("参加人员").fill("王建国代表、住建局刘科长")
    form.get_by_label("沟通情况").fill("电话说明站点改设在小区门口，代表同意。")
    submit(page, form, "记录沟通情况")
    form = fold(page, "答复")
    form.get_by_label("答复分类").select_option(label="A 类：已解决或基本解决")
    form.get_by_label("答复内容").fill(SECOND_REPLY)
    form.get_by_label("签发人").fill("刘建华")
    form.get_by_label("联系人").fill("张科长")
    form.get_by_label("联系电话").fill("0451-86801111")
    assert fits_the_screen(page)
    submit(page, form, "答复")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_one_suggestion_through_the_whole_loop(live_server, browser, settings,  # noqa: F811
                                              tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = build_world()
    deputy_user(world, "li")
    deputy_user(world, "zhao")
    unit_user(world, unit="health", username="health")
    base = live_server.url
    nothing = "0/0"
    assert unit_figures(browser, base) == dict.fromkeys(FIGURES, nothing)

    deputy_drafts_with_two_cosigners(browser, base)
    cosigner_confirms(browser, base, "li", "已确认联名")
    cosigner_confirms(browser, base, "zhao", "已确认联名，全部联名代表已确认，建议已提交人大机关")
    code = office_registers(browser, base)
    suggestion = Suggestion.objects.get()
    assert (suggestion.code, suggestion.status) == (code, Suggestion.Status.REGISTERED)

    office_assigns(browser, base, TITLE)
    unit_handles(browser, base, TITLE)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REPLIED
    assert unit_figures(browser, base) == {
        "completion": "0/1", "solved": "0/1", "solved-or-planned": "1/1",
        "face-to-face": "1/1", "first-satisfied": nothing, "final-satisfied": nothing}

    deputy_rates(browser, base, "不满意", "站点选址离小区仍远，请再研究",
                 "承办单位将重新办理并再次答复")
    lead = suggestion.assignments.get(role=Assignment.Role.LEAD)
    suggestion.refresh_from_db()
    assert (suggestion.status, lead.status, lead.round) == (
        Suggestion.Status.REHANDLING, Assignment.Status.REHANDLING, 2)

    unit_answers_again(browser, base)
    deputy_rates(browser, base, "满意", "", "评价已提交，这件建议已办结。")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CLOSED
    assert list(Reply.objects.filter(assignment=lead).order_by("round")
                .values_list("round", "category")) == [(1, "B"), (2, "A")]
    assert list(Evaluation.objects.order_by("reply__round").values_list("rating", flat=True)) \
        == ["dissatisfied", "satisfied"]
    assert unit_figures(browser, base) == {
        "completion": "1/1", "solved": "1/1", "solved-or-planned": "1/1",
        "face-to-face": "1/1", "first-satisfied": "0/1", "final-satisfied": "1/1"}
