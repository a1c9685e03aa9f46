"""Supervision (督) of the suggestions loop and what the office follows after the replies
(DOMAIN §4.5 and §4.6): the commitments ledger (跨年度台账), key supervision (重点督办) by
standing-committee leaders, supervision and three-party meetings (三方会商), the flag on
repeated suggestions, and third-party reviews (第三方评估).

The periodic reminders and escalations are `renda.suggestions.supervision`; this module holds
the writes people make. Each locks its row, checks the actor's permission on the object before
any business rule, and appends an `Event`.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.access import scope_filter
from renda.accounts.models import Role, RoleAssignment, User
from renda.core.deadlines import local_date
from renda.core.notifications import notification_send
from renda.core.workflow import TransitionNotAllowed, event_append
from renda.suggestions.models import (
    TEXT_MAX_LENGTH,
    Commitment,
    KeySupervision,
    Suggestion,
    SupervisionMeeting,
    ThirdPartyReview,
)
from renda.suggestions.selectors.supervision import COUNTED_STATES, repeat_candidates
from renda.suggestions.services.common import require, setting, text
from renda.suggestions.workflow import ASSIGN, HANDLE, SUPERVISE

S = Suggestion.Status
C = Commitment.Status
UNFINISHED = (C.OPEN, C.REPLANNED)
# Key supervision and meetings concern suggestions the office has accepted.
SUPERVISED_STATES = (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.REHANDLING)
MEETING_STATES = (S.ASSIGNED, S.REPLIED, S.REHANDLING, S.CLOSED)
REVIEWABLE_STATES = (S.ASSIGNED, S.REPLIED, S.REHANDLING, S.CLOSED)
ASSIGN_REVIEW = "suggestions.add_thirdpartyreview"
WRITE_REVIEW = "suggestions.change_thirdpartyreview"
PLACE_MAX_LENGTH, PARTICIPANTS_MAX_LENGTH = 200, 1000


# Commitments (跨年度台账) -------------------------------------------------------------------------


def commitment_progress(*, actor: Any, commitment_id: int, progress: str) -> Commitment:
    """The unit's latest account of progress; earlier ones stay in the events."""
    progress = text(progress, field="progress", max_length=TEXT_MAX_LENGTH, required=True)
    with transaction.atomic():
        commitment = _commitment_locked(actor, commitment_id)
        _save(actor, commitment, progress=progress)
        event_append(target=commitment, action="progress", actor=actor, note=progress)
    return commitment


def commitment_fulfil(*, actor: Any, commitment_id: int, progress: str) -> Commitment:
    """The promise is kept (已兑现): how, in the unit's words; the commitment leaves the list of
    unfinished ones."""
    progress = text(progress, field="progress", max_length=TEXT_MAX_LENGTH, required=True)
    with transaction.atomic():
        commitment = _commitment_locked(actor, commitment_id)
        before = commitment.status
        _save(actor, commitment, progress=progress, status=C.FULFILLED,
              fulfilled_at=timezone.now())
        event_append(target=commitment, action="fulfil", actor=actor, from_status=before,
                     to_status=C.FULFILLED, note=progress)
    return commitment


def commitment_replan(*, actor: Any, commitment_id: int, promised_date: datetime.date,
                      reason: str) -> Commitment:
    """A new promised date with the reason (调整计划); it stays in the ledger as unfinished
    and gets a fresh reminder before the new date."""
    reason = text(reason, field="reason", max_length=TEXT_MAX_LENGTH, required=True)
    if promised_date <= local_date(timezone.now()):
        raise ValidationError({"promised_date": _("新的承诺完成时间应晚于今天")})
    with transaction.atomic():
        commitment = _commitment_locked(actor, commitment_id)
        before, old_date = commitment.status, commitment.promised_date
        _save(actor, commitment, promised_date=promised_date, status=C.REPLANNED,
              reminded_at=None)
        event_append(target=commitment, action="replan", actor=actor, from_status=before,
                     to_status=C.REPLANNED, note=reason,
                     data={"from": str(old_date), "to": str(promised_date)})
    return commitment


def _commitment_locked(actor: Any, commitment_id: int) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment_id)
    require(actor, HANDLE, commitment)
    if commitment.status not in UNFINISHED:
        raise TransitionNotAllowed(_("这项承诺已经兑现，不能再修改"))
    return commitment


def _save(actor: Any, obj: Any, **changes: Any) -> None:
    for field, value in changes.items():
        setattr(obj, field, value)
    obj._history_user = actor
    fields = [*changes, "updated_at"] if hasattr(obj, "updated_at") else list(changes)
    obj.save(update_fields=fields)


# Key supervision (重点督办) and meetings --------------------------------------------------------


def leaders_of(congress: Any) -> list[User]:
    """Users holding the leader role of the congress today: who may supervise personally."""
    today = local_date(timezone.now())
    ids = (RoleAssignment.objects.in_force(today)
           .filter(role=Role.LEADER, congress=congress, user__is_active=True)
           .values("user_id"))
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "pk"))


def key_supervision_mark(*, actor: Any, suggestion_id: int, reason: str,
                         leader_ids: Iterable[int]) -> KeySupervision:
    """The office makes a suggestion key (列为重点督办), or changes its leaders and reason.
    The role that assigns suggestions decides; leaders supervise but do not choose."""
    reason = text(reason, field="reason", max_length=TEXT_MAX_LENGTH, required=True)
    with transaction.atomic():
        suggestion = (Suggestion.objects.select_for_update(of=("self",)).select_related("congress")
                      .get(pk=suggestion_id))
        require(actor, ASSIGN, suggestion)
        require(actor, SUPERVISE, suggestion)
        if suggestion.status not in SUPERVISED_STATES:
            raise TransitionNotAllowed(_("只有已立案、尚未办结的建议可以列为重点督办"))
        leaders = _leaders(suggestion, leader_ids)
        key, created = KeySupervision.objects.get_or_create(
            suggestion=suggestion, defaults={"reason": reason, "created_by": actor})
        if not created:
            _save(actor, key, reason=reason)
        key.leaders.set(leaders)
        event_append(target=suggestion, action="mark_key" if created else "update_key",
                     actor=actor, note=reason,
                     data={"leaders": [leader.pk for leader in leaders]})
    _tell_leaders(key, leaders)
    return key


def _leaders(suggestion: Suggestion, leader_ids: Iterable[int]) -> list[User]:
    wanted = {int(pk) for pk in leader_ids}
    leaders = [user for user in leaders_of(suggestion.congress) if user.pk in wanted]
    if not wanted or len(leaders) != len(wanted):
        raise ValidationError({"leaders": _("请选择本级人大常委会的领导作为督办领导")})
    return leaders


def _tell_leaders(key: KeySupervision, leaders: list[User]) -> None:
    suggestion = key.suggestion
    for leader in leaders:
        if not leader.email:
            continue
        notification_send(
            channel="email", recipient=leader.email, target=suggestion,
            subject=_("重点督办：%(title)s") % {"title": suggestion.title},
            body=_("您被确定为代表建议“%(title)s”（%(code)s）的督办领导。列为重点督办的理由："
                   "%(reason)s") % {"title": suggestion.title, "code": suggestion.code,
                                   "reason": key.reason},
            idempotency_key=f"suggestion-{suggestion.pk}-key-{key.pk}-leader-{leader.pk}")


def supervision_meeting_record(*, actor: Any, suggestion_id: int, held_at: datetime.datetime,
                               place: str, participants: str, outcome: str,
                               three_party: bool = False) -> SupervisionMeeting:
    """A supervision meeting, or a three-party meeting (三方会商: the lead deputy, the unit
    and the township congress), recorded after it was held."""
    place = text(place, field="place", max_length=PLACE_MAX_LENGTH, required=True)
    participants = text(participants, field="participants",
                        max_length=PARTICIPANTS_MAX_LENGTH, required=True)
    outcome = text(outcome, field="outcome", max_length=TEXT_MAX_LENGTH, required=True)
    if held_at > timezone.now():
        raise ValidationError({"held_at": _("请在会议召开后记录")})
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        require(actor, SUPERVISE, suggestion)
        if suggestion.status not in MEETING_STATES:
            raise TransitionNotAllowed(_("交办后才能记录督办会议"))
        meeting = SupervisionMeeting(suggestion=suggestion, held_at=held_at, place=place,
                                     participants=participants, outcome=outcome,
                                     recorded_by=actor)
        meeting._history_user = actor
        meeting.save()
        event_append(target=suggestion, action="meeting", actor=actor, note=outcome,
                     data={"meeting": meeting.pk, "three_party": bool(three_party)})
    return meeting


# Repeated suggestions (反复提出) -----------------------------------------------------------------


def suggestion_repeat_flag(*, suggestion_id: int, actor: Any = None) -> Suggestion | None:
    """Set `repeat_of` to the closest earlier suggestion `repeat_candidates` finds; None when
    there is none. The review stage may call it when registering; the office runs it for a
    whole year with `suggestion_repeats_flag`."""
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion_id)
        if suggestion.repeat_of_id or suggestion.status not in COUNTED_STATES:
            return suggestion.repeat_of
        candidates = repeat_candidates(suggestion=suggestion)
        if not candidates:
            return None
        best = candidates[0]
        _save(actor, suggestion, repeat_of=best.suggestion)
        event_append(target=suggestion, action="flag_repeat", actor=actor,
                     data={"repeat_of": best.suggestion.pk, "similarity": best.similarity})
    return best.suggestion


def suggestion_repeats_flag(*, actor: Any, year: int) -> int:
    """Flag every registered suggestion of `year` the actor may assign that repeats an earlier
    one; how many were flagged."""
    ids = scope_filter(actor, ASSIGN, Suggestion.objects.filter(
        year=year, repeat_of__isnull=True, status__in=COUNTED_STATES)).values_list("pk",
                                                                                 flat=True)
    return sum(suggestion_repeat_flag(suggestion_id=pk, actor=actor) is not None
               for pk in list(ids))


# Third-party reviews (第三方评估) ---------------------------------------------------------------


def evaluators_of(congress: Any) -> list[User]:
    today = local_date(timezone.now())
    ids = (RoleAssignment.objects.in_force(today)
           .filter(role=Role.EVALUATOR, congress=congress, user__is_active=True)
           .values("user_id"))
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "pk"))


def review_assign(*, actor: Any, suggestion_id: int, reviewer_id: int,
                  due_date: datetime.date) -> ThirdPartyReview:
    """The office asks an evaluator of its congress for a report on one suggestion."""
    if due_date < local_date(timezone.now()):
        raise ValidationError({"due_date": _("报告期限不能早于今天")})
    with transaction.atomic():
        suggestion = (Suggestion.objects.select_for_update(of=("self",)).select_related("congress")
                      .get(pk=suggestion_id))
        require(actor, ASSIGN_REVIEW, suggestion)
        if suggestion.status not in REVIEWABLE_STATES:
            raise TransitionNotAllowed(_("交办后的建议才能委托第三方评估"))
        reviewer = next((u for u in evaluators_of(suggestion.congress) if u.pk == reviewer_id),
                        None)
        if reviewer is None:
            raise ValidationError({"reviewer": _("请选择本级人大的评估人员")})
        if suggestion.reviews.filter(reviewer=reviewer,
                                     status=ThirdPartyReview.Status.ASSIGNED).exists():
            raise ValidationError({"reviewer": _("已委托该评估人员评估这件建议，尚未提交报告")})
        review = ThirdPartyReview(suggestion=suggestion, reviewer=reviewer, assigned_by=actor,
                                  due_date=due_date)
        review._history_user = actor
        review.save()
        event_append(target=review, action="assign", actor=actor,
                     to_status=ThirdPartyReview.Status.ASSIGNED,
                     data={"reviewer": reviewer.pk, "due_date": str(due_date)})
    return review


def review_report_save(*, actor: Any, review_id: int, scores: dict[str, int | None],
                       conclusion: str, submit: bool = False) -> ThirdPartyReview:
    """The assigned evaluator's report: a score per criterion of `suggestions.review_criteria`
    (0 to its maximum) and a conclusion. Saved as a draft until submitted; a submitted
    report is read-only."""
    conclusion = text(conclusion, field="conclusion", max_length=TEXT_MAX_LENGTH,
                      required=submit)
    with transaction.atomic():
        review = (ThirdPartyReview.objects.select_for_update(of=("self",))
                  .select_related("suggestion__congress").get(pk=review_id))
        require(actor, WRITE_REVIEW, review)
        if review.reviewer_id != getattr(actor, "pk", None):
            raise PermissionDenied
        if review.status != ThirdPartyReview.Status.ASSIGNED:
            raise TransitionNotAllowed(_("评估报告已经提交，不能修改"))
        criteria = setting(review.suggestion.congress, "suggestions.review_criteria")
        clean = _scores(criteria, scores, complete=submit)
        changes: dict[str, Any] = {"scores": clean, "conclusion": conclusion}
        if submit:
            changes |= {"status": ThirdPartyReview.Status.SUBMITTED,
                        "submitted_at": timezone.now()}
        _save(actor, review, **changes)
        event_append(target=review, action="submit" if submit else "save_draft", actor=actor,
                     from_status=ThirdPartyReview.Status.ASSIGNED, to_status=review.status,
                     data={"scores": clean, "criteria": criteria})
    return review


def _scores(criteria: list[dict], scores: dict[str, int | None], *,
            complete: bool) -> dict[str, int]:
    clean, errors = {}, []
    for item in criteria:
        value = scores.get(item["code"])
        if value is None:
            if complete:
                errors.append(_("请为“%(label)s”评分") % {"label": item["label"]})
            continue
        if not isinstance(value, int) or not 0 <= value <= int(item["max"]):
            errors.append(_("“%(label)s”的得分应在 0 到 %(max)s 之间")
                          % {"label": item["label"], "max": item["max"]})
            continue
        clean[item["code"]] = value
    if errors:
        raise ValidationError({"scores": errors})
    return clean
