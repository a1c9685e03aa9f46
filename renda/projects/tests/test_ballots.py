"""The deputies' secret ballots through the service (`renda.projects.ballots`): the counting
rules (the base of the majority, choose N, ties, the quorum), the recount, the paper ballots
and a deputy's vote counted once. The helpers build the cycles and deputies the other ballot
tests use."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.models import CongressSetting, Deputy, Mandate
from renda.directory.testing import PASSWORD, World, build_world
from renda.projects import ballots
from renda.projects.models import Ballot, CastBallot, ProjectCycle, Proposal
from renda.projects.settings_registry import DEFAULT_SELECTION_RULES

# Helpers ---------------------------------------------------------------------------------------


def candidates_cycle(world: World, *, titles: list[str], places: int, year: int = 2027,
                     status: str = ProjectCycle.Status.VOTING) -> ProjectCycle:
    """平房区's cycle with its shortlist fixed: the candidates in ballot order. (The collection
    and shortlisting pages are tested elsewhere; here the cycle starts at the vote.)"""
    cycle = ProjectCycle.objects.create(
        congress=world.congresses["pingfang"], year=year, title=f"{year}年平房区民生实事项目",
        places=places, collect_opens_on=datetime.date(year - 1, 9, 1),
        collect_closes_on=datetime.date(year - 1, 10, 31), status=status)
    for n, title in enumerate(titles, start=1):
        Proposal.objects.create(cycle=cycle, number=f"{year}-{n:03d}", source="public",
                                title=title, description=f"{title}的建设内容", category="other",
                                status=Proposal.Status.CANDIDATE, ballot_order=n)
    return cycle


def seat_deputies(world: World, count: int, *, prefix: str = "代表") -> list[Deputy]:
    """`count` more deputies of 平房区 with a seat in its term."""
    deputies = []
    for n in range(1, count + 1):
        deputy = Deputy.objects.create(name=f"{prefix}{n:02d}", gender=Deputy.Gender.FEMALE)
        Mandate.objects.create(deputy=deputy, term=world.terms["pingfang"],
                               start_date=datetime.date(2022, 1, 5))
        deputies.append(deputy)
    return deputies


def deputy_account(world: World, deputy: Deputy, username: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD,
                                    display_name=deputy.name, deputy=deputy)
    RoleAssignment.objects.create(user=user, role=Role.DEPUTY,
                                  congress=world.congresses["pingfang"])
    return user


def selection_rules(world: World, **rules) -> None:
    CongressSetting.objects.create(congress=world.congresses["pingfang"],
                                   key="projects.selection_rules",
                                   value={**DEFAULT_SELECTION_RULES, **rules},
                                   effective_from=datetime.date(2020, 1, 1))


def open_ballot(world: World, cycle: ProjectCycle, *, present: list[Deputy] | None = None,
                kind: str = Ballot.Kind.SELECTION) -> Ballot:
    """Prepared, the deputies checked in (all with a seat unless `present`), opened."""
    office = world.users["office_staff"]
    ballot = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk, kind=kind)
    ids = ([d.pk for d in present] if present is not None
           else list(ballot.roll.values_list("deputy_id", flat=True)))
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk, deputy_ids=ids)
    return ballots.ballot_open(actor=office, ballot_id=ballot.pk)


def item_ids(ballot: Ballot) -> list[str]:
    return [str(pk) for pk in ballot.items.order_by("order").values_list("pk", flat=True)]


def paper_votes(world: World, ballot: Ballot, papers: list[dict | None]) -> None:
    """The tellers hand a paper to as many present deputies as there are papers, and enter
    them."""
    office = world.users["office_staff"]
    rows = ballot.roll.filter(present=True, voted=False).order_by("deputy_id")[:len(papers)]
    for deputy_id in [row.deputy_id for row in rows]:
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk, deputy_id=deputy_id)
    for paper in papers:
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices=paper)


def approve(ballot: Ballot, *answers: str) -> dict:
    """One approve paper: "f", "a" or "x" (for, against, abstain) per item in ballot order."""
    names = {"f": "for", "a": "against", "x": "abstain"}
    return {pk: names[a] for pk, a in zip(item_ids(ballot), answers, strict=True)}


def titles(ballot: Ballot, proposal_ids: list[int]) -> list[str]:
    return [Proposal.objects.get(pk=pk).title for pk in proposal_ids]


FOUR = ["社区食堂", "老旧小区改造", "口袋公园", "学校午托"]


# The base of the majority ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("base", "chosen", "needed"), [
    ("all", [], 4),                       # 7 deputies with a seat: more than 3.5
    ("present", ["社区食堂"], 3),          # 5 present: more than 2.5
    ("valid", ["社区食堂", "老旧小区改造"], 2),  # 3 valid papers: more than 1.5
])
def test_approve_counts_against_the_base_of_the_rules(base, chosen, needed):
    world = build_world()
    extra = seat_deputies(world, 4)  # 3 of build_world's + 4: 7 with a seat
    selection_rules(world, base=base)
    cycle = candidates_cycle(world, titles=FOUR, places=3)
    ballot = open_ballot(world, cycle, present=[world.deputies["wang"], world.deputies["li"],
                                                *extra[:3]])
    paper_votes(world, ballot, [approve(ballot, "f", "f", "f", "a"),
                                approve(ballot, "f", "f", "a", "a"),
                                approve(ballot, "f", "a", "x", "a"), None, None])
    closed = ballots.ballot_close(actor=world.users["office_staff"], ballot_id=ballot.pk)
    result = closed.result
    assert closed.status == Ballot.Status.CLOSED
    assert (result["eligible"], result["present"], result["cast"], result["valid"],
            result["invalid"]) == (7, 5, 5, 3, 2)
    assert result["votes_needed"] == needed
    assert titles(closed, result["chosen"]) == chosen
    votes = {row["title"]: (row["for"], row["against"], row["abstain"]) for row in result["items"]}
    assert votes == {"社区食堂": (3, 0, 0), "老旧小区改造": (2, 1, 0), "口袋公园": (1, 1, 1),
                     "学校午托": (0, 3, 0)}


# Choose N ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_choose_counts_the_ticks_and_refuses_a_ballot_with_more_than_the_places():
    world = build_world()
    selection_rules(world, method="choose", base="valid")
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    a, b, c, _d = item_ids(ballot)
    office = world.users["office_staff"]
    ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                               deputy_id=world.deputies["wang"].pk)
    with pytest.raises(ValidationError, match="最多选择 2 个项目，您选了 3 个"):
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk,
                                   choices={"chosen": [a, b, c]})
    assert not CastBallot.objects.filter(ballot=ballot).exists()
    ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices={"chosen": [a, b]})
    paper_votes(world, ballot, [{"chosen": [a, c]}, {"chosen": [a]}])
    result = ballots.ballot_close(actor=office, ballot_id=ballot.pk).result
    assert {row["title"]: row["votes"] for row in result["items"]} == {
        "社区食堂": 3, "老旧小区改造": 1, "口袋公园": 1, "学校午托": 0}
    # 3 valid ballots: more than 1.5 needed; only 社区食堂 has it, the second place stays empty.
    assert titles(ballot, result["chosen"]) == ["社区食堂"]


# Ties --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("tie_break", "chosen", "tied"), [
    ("none", ["社区食堂"], ["老旧小区改造", "口袋公园"]),
    ("ballot_order", ["社区食堂", "老旧小区改造"], []),
])
def test_a_tie_for_the_last_place_follows_the_tie_break(tie_break, chosen, tied):
    world = build_world()
    seat_deputies(world, 2)  # 5 with a seat, all present
    selection_rules(world, base="valid", tie_break=tie_break)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    paper_votes(world, ballot, [approve(ballot, "f", "f", "f", "a"),
                                approve(ballot, "f", "f", "f", "a"),
                                approve(ballot, "f", "f", "f", "a"),
                                approve(ballot, "f", "a", "a", "a"),
                                approve(ballot, "a", "a", "a", "f")])
    office = world.users["office_staff"]
    result = ballots.ballot_close(actor=office, ballot_id=ballot.pk).result
    assert titles(ballot, result["chosen"]) == chosen
    assert titles(ballot, result["tied"]) == tied
    ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    cycle.refresh_from_db()
    statuses = dict(cycle.proposals.values_list("title", "status"))
    assert [t for t, s in statuses.items() if s == Proposal.Status.CHOSEN] == chosen
    # A tie leaves the tied candidates for a second ballot and the cycle at the vote.
    assert [t for t, s in statuses.items() if s == Proposal.Status.CANDIDATE] == tied
    assert cycle.status == (ProjectCycle.Status.VOTING if tied
                            else ProjectCycle.Status.IMPLEMENTING)
    assert sorted(cycle.projects.values_list("title", flat=True)) == sorted(chosen)


@pytest.mark.django_db
def test_the_tied_candidates_go_to_a_second_ballot_for_the_places_left():
    world = build_world()
    seat_deputies(world, 2)
    selection_rules(world, base="valid", tie_break="none")
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    paper_votes(world, ballot, [approve(ballot, "f", "f", "f", "a")] * 3
                + [approve(ballot, "f", "a", "a", "a"), approve(ballot, "a", "a", "a", "f")])
    office = world.users["office_staff"]
    ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    second = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk, kind=Ballot.Kind.SELECTION)
    assert [item.proposal.title for item in second.items.order_by("order")] == [
        "老旧小区改造", "口袋公园"]
    assert second.rules["places"] == 1


# The quorum --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_ballot_below_the_quorum_is_reported_as_failed_with_no_result(client):
    world = build_world()
    extra = seat_deputies(world, 3)  # 6 with a seat: more than 4.0 needed, i.e. 5
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle, present=[world.deputies["wang"], *extra])
    paper_votes(world, ballot, [approve(ballot, "f", "f", "f", "f")] * 4)
    office = world.users["office_staff"]
    failed = ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    assert failed.status == Ballot.Status.FAILED
    assert failed.result == {"eligible": 6, "present": 4, "quorum_needed": 5}
    with pytest.raises(Exception, match="不能执行"):
        ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    cycle.refresh_from_db()
    assert not cycle.projects.exists()
    assert set(cycle.proposals.values_list("status", flat=True)) == {Proposal.Status.CANDIDATE}
    # The office sees it failed, with the attendance; the public sees nothing.
    assert client.get(failed.get_absolute_url()).status_code == 404
    client.force_login(office)
    page = client.get(failed.get_absolute_url()).content.decode()
    assert "未达法定人数，投票无效" in page
    assert "当选" not in page
    # A failed ballot can be prepared again.
    again = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk, kind=Ballot.Kind.SELECTION)
    assert again.status == Ballot.Status.PREPARED


# The recount -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_recount_from_the_stored_ballots_gives_the_published_result():
    world = build_world()
    seat_deputies(world, 2)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    paper_votes(world, ballot, [approve(ballot, "f", "f", "a", "x")] * 4 + [None])
    office = world.users["office_staff"]
    ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    published = ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    result, agrees = ballots.ballot_recount(actor=office, ballot_id=ballot.pk)
    assert agrees and result == published.result
    assert titles(ballot, result["chosen"]) == ["社区食堂", "老旧小区改造"]
    # A paper slipped into the store afterwards is caught by the next recount.
    CastBallot.objects.create(ballot=ballot, choices=approve(ballot, "a", "a", "f", "f"))
    _result, agrees = ballots.ballot_recount(actor=office, ballot_id=ballot.pk)
    assert not agrees


@pytest.mark.django_db
def test_a_title_corrected_after_the_count_does_not_make_the_recount_disagree():
    world = build_world()
    seat_deputies(world, 2)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    paper_votes(world, ballot, [approve(ballot, "f", "f", "a", "x")] * 5)
    office = world.users["office_staff"]
    ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    Proposal.objects.filter(cycle=cycle, title="口袋公园").update(title="口袋公园建设")
    _result, agrees = ballots.ballot_recount(actor=office, ballot_id=ballot.pk)
    assert agrees  # no stored ballot changed


# Paper ballots ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_never_more_papers_entered_than_were_handed_out():
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle, present=[world.deputies["wang"], world.deputies["li"]])
    office = world.users["office_staff"]
    with pytest.raises(ballots.VoteRefused, match="已达到发出的张数（0 张）"):
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices=None)
    with pytest.raises(ballots.VoteRefused, match="未签到"):
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                                   deputy_id=world.deputies["zhao"].pk)
    ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                               deputy_id=world.deputies["wang"].pk)
    with pytest.raises(ballots.VoteRefused, match="已经投票或已领取"):
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                                   deputy_id=world.deputies["wang"].pk)
    with pytest.raises(ValidationError, match="还有 1 张纸质选票没有录入"):
        ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk,
                               choices=approve(ballot, "f", "f", "f", "f"))
    with pytest.raises(ballots.VoteRefused, match="已达到发出的张数（1 张）"):
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices=None)
    assert CastBallot.objects.filter(ballot=ballot).count() == 1


# A deputy's own vote ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_present_deputy_votes_once_and_a_second_submission_is_refused():
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle, present=[world.deputies["wang"], world.deputies["li"]])
    deputy = world.users["deputy"]
    ballots.ballot_cast(actor=deputy, ballot_id=ballot.pk,
                        choices=approve(ballot, "f", "f", "a", "x"))
    with pytest.raises(ballots.VoteRefused, match="已经投过票") as refused:
        ballots.ballot_cast(actor=deputy, ballot_id=ballot.pk,
                            choices=approve(ballot, "a", "a", "a", "a"))
    assert refused.value.status == 409
    assert CastBallot.objects.filter(ballot=ballot).count() == 1
    assert ballot.roll.get(deputy=world.deputies["wang"]).voted


@pytest.mark.django_db
def test_a_deputy_not_checked_in_or_off_the_roll_cannot_vote():
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle, present=[world.deputies["li"]])
    paper = approve(ballot, "f", "f", "a", "x")
    with pytest.raises(ballots.VoteRefused, match="请先到计票人处签到") as refused:
        ballots.ballot_cast(actor=world.users["deputy"], ballot_id=ballot.pk, choices=paper)
    assert refused.value.status == 403
    sun = deputy_account(world, world.deputies["sun"], "sun")  # 松北区: not on this roll
    with pytest.raises(ballots.VoteRefused) as refused:
        ballots.ballot_cast(actor=sun, ballot_id=ballot.pk, choices=paper)
    assert refused.value.status == 403
    li = deputy_account(world, world.deputies["li"], "li")
    with pytest.raises(ValidationError, match="还有 1 个项目没有选择"):
        ballots.ballot_cast(actor=li, ballot_id=ballot.pk, choices=dict(list(paper.items())[:3]))
    assert not CastBallot.objects.filter(ballot=ballot).exists()
    ballots.ballot_cast(actor=li, ballot_id=ballot.pk, choices=paper)
    assert CastBallot.objects.filter(ballot=ballot).count() == 1


# The pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_console_is_the_office_s_alone(client):
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = ballots.ballot_prepare(actor=world.users["office_staff"], cycle_id=cycle.pk,
                                    kind=Ballot.Kind.SELECTION)
    console = f"/projects/ballots/{ballot.pk}/console/"
    assert client.get(console).status_code == 302  # to the sign-in page
    for user in (world.users["deputy"], world.users["station_staff"], world.outsider):
        client.force_login(user)
        assert client.get(console).status_code == 404
        assert client.post(console, {"action": "open"}).status_code == 404
        assert client.post(f"/projects/ballots/cycles/{cycle.pk}/prepare/",
                           {"kind": "selection"}).status_code == 404
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.PREPARED


@pytest.mark.django_db
def test_check_in_by_name_and_all_listed_at_once(client):
    world = build_world()
    seat_deputies(world, 3)  # 代表01 to 代表03
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    client.force_login(world.users["office_staff"])
    response = client.post(f"/projects/ballots/cycles/{cycle.pk}/prepare/", {"kind": "selection"})
    ballot = Ballot.objects.get(cycle=cycle)
    console = f"/projects/ballots/{ballot.pk}/console/"
    assert response.url == console
    page = client.get(console, {"q": "代表"}).content.decode()
    assert "代表01" in page and "王建国" not in page
    assert "列出的 3 位代表全部签到" in page
    response = client.post(console, {"action": "mark_all", "q": "代表"}, follow=True)
    assert "已为列出的 3 位代表签到，实到 3 人" in response.content.decode()
    assert sorted(ballot.roll.filter(present=True).values_list("deputy__name", flat=True)) == [
        "代表01", "代表02", "代表03"]
    client.post(console, {"action": "mark", "deputy": world.deputies["wang"].pk})
    client.post(console, {"action": "unmark", "deputy": ballot.roll.get(
        deputy__name="代表01").deputy_id})
    assert Ballot.objects.get(pk=ballot.pk).present == 3
    response = client.post(console, {"action": "mark", "deputy": world.deputies["sun"].pk},
                           follow=True)
    assert "该代表不在本次投票的代表名单中" in response.content.decode()


@pytest.mark.django_db
def test_while_the_vote_is_open_the_console_counts_voters_not_choices(client):
    world = build_world()
    seat_deputies(world, 2)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    ballots.ballot_cast(actor=world.users["deputy"], ballot_id=ballot.pk,
                        choices=approve(ballot, "f", "f", "a", "a"))
    client.force_login(world.users["office_staff"])
    progress = client.get(f"/projects/ballots/{ballot.pk}/console/progress/").content.decode()
    assert 'id="count-voted">1 / 5<' in progress
    assert 'hx-trigger="every 5s"' in progress
    console = client.get(f"/projects/ballots/{ballot.pk}/console/").content.decode()
    assert not any(title in console for title in FOUR)
    assert client.get(ballot.get_absolute_url()).status_code == 404  # no result while open


@pytest.mark.django_db
def test_a_paper_with_an_item_left_out_keeps_what_was_entered(client):
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    office = world.users["office_staff"]
    ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                               deputy_id=world.deputies["wang"].pk)
    ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk,
                               deputy_id=world.deputies["li"].pk)
    client.force_login(office)
    url = f"/projects/ballots/{ballot.pk}/console/paper/"
    a, b, c, _d = item_ids(ballot)
    response = client.post(url, {f"paper-item_{a}": "for", f"paper-item_{b}": "against",
                                 f"paper-item_{c}": "abstain"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请对这个项目作出选择" in page
    assert re.search(rf'name="paper-item_{b}" value="against"[^>]*checked', page)
    assert not CastBallot.objects.exists()
    assert client.post(url, {"spoilt": "1"}).status_code == 302
    assert client.post(url, {"spoilt": "1"}).status_code == 302
    response = client.post(url, {"spoilt": "1"}, follow=True)
    assert "录入的纸质选票已达到发出的张数（2 张）" in response.content.decode()
    assert CastBallot.objects.filter(ballot=ballot, paper=True).count() == 2


@pytest.mark.django_db
def test_the_deputy_s_ballot_refuses_with_the_service_s_message_and_status(client):
    world = build_world()
    selection_rules(world, method="choose")
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle, present=[world.deputies["wang"]])
    url = f"/projects/ballots/{ballot.pk}/vote/"
    li = deputy_account(world, world.deputies["li"], "li")
    client.force_login(li)
    response = client.get(url)
    assert response.status_code == 403
    assert "请先到计票人处签到" in response.content.decode()
    client.force_login(deputy_account(world, world.deputies["sun"], "sun"))
    assert client.get(url).status_code == 404  # not on this roll
    client.force_login(world.users["deputy"])
    a, b, c, _d = item_ids(ballot)
    response = client.post(url, {"step": "review", "chosen": [a, b, c]})
    assert response.status_code == 400
    assert "最多选择 2 个项目，您选了 3 个" in response.content.decode()
    count = f"/projects/ballots/{ballot.pk}/vote/count/"
    assert "已选 3 个，超过了最多 2 个" in client.post(count, {"chosen": [a, b, c]}).content.decode()
    assert "已选 1 个，最多 2 个" in client.post(count, {"chosen": [a, "999"]}).content.decode()
    confirm = client.post(url, {"step": "review", "chosen": [a, c]}).content.decode()
    assert "您选了 2 个项目（最多 2 个）" in confirm
    back = client.post(url, {"step": "edit", "chosen": [a, c]}).content.decode()
    assert re.search(rf'value="{c}"[^>]*checked', back)
    ballots.ballot_close(actor=world.users["office_staff"], ballot_id=ballot.pk)
    response = client.post(url, {"step": "confirm", "chosen": [a, c]})
    assert response.status_code == 403
    assert "投票尚未开始或已经结束" in response.content.decode()
    assert not CastBallot.objects.exists()


@pytest.mark.django_db
def test_the_result_is_public_once_published(client):
    world = build_world()
    seat_deputies(world, 2)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    paper_votes(world, ballot, [approve(ballot, "f", "a", "f", "a")] * 5)
    office = world.users["office_staff"]
    ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    url = ballot.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(world.users["leader"])
    assert client.get(url).status_code == 200
    client.force_login(world.users["deputy"])
    assert client.get(url).status_code == 404
    ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    client.logout()
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-chosen="1"') == 2
    assert "过半数的基数：全体代表" in page and "得票不少于 3 票方可当选" in page
    assert response.context["chart_data"] == {"result": {
        "labels": ["社区食堂", "口袋公园", "老旧小区改造", "学校午托"], "values": [5, 5, 0, 0]}}
    assert 'id="opinion-chart-data"' in page and "echarts" in page
