"""Demo star rounds, through the real services: a published station round (stations rated one
to three stars, with reviewers' scores and public votes) and a deputy round in its public vote.
`seed_demo` calls `demo_star_round`; running it again changes nothing."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.accounts.access import has_perm
from renda.accounts.models import Role, RoleAssignment, User
from renda.core.verification import phone_digest
from renda.directory.models import Congress, Deputy, Mandate, Station
from renda.duties import stars
from renda.duties.models import StarCandidate, StarRound
from renda.duties.permissions import DECIDE_STAR, REVIEW_STAR

K = StarRound.Kind
STATION_STATEMENT = ("{name}建有固定活动场所，落实“月进站、季回家、年述职”，本年度组织代表接待日 {days} 次，"
                     "接待群众 {people} 人次，收集意见建议 {items} 件，已办结反馈 {done} 件。")
DEPUTY_STATEMENT = ("{name}代表本年度进站履职 {days} 次，联系选民 {people} 人，领衔提出建议 {items} 件，"
                    "参加视察调研 {done} 次，推动解决了一批群众身边的急难愁盼问题。")
# Reviewer scores as shares of each criterion's maximum, and each candidate's public votes:
# spread so that the suggested stars come out three, two, one and none.
PROFILES = [(Decimal("0.95"), 120), (Decimal("0.9"), 80), (Decimal("0.82"), 60),
            (Decimal("0.78"), 40), (Decimal("0.7"), 20), (Decimal("0.6"), 10)]


def demo_star_round(congress: Congress, year: int, actor: Any) -> dict[str, StarRound]:
    """The station round of `year`, published, and the deputy round of `year`, voting until two
    weeks from today. `actor` organises both (office staff or an administrator); the reviewers
    are the congress's evaluators and leaders (the actor too, when an administrator)."""
    today = timezone.localdate()
    reviewers = _reviewers(congress, actor)
    with transaction.atomic():
        station_round = _station_round(congress, year, actor, reviewers, today)
        deputy_round = _deputy_round(congress, year, actor, reviewers, today)
    return {"station": station_round, "deputy": deputy_round}


def _reviewers(congress: Congress, actor: Any) -> list[User]:
    ids = RoleAssignment.objects.in_force().filter(
        congress=congress, role__in=[Role.EVALUATOR, Role.LEADER]).values("user_id")
    users = [u for u in User.objects.filter(pk__in=ids, is_active=True).order_by("pk")[:3]]
    if not users and has_perm(actor, REVIEW_STAR):
        users = [actor]
    return users


def _existing(congress: Congress, year: int, kind: str) -> StarRound | None:
    return StarRound.objects.filter(congress=congress, year=year, kind=kind).first()


def _station_round(congress: Congress, year: int, actor: Any, reviewers: list[User],
                   today: datetime.date) -> StarRound:
    found = _existing(congress, year, K.STATION)
    if found is not None:
        return found
    star_round = stars.star_round_create(
        actor=actor, congress=congress, year=year, kind=K.STATION,
        vote_opens_on=today - datetime.timedelta(days=30),
        vote_closes_on=today - datetime.timedelta(days=16))
    chosen = list(Station.objects.filter(congress=congress, is_active=True)
                  .order_by("path")[:len(PROFILES)])
    for index, station in enumerate(chosen):
        stars.star_candidate_nominate(
            actor=actor, round_id=star_round.pk, station=station,
            statement=STATION_STATEMENT.format(name=station.name, days=12 - index,
                                               people=180 - 20 * index, items=40 - 4 * index,
                                               done=36 - 4 * index))
    return _run(star_round, actor, reviewers, today, publish=True)


def _deputy_round(congress: Congress, year: int, actor: Any, reviewers: list[User],
                  today: datetime.date) -> StarRound:
    found = _existing(congress, year, K.DEPUTY)
    if found is not None:
        return found
    star_round = stars.star_round_create(
        actor=actor, congress=congress, year=year, kind=K.DEPUTY,
        vote_opens_on=today - datetime.timedelta(days=3),
        vote_closes_on=today + datetime.timedelta(days=14))
    sitting = Mandate.objects.filter(term__congress=congress, status=Mandate.Status.ACTIVE)
    chosen = list(Deputy.objects.filter(pk__in=sitting.values("deputy_id"), is_public=True)
                  .order_by("pk")[:5])
    for index, deputy in enumerate(chosen):
        stars.star_candidate_nominate(
            actor=actor, round_id=star_round.pk, deputy=deputy,
            statement=DEPUTY_STATEMENT.format(name=deputy.name, days=14 - index,
                                              people=60 - 5 * index, items=6 - index,
                                              done=8 - index))
    return _run(star_round, actor, reviewers, today, publish=False)


def _run(star_round: StarRound, actor: Any, reviewers: list[User], today: datetime.date,
         *, publish: bool) -> StarRound:
    """Review, vote and (for a published round) decide and publish, as the people would."""
    if not reviewers:
        return star_round
    stars.star_round_advance(actor=actor, round_id=star_round.pk, action="start_review",
                             today=star_round.vote_opens_on - datetime.timedelta(days=5))
    star_round.refresh_from_db()
    candidates = list(star_round.candidates.order_by("pk"))
    for index, candidate in enumerate(candidates):
        share, _votes = PROFILES[index % len(PROFILES)]
        for offset, reviewer in enumerate(reviewers):
            scores = {item["code"]: (Decimal(str(item["max"])) * (share - Decimal("0.02") * offset))
                      .quantize(Decimal("0.5")) for item in star_round.criteria}
            stars.star_review_save(actor=reviewer, candidate_id=candidate.pk, scores=scores)
    stars.star_round_advance(actor=actor, round_id=star_round.pk, action="open_vote",
                             today=star_round.vote_opens_on)
    _votes_cast(star_round, candidates)
    if publish:
        _decide_and_publish(star_round, actor, today)
    star_round.refresh_from_db()
    return star_round


def _votes_cast(star_round: StarRound, candidates: list[StarCandidate]) -> None:
    """Demo votes from made-up numbers, spread over the vote's first days; the vote service's
    SMS confirmation is what a real voter goes through, so they are recorded directly."""
    for index, candidate in enumerate(candidates):
        _share, count = PROFILES[index % len(PROFILES)]
        for n in range(count):
            digest = phone_digest(f"139{star_round.pk:04d}{index:01d}{n:03d}"[:11])
            day = star_round.vote_opens_on + datetime.timedelta(days=n % 3)
            stars._vote_record(star_round, candidate, digest, day)


def _decide_and_publish(star_round: StarRound, actor: Any, today: datetime.date) -> None:
    stars.star_round_advance(actor=actor, round_id=star_round.pk, action="close_vote",
                             today=today)
    panel = actor if has_perm(actor, DECIDE_STAR, star_round) else None
    if panel is None:
        return
    sheet = stars.decision_sheet(star_round=star_round, today=today)
    stars.star_decisions_save(actor=panel, round_id=star_round.pk, decisions={
        c.pk: (c.suggested, "") for c in sheet})
    stars.star_round_advance(actor=panel, round_id=star_round.pk, action="publish",
                             today=today)
