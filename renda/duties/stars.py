"""Star ratings of stations (星级联络站) and deputies (明星代表): the services that move a round
from nomination through review, the public vote and the panel's decision to publication, and
the selectors that read rounds for staff, for voters and for the public honour pages.

A round follows `workflow.STAR_ROUND`. Criteria are copied from the congress's settings when
review starts, so that a later change of the settings never changes a round under way. The
public vote needs no account: a mobile number confirmed with a one-time SMS code
(`renda.core.verification`, purpose "star_vote") votes `duties.star_votes_per_day` times a day
per round, counted under the round's row lock, with the unique constraint of `StarVote` as the
last word. Only the number's keyed digest is stored.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from renda.accounts.access import has_perm, scope_filter, scope_q
from renda.core.text import clean_text
from renda.core.verification import verification_confirm, verification_confirmed
from renda.core.workflow import event_append, workflow_move
from renda.directory import public
from renda.directory.models import Congress, Deputy, Mandate, Station
from renda.directory.selectors import setting_value
from renda.duties.models import StarCandidate, StarReviewScore, StarRound, StarVote
from renda.duties.permissions import DECIDE_STAR, MANAGE_STARS, NOMINATE, REVIEW_STAR
from renda.duties.workflow import STAR_ROUND

S = StarRound.Status
K = StarRound.Kind
PURPOSE = "star_vote"
# How long a confirmed number may vote after its code was accepted: long enough to read the
# candidates, short enough that a shared phone left on the page does not vote for days.
CONFIRMATION_VALID = datetime.timedelta(minutes=30)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
STAR_NAMES = {1: pgettext_lazy("star count", "一"), 2: pgettext_lazy("star count", "二"),
              3: pgettext_lazy("star count", "三")}
CRITERIA_KEYS = {K.STATION: "duties.star_station_criteria", K.DEPUTY: "duties.star_deputy_criteria"}
PRIVATE_DEPUTY = tuple(f"deputy__{name}" for name in Deputy.PRIVATE_FIELDS)


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not has_perm(actor, perm, obj):
        raise PermissionDenied


def _locked_round(round_id: int) -> StarRound:
    return StarRound.objects.select_for_update().select_related("congress").get(pk=round_id)


def _candidates(star_round: StarRound) -> QuerySet[StarCandidate]:
    return (star_round.candidates.filter(is_withdrawn=False)
            .select_related("station__area", "deputy").defer(*PRIVATE_DEPUTY))


# --- Maths --------------------------------------------------------------------------------------

def criteria_max(criteria: list[dict]) -> Decimal:
    return sum((Decimal(str(item["max"])) for item in criteria), Decimal(0))


def combined_score(*, review_average: Decimal | None, max_total: Decimal, votes: int,
                   max_votes: int, weight: Decimal) -> Decimal:
    """(1 − w) × the reviewers' average scaled to 100 + w × the votes scaled to 100 against the
    candidate with the most votes."""
    review = (review_average or Decimal(0)) / max_total * HUNDRED if max_total else Decimal(0)
    vote = Decimal(votes) / Decimal(max_votes) * HUNDRED if max_votes else Decimal(0)
    return ((1 - weight) * review + weight * vote).quantize(CENT, rounding=ROUND_HALF_UP)


def suggested_stars(score: Decimal | None, levels: list[dict]) -> int:
    """The most stars whose threshold the combined score reaches; 0 below all of them."""
    if score is None:
        return 0
    for level in sorted(levels, key=lambda item: -Decimal(str(item["min"]))):
        if score >= Decimal(str(level["min"])):
            return int(level["stars"])
    return 0


def star_symbols(stars: int | None) -> str:
    return "★" * int(stars or 0)


# --- Rounds -------------------------------------------------------------------------------------

def _dates_check(opens: datetime.date | None, closes: datetime.date | None) -> None:
    if opens and closes and closes < opens:
        raise ValidationError({"vote_closes_on": _("投票截止日期不能早于开始日期")})


def star_round_create(*, actor: Any, congress: Congress, year: int, kind: str, title: str = "",
                      vote_opens_on: datetime.date | None = None,
                      vote_closes_on: datetime.date | None = None) -> StarRound:
    """The office opens a year's round for stations or deputies; nominations start at once."""
    if kind not in K.values:
        raise ValidationError({"kind": _("请选择评定类别")})
    if not has_perm(actor, MANAGE_STARS, congress):
        raise PermissionDenied
    star_round = StarRound(congress=congress, year=year, kind=kind)
    title = clean_text(title, field="title", max_length=120) or _(
        "%(year)s 年度%(kind)s评定") % {"year": year, "kind": K(kind).label}
    _dates_check(vote_opens_on, vote_closes_on)
    star_round.title = title
    star_round.vote_opens_on, star_round.vote_closes_on = vote_opens_on, vote_closes_on
    star_round._history_user = actor
    try:
        with transaction.atomic():
            # The unique constraint decides between two offices creating the round at once.
            star_round.save()
            event_append(target=star_round, action="create", actor=actor,
                         data={"year": year, "kind": kind})
    except IntegrityError:
        raise ValidationError({"year": _("%(year)s 年度的%(kind)s评定已经建立")
                               % {"year": year, "kind": K(kind).label}}) from None
    return star_round


def star_round_update(*, actor: Any, round_id: int, title: str,
                      vote_opens_on: datetime.date | None,
                      vote_closes_on: datetime.date | None) -> StarRound:
    """The title and the vote's dates, until the vote closes."""
    title = clean_text(title, field="title", max_length=120, required=True)
    _dates_check(vote_opens_on, vote_closes_on)
    with transaction.atomic():
        star_round = _locked_round(round_id)
        _require(actor, MANAGE_STARS, star_round)
        if star_round.status in (S.DECIDING, S.PUBLISHED):
            raise ValidationError(_("投票结束后不能再修改评定的名称和投票日期"))
        before = {"title": star_round.title, "opens": str(star_round.vote_opens_on),
                  "closes": str(star_round.vote_closes_on)}
        star_round.title = title
        star_round.vote_opens_on, star_round.vote_closes_on = vote_opens_on, vote_closes_on
        star_round._history_user = actor
        star_round.save(update_fields=["title", "vote_opens_on", "vote_closes_on", "updated_at"])
        event_append(target=star_round, action="edit", actor=actor, data={
            "before": before, "after": {"title": title, "opens": str(vote_opens_on),
                                        "closes": str(vote_closes_on)}})
    return star_round


def criteria_of(star_round: StarRound, today: datetime.date) -> list[dict]:
    """The congress's criteria for the round's kind in force on `today`, the ones unusable
    (no code, no positive maximum) left out."""
    criteria = setting_value(congress=star_round.congress, key=CRITERIA_KEYS[star_round.kind],
                             on=today)
    cleaned = []
    for item in criteria or []:
        try:
            maximum = Decimal(str(item["max"]))
        except (KeyError, InvalidOperation, TypeError):
            continue
        if item.get("code") and maximum > 0:
            cleaned.append({"code": str(item["code"]), "label": str(item.get("label") or
                                                                    item["code"]),
                            "max": float(maximum) if maximum % 1 else int(maximum)})
    if not cleaned:
        raise ValidationError(_("尚未配置评审标准，请先在配置中设置评审打分项"))
    return cleaned


def star_round_advance(*, actor: Any, round_id: int, action: str, note: str = "",
                       today: datetime.date | None = None) -> StarRound:
    """One step of the round's workflow, with what each step needs first: candidates before
    review (the criteria are copied then), scores and vote dates before the vote, the vote's
    end before the panel (the combined scores are computed then), a decision for every
    candidate before publication."""
    today = today or timezone.localdate()
    prepare = {"start_review": _before_review, "open_vote": _before_vote,
               "close_vote": _before_deciding, "publish": _before_publish}
    if action not in prepare:
        raise ValidationError(_("没有这个操作"))
    step = STAR_ROUND.get(action)
    with transaction.atomic():
        star_round = _locked_round(round_id)
        _require(actor, step.permission, star_round)
        changes = (prepare[action](star_round, today) if star_round.status in step.sources
                   else None)
        return workflow_move(workflow=STAR_ROUND, obj=star_round, action=action, actor=actor,
                             note=clean_text(note, field="note", max_length=500),
                             changes=changes)


def _before_review(star_round: StarRound, today: datetime.date) -> dict:
    if not star_round.candidates.filter(is_withdrawn=False).exists():
        raise ValidationError(_("还没有推荐或申报的候选，不能开始评审"))
    return {"criteria": criteria_of(star_round, today)}


def _before_vote(star_round: StarRound, today: datetime.date) -> dict:
    if not (star_round.vote_opens_on and star_round.vote_closes_on):
        raise ValidationError(_("请先设置网络投票的开始和截止日期"))
    if star_round.vote_closes_on < today:
        raise ValidationError(_("投票截止日期已过，请先修改投票日期"))
    unscored = [str(c) for c in _candidates(star_round).filter(review_average__isnull=True)]
    if unscored:
        raise ValidationError(_("以下候选还没有评审打分：%(names)s")
                              % {"names": "、".join(unscored)})
    return {}


def _before_deciding(star_round: StarRound, today: datetime.date) -> dict:
    if star_round.vote_closes_on and today <= star_round.vote_closes_on:
        raise ValidationError(_("投票截止日期（%(date)s）之后才能结束投票")
                              % {"date": star_round.vote_closes_on.isoformat()})
    star_scores_compute(star_round=star_round, today=today)
    return {}


def _before_publish(star_round: StarRound, today: datetime.date) -> dict:
    undecided = [str(c) for c in _candidates(star_round).filter(stars__isnull=True)]
    if undecided:
        raise ValidationError(_("以下候选还没有评定星级：%(names)s")
                              % {"names": "、".join(undecided)})
    return {}


def star_scores_compute(*, star_round: StarRound, today: datetime.date | None = None) -> None:
    """Write every candidate's combined score from the reviewers' average and the votes."""
    today = today or timezone.localdate()
    weight = Decimal(str(setting_value(congress=star_round.congress,
                                       key="duties.star_vote_weight", on=today)))
    weight = min(max(weight, Decimal(0)), Decimal(1))
    candidates = list(star_round.candidates.filter(is_withdrawn=False))
    max_votes = max((c.public_votes for c in candidates), default=0)
    total = criteria_max(star_round.criteria)
    for candidate in candidates:
        candidate.combined_score = combined_score(
            review_average=candidate.review_average, max_total=total,
            votes=candidate.public_votes, max_votes=max_votes, weight=weight)
    StarCandidate.objects.bulk_update(candidates, ["combined_score"])


# --- Nomination ---------------------------------------------------------------------------------

class _StationSubject:
    """Who may put a station forward: the office of its congress, the station's own staff."""

    ACCESS_SCOPES = {"area": ["congress__area__path"], "station": ["path"]}


class _DeputySubject:
    """Who may put a deputy forward: the office of a congress the deputy sits in, the deputy."""

    ACCESS_SCOPES = {"area": ["mandates__term__congress__area__path"], "deputy": ["pk"]}


def nominable_stations(*, user: Any, star_round: StarRound) -> QuerySet[Station]:
    q = scope_q(user, NOMINATE, _StationSubject)
    if q is None or star_round.kind != K.STATION:
        return Station.objects.none()
    taken = star_round.candidates.exclude(station=None).values("station_id")
    return (Station.objects.filter(q, congress=star_round.congress, is_active=True)
            .exclude(pk__in=taken).order_by("path"))


def nominable_deputies(*, user: Any, star_round: StarRound) -> QuerySet[Deputy]:
    q = scope_q(user, NOMINATE, _DeputySubject)
    if q is None or star_round.kind != K.DEPUTY:
        return Deputy.objects.none()
    sitting = Mandate.objects.filter(term__congress=star_round.congress,
                                     status=Mandate.Status.ACTIVE).values("deputy_id")
    taken = star_round.candidates.exclude(deputy=None).values("deputy_id")
    chosen = Deputy.objects.filter(q).values("pk")
    # Only deputies the public directory lists: the vote and the honour pages show them.
    return (Deputy.objects.filter(pk__in=chosen, is_public=True).filter(pk__in=sitting)
            .exclude(pk__in=taken)
            .defer(*Deputy.PRIVATE_FIELDS).order_by("name", "pk"))


def star_candidate_nominate(*, actor: Any, round_id: int, statement: str,
                            station: Station | None = None,
                            deputy: Deputy | None = None) -> StarCandidate:
    """Put a station or a deputy forward while the round is nominating: the office
    recommends (推荐); a station's staff for their station and a deputy for himself or
    herself apply (自荐)."""
    statement = clean_text(statement, field="statement", max_length=5000, required=True)
    if (station is None) == (deputy is None):
        raise ValidationError({"subject": _("请选择推荐对象")})
    with transaction.atomic():
        star_round = _locked_round(round_id)
        if star_round.status != S.NOMINATING:
            raise ValidationError(_("申报已经结束，不能再推荐或申报"))
        if (station is not None) != (star_round.kind == K.STATION):
            raise ValidationError({"subject": _("推荐对象与评定类别不符")})
        subject = station or deputy
        existing = star_round.candidates.filter(
            Q(station=station) if station else Q(deputy=deputy)).first()
        if existing is not None and not existing.is_withdrawn:
            raise ValidationError({"subject": _("%(name)s已经在本轮候选中") % {"name": subject}})
        if existing is not None:
            # A withdrawn candidate put forward again keeps its row (one per round).
            existing.is_withdrawn = False
        else:
            allowed = (nominable_stations(user=actor, star_round=star_round) if station
                       else nominable_deputies(user=actor, star_round=star_round))
            if not allowed.filter(pk=subject.pk).exists():
                raise PermissionDenied
        candidate = existing or StarCandidate(round=star_round, station=station, deputy=deputy)
        if existing is not None:
            _require_nominator(actor, existing)
        candidate.statement, candidate.nominated_by = statement, actor
        candidate.self_nominated = not has_perm(actor, MANAGE_STARS, star_round)
        candidate._history_user = actor
        candidate.save()
        event_append(target=candidate, action="nominate", actor=actor,
                     data={"self_nominated": candidate.self_nominated})
    return candidate


def _require_nominator(actor: Any, candidate: StarCandidate) -> None:
    if not (has_perm(actor, NOMINATE, candidate)
            or has_perm(actor, MANAGE_STARS, candidate.round)):
        raise PermissionDenied


def star_candidate_withdraw(*, actor: Any, candidate_id: int, reason: str = "") -> StarCandidate:
    """Whoever may put the candidate forward withdraws it, while nominations are open."""
    reason = clean_text(reason, field="reason", max_length=500)
    with transaction.atomic():
        candidate = (StarCandidate.objects.select_for_update().select_related("round")
                     .get(pk=candidate_id))
        _require_nominator(actor, candidate)
        if candidate.round.status != S.NOMINATING or candidate.is_withdrawn:
            raise ValidationError(_("申报已经结束或已撤回，不能撤回"))
        candidate.is_withdrawn = True
        candidate._history_user = actor
        candidate.save(update_fields=["is_withdrawn", "updated_at"])
        event_append(target=candidate, action="withdraw", actor=actor, note=reason)
    return candidate


# --- Review -------------------------------------------------------------------------------------

def _score_value(raw: Any, item: dict) -> Decimal:
    field = f"score_{item['code']}"
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请填写分数")}) from None
    maximum = Decimal(str(item["max"]))
    if not value.is_finite() or value < 0 or value > maximum:
        raise ValidationError({field: _("分数应在 0 到 %(max)s 之间") % {"max": item["max"]}})
    if value != value.quantize(CENT):
        raise ValidationError({field: _("分数最多保留两位小数")})
    return value.quantize(CENT)


def star_review_save(*, actor: Any, candidate_id: int, scores: dict[str, Any],
                     comment: str = "") -> list[StarReviewScore]:
    """One reviewer's scores of one candidate, every criterion from 0 to its maximum; saved
    again as often as the reviewer likes until the vote opens. The candidate's average is
    written in the same transaction."""
    comment = clean_text(comment, field="comment", max_length=500)
    with transaction.atomic():
        candidate = (StarCandidate.objects.select_for_update().select_related("round")
                     .get(pk=candidate_id))
        star_round = candidate.round
        _require(actor, REVIEW_STAR, star_round)
        if star_round.status != S.REVIEWING:
            raise ValidationError(_("现在不是评审打分阶段，网络投票开始后不能再修改评分"))
        if candidate.is_withdrawn:
            raise ValidationError(_("该候选已撤回"))
        errors: dict[str, list[str]] = {}
        values = {}
        for item in star_round.criteria:
            raw = scores.get(item["code"])
            try:
                if raw in (None, ""):
                    raise ValidationError({f"score_{item['code']}": _("请填写分数")})
                values[item["code"]] = _score_value(raw, item)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        rows = [_score_store(candidate, actor, code, value, comment)
                for code, value in values.items()]
        _review_average_write(candidate)
        event_append(target=candidate, action="review", actor=actor,
                     data={"total": str(sum(values.values(), Decimal(0)))})
    return rows


def _score_store(candidate: StarCandidate, actor: Any, code: str, value: Decimal,
                 comment: str) -> StarReviewScore:
    row = StarReviewScore.objects.filter(candidate=candidate, reviewer=actor,
                                         criterion=code).first()
    row = row or StarReviewScore(candidate=candidate, reviewer=actor, criterion=code)
    row.score, row.comment = value, comment
    row._history_user = actor
    row.save()
    return row


def _review_average_write(candidate: StarCandidate) -> None:
    """The mean over reviewers of each one's total; a reviewer counts once every criterion
    of the round is scored."""
    codes = {item["code"] for item in candidate.round.criteria}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    scored: dict[int, set[str]] = defaultdict(set)
    for reviewer, criterion, score in candidate.scores.values_list("reviewer_id", "criterion",
                                                                    "score"):
        if criterion in codes:
            totals[reviewer] += score
            scored[reviewer].add(criterion)
    complete = [totals[r] for r in totals if scored[r] == codes]
    candidate.review_average = (
        (sum(complete, Decimal(0)) / len(complete)).quantize(CENT, rounding=ROUND_HALF_UP)
        if complete else None)
    candidate.save(update_fields=["review_average", "updated_at"])


def review_sheet(*, user: Any, star_round: StarRound) -> list[StarCandidate]:
    """The candidates with the reviewer's own scores (`my_scores`, `my_total`, `my_comment`)."""
    candidates = list(_candidates(star_round))
    mine: dict[int, dict[str, Decimal]] = defaultdict(dict)
    comments: dict[int, str] = {}
    for row in StarReviewScore.objects.filter(candidate__round=star_round, reviewer=user):
        mine[row.candidate_id][row.criterion] = row.score
        comments[row.candidate_id] = row.comment
    for candidate in candidates:
        candidate.my_scores = mine.get(candidate.pk, {})
        candidate.my_comment = comments.get(candidate.pk, "")
        complete = len(candidate.my_scores) >= len(star_round.criteria)
        candidate.my_total = sum(candidate.my_scores.values(), Decimal(0)) if complete else None
    return candidates


# --- The panel's decision -----------------------------------------------------------------------

def star_decisions_save(*, actor: Any, round_id: int,
                        decisions: dict[int, tuple[int, str]]) -> list[StarCandidate]:
    """The panel sets 0 to 3 stars and a note for candidates of a round in deciding."""
    with transaction.atomic():
        star_round = _locked_round(round_id)
        _require(actor, DECIDE_STAR, star_round)
        if star_round.status != S.DECIDING:
            raise ValidationError(_("现在不是评审组评定阶段"))
        candidates = {c.pk: c for c in star_round.candidates.filter(is_withdrawn=False)}
        saved = []
        for pk, (stars, note) in decisions.items():
            if pk not in candidates:
                raise ValidationError(_("候选不在本轮评定中"))
            if stars not in (0, 1, 2, 3):
                raise ValidationError(_("星级应为 0 到 3"))
            candidate = candidates[pk]
            candidate.stars = stars
            candidate.decision_note = clean_text(note, field="note", max_length=500)
            candidate._history_user = actor
            candidate.save(update_fields=["stars", "decision_note", "updated_at"])
            event_append(target=candidate, action="decide", actor=actor,
                         note=candidate.decision_note, data={"stars": stars})
            saved.append(candidate)
    return saved


def decision_sheet(*, star_round: StarRound,
                   today: datetime.date | None = None) -> list[StarCandidate]:
    """The candidates by combined score, each with `suggested` stars from the settings."""
    levels = setting_value(congress=star_round.congress, key="duties.star_levels",
                           on=today or timezone.localdate())
    candidates = list(_candidates(star_round).order_by(F("combined_score").desc(nulls_last=True),
                                                       "id"))
    for candidate in candidates:
        candidate.suggested = suggested_stars(candidate.combined_score, levels)
    return candidates


# --- The public vote ----------------------------------------------------------------------------

def star_voter_confirm(*, phone: str, code: str) -> str:
    """Check the SMS code of a voter's number; the number's digest, or a ValidationError."""
    return verification_confirm(phone=phone, purpose=PURPOSE, code=code)


def _confirmed(digest: str) -> bool:
    return verification_confirmed(digest=digest, purpose=PURPOSE, within=CONFIRMATION_VALID)


def vote_is_open(star_round: StarRound, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(star_round.status == S.VOTING and star_round.vote_opens_on
                and star_round.vote_closes_on
                and star_round.vote_opens_on <= today <= star_round.vote_closes_on)


def star_vote_cast(*, round_id: int, candidate_id: int, phone_digest: str,
                   today: datetime.date | None = None) -> StarVote:
    """One vote of a confirmed number for one candidate, within the vote's dates and the day's
    allowance. Counted under the round's lock, so that two requests at once cannot both pass."""
    today = today or timezone.localdate()
    if not phone_digest or not _confirmed(phone_digest):
        raise ValidationError(_("请先用短信验证码确认手机号码，再投票"), code="unverified")
    with transaction.atomic():
        star_round = _locked_round(round_id)
        if not vote_is_open(star_round, today):
            raise ValidationError(_("现在不在网络投票时间内"), code="closed")
        candidate = star_round.candidates.filter(pk=candidate_id, is_withdrawn=False).first()
        if candidate is None:
            raise ValidationError(_("请从名单中选择候选"), code="candidate")
        allowance = int(setting_value(congress=star_round.congress,
                                      key="duties.star_votes_per_day", on=today))
        cast = StarVote.objects.filter(round=star_round, phone_digest=phone_digest,
                                       voted_on=today).count()
        if cast >= allowance:
            raise ValidationError(ngettext(
                "该手机号码今天已经投过票（每天限投 %(count)d 票），请明天再来",
                "该手机号码今天已经投过票（每天限投 %(count)d 票），请明天再来", allowance)
                % {"count": allowance}, code="limit")
        return _vote_record(star_round, candidate, phone_digest, today)


def _vote_record(star_round: StarRound, candidate: StarCandidate, digest: str,
                 day: datetime.date) -> StarVote:
    try:
        with transaction.atomic():
            vote = StarVote.objects.create(round=star_round, candidate=candidate,
                                           phone_digest=digest, voted_on=day)
    except IntegrityError:
        raise ValidationError(_("该手机号码今天已经为这位候选投过票，请明天再来"),
                              code="limit") from None
    StarCandidate.objects.filter(pk=candidate.pk).update(public_votes=F("public_votes") + 1)
    return vote


def public_round_get(*, pk: int) -> StarRound:
    """A round the public may see: from the vote on (nominations and scores stay inside)."""
    return (StarRound.objects.select_related("congress")
            .filter(status__in=[S.VOTING, S.DECIDING, S.PUBLISHED]).get(pk=pk))


def public_candidates(*, star_round: StarRound) -> list[StarCandidate]:
    candidates = list(_candidates(star_round).order_by("id"))
    _attach_public_urls(candidates)
    return candidates


def voting_rounds(*, today: datetime.date | None = None) -> QuerySet[StarRound]:
    today = today or timezone.localdate()
    return (StarRound.objects.filter(status=S.VOTING, vote_opens_on__lte=today,
                                     vote_closes_on__gte=today)
            .select_related("congress").order_by("vote_closes_on", "id"))


# --- Current stars and honour pages -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CurrentStars:
    """A station's or deputy's stars from the latest published round of its congress."""

    stars: int
    year: int
    kind: str
    round_id: int

    @property
    def symbols(self) -> str:
        return star_symbols(self.stars)

    @property
    def label(self) -> str:
        if self.kind == K.STATION:
            return _("%(year)s 年度%(stars)s星级联络站") % {"year": self.year,
                                                        "stars": STAR_NAMES[self.stars]}
        return _("%(year)s 年度%(stars)s星明星代表") % {"year": self.year,
                                                     "stars": STAR_NAMES[self.stars]}

    @property
    def url(self) -> str:
        return reverse("duties:honours_year", args=[self.year])


def _latest_published(congress_ids: list[int], kind: str) -> set[int]:
    latest: dict[int, tuple[int, int]] = {}
    rounds = StarRound.objects.filter(congress_id__in=congress_ids, kind=kind,
                                      status=S.PUBLISHED).values_list("congress_id", "year", "pk")
    for congress_id, year, pk in rounds:
        if congress_id not in latest or year > latest[congress_id][0]:
            latest[congress_id] = (year, pk)
    return {pk for _year, pk in latest.values()}


def _current(candidacies: QuerySet[StarCandidate], congress_ids: list[int],
             kind: str) -> CurrentStars | None:
    latest = _latest_published(congress_ids, kind)
    rows = (candidacies.filter(round_id__in=latest, is_withdrawn=False, stars__gte=1)
            .order_by("-round__year", "-stars").values_list("stars", "round__year", "round_id"))
    for stars, year, round_id in rows[:1]:
        return CurrentStars(stars=stars, year=year, kind=kind, round_id=round_id)
    return None


def station_current_stars(*, station: Station) -> CurrentStars | None:
    """The stars the latest published station round of the station's congress gave it (a
    station that round did not rate has none)."""
    return _current(StarCandidate.objects.filter(station=station), [station.congress_id],
                    K.STATION)


def deputy_current_stars(*, deputy: Deputy) -> CurrentStars | None:
    """The same for a deputy, over every congress the deputy sits in; the most recent wins."""
    congresses = list(Mandate.objects.filter(deputy=deputy)
                      .values_list("term__congress_id", flat=True).distinct())
    return _current(StarCandidate.objects.filter(deputy=deputy), congresses, K.DEPUTY)


@dataclasses.dataclass
class HonourGroup:
    kind: str
    stars: int
    candidates: list[StarCandidate]

    @property
    def symbols(self) -> str:
        return star_symbols(self.stars)

    @property
    def label(self) -> str:
        if self.kind == K.STATION:
            return _("%(stars)s星级联络站") % {"stars": STAR_NAMES[self.stars]}
        return _("%(stars)s星明星代表") % {"stars": STAR_NAMES[self.stars]}


@dataclasses.dataclass
class HonourRound:
    star_round: StarRound
    groups: list[HonourGroup]


def honour_years() -> list[int]:
    return list(StarRound.objects.filter(status=S.PUBLISHED).order_by("-year")
                .values_list("year", flat=True).distinct())


def honours_of_year(*, year: int) -> list[HonourRound]:
    """The published rounds of a year, stations before deputies, each with its candidates
    grouped by stars (three first); candidates without stars are left out."""
    rounds = (StarRound.objects.filter(status=S.PUBLISHED, year=year)
              .select_related("congress").order_by("congress__area__path", "-kind"))
    result = []
    for star_round in rounds:
        candidates = list(_candidates(star_round).filter(stars__gte=1)
                          .order_by("-stars", F("combined_score").desc(nulls_last=True), "id"))
        _attach_public_urls(candidates)
        groups = [HonourGroup(kind=star_round.kind, stars=n, candidates=[c for c in candidates if c.stars == n])
                  for n in (3, 2, 1)]
        result.append(HonourRound(star_round=star_round, groups=[g for g in groups
                                                                 if g.candidates]))
    return result


def _attach_public_urls(candidates: list[StarCandidate]) -> None:
    """`public_url`: the station's or the deputy's public page, when the directory shows it."""
    deputy_ids = [c.deputy_id for c in candidates if c.deputy_id]
    shown = set(public.public_deputies().filter(pk__in=deputy_ids).values_list("pk", flat=True))
    for candidate in candidates:
        if candidate.station_id:
            candidate.public_url = (candidate.station.get_absolute_url()
                                    if candidate.station.is_active else "")
        else:
            candidate.public_url = (reverse("directory:deputy_detail", args=[candidate.deputy_id])
                                    if candidate.deputy_id in shown else "")


# --- Staff reads --------------------------------------------------------------------------------

def _nominator_congress_ids(user: Any) -> set[int]:
    ids: set[int] = set()
    station_q = scope_q(user, NOMINATE, _StationSubject)
    if station_q is not None:
        ids |= set(Station.objects.filter(station_q).values_list("congress_id", flat=True))
    deputy_q = scope_q(user, NOMINATE, _DeputySubject)
    if deputy_q is not None:
        deputies = Deputy.objects.filter(deputy_q).values("pk")
        ids |= set(Mandate.objects.filter(deputy__in=deputies)
                   .values_list("term__congress_id", flat=True))
    return ids


def star_rounds_for(*, user: Any) -> QuerySet[StarRound]:
    """Rounds the user sees: those of the congresses the user organises, reviews or decides
    for, and those the user may put a station or himself forward in."""
    seen = scope_filter(user, "duties.view_starround", StarRound.objects.all()).values("pk")
    return (StarRound.objects.filter(Q(pk__in=seen)
                                     | Q(congress_id__in=_nominator_congress_ids(user)))
            .select_related("congress").order_by("-year", "congress__area__path", "kind"))


def star_round_get_for(*, user: Any, pk: int) -> StarRound:
    return star_rounds_for(user=user).get(pk=pk)


def star_round_sees_all(*, user: Any, star_round: StarRound) -> bool:
    """Whether the user sees every candidate (the office, reviewers, the panel), or only the
    ones the user put forward or may speak for."""
    return has_perm(user, "duties.view_starround", star_round)


def candidates_for(*, user: Any, star_round: StarRound) -> QuerySet[StarCandidate]:
    candidates = (star_round.candidates.select_related("station__area", "deputy", "nominated_by")
                  .defer(*PRIVATE_DEPUTY).order_by("is_withdrawn", "id"))
    if star_round_sees_all(user=user, star_round=star_round):
        return candidates
    return scope_filter(user, "duties.view_starcandidate", candidates)


def star_candidate_get_for(*, user: Any, pk: int) -> StarCandidate:
    candidate = StarCandidate.objects.select_related("round__congress", "station", "deputy").get(
        pk=pk)
    if not (star_round_sees_all(user=user, star_round=candidate.round)
            or has_perm(user, "duties.view_starcandidate", candidate)):
        raise StarCandidate.DoesNotExist
    return candidate


def manageable_congresses(*, user: Any) -> QuerySet[Congress]:
    """The congresses whose rounds the user may organise."""
    return scope_filter(user, MANAGE_STARS, Congress.objects.all()).order_by("area__path")
