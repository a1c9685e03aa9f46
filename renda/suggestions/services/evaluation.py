"""Evaluation (评) of the units' replies by the lead deputy (DOMAIN §4.6).

Only the lead deputy (领衔代表) rates, each reply of the current round once, 满意, 基本满意 or
不满意, with a comment. The rating of the last reply of the round settles the suggestion:

- first round, every reply satisfied or basically satisfied: `evaluate`, closed;
- first round, any reply dissatisfied: `evaluate_dissatisfied`, and each dissatisfied unit's
  assignment goes back for re-handling (`rehandle`, round 2) with a new deadline of
  `suggestions.rehandle_deadline` from now; the units rated satisfied keep their reply;
- after re-handling, the units' second replies are rated like the first, and the last rating
  closes the suggestion (`close`) whatever it is: the first and the final satisfaction are
  both kept, one `Evaluation` per reply, and reported separately.

The follow-up evaluation at year end (二次评价, "回头看") rates each final reply of a closed
suggestion once more (kind `follow_up`); it changes no state.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import DeadlineRule, due_at
from renda.core.workflow import TransitionNotAllowed, event_append, workflow_move
from renda.suggestions.models import TEXT_MAX_LENGTH, Assignment, Evaluation, Reply, Suggestion
from renda.suggestions.selectors.evaluation import final_replies, pending_replies
from renda.suggestions.services.common import require, setting, text
from renda.suggestions.workflow import ASSIGNMENT, EVALUATE, SUGGESTION

S = Suggestion.Status
A = Assignment.Status
Rating = Evaluation.Rating
Kind = Evaluation.Kind


def reply_evaluate(*, actor: Any, reply_id: int, rating: str, comment: str = "") -> Evaluation:
    """The lead deputy's rating of one reply of the current round; the last one settles the
    suggestion (see the module's docstring)."""
    rating, comment = _rating(rating), _comment(comment)
    with transaction.atomic():
        reply, suggestion = _locked(reply_id)
        _require_lead(actor, suggestion)
        if suggestion.status != S.REPLIED:
            raise TransitionNotAllowed(_("这件建议当前不在待评价状态，请刷新后重试"))
        pending = pending_replies(suggestion=suggestion)
        if reply.pk not in {item.pk for item in pending}:
            raise ValidationError({"rating": _("这份答复已经评价过，或不属于本轮答复")})
        evaluation = _evaluation_create(actor, suggestion, reply, Kind.INITIAL, rating, comment)
        if len(pending) == 1:
            _settle(actor, suggestion)
    return evaluation


def reply_evaluate_follow_up(*, actor: Any, reply_id: int, rating: str,
                             comment: str = "") -> Evaluation:
    """The follow-up evaluation (二次评价) of a final reply of a closed suggestion, once."""
    rating, comment = _rating(rating), _comment(comment)
    with transaction.atomic():
        reply, suggestion = _locked(reply_id)
        _require_lead(actor, suggestion)
        if suggestion.status != S.CLOSED:
            raise TransitionNotAllowed(_("办结后才能进行二次评价"))
        final = {item.pk: item for item in final_replies(suggestion=suggestion)}
        if reply.pk not in final:
            raise ValidationError({"rating": _("只能对各承办单位的最终答复进行二次评价")})
        if Kind.FOLLOW_UP in final[reply.pk].evaluations_by_kind:
            raise ValidationError({"rating": _("这份答复已经进行过二次评价")})
        return _evaluation_create(actor, suggestion, reply, Kind.FOLLOW_UP, rating, comment)


# Settling the round ----------------------------------------------------------------------------


def _settle(actor: Any, suggestion: Suggestion) -> None:
    now = timezone.now()
    replies = final_replies(suggestion=suggestion)
    if any(reply.assignment.round > 1 for reply in replies):
        workflow_move(workflow=SUGGESTION, obj=suggestion, action="close", actor=actor,
                      check_permission=False, changes={"concluded_at": now})
        return
    dissatisfied = [reply.assignment_id for reply in replies
                    if reply.evaluations_by_kind[Kind.INITIAL].rating == Rating.DISSATISFIED]
    if not dissatisfied:
        workflow_move(workflow=SUGGESTION, obj=suggestion, action="evaluate", actor=actor,
                      changes={"concluded_at": now})
        return
    workflow_move(workflow=SUGGESTION, obj=suggestion, action="evaluate_dissatisfied",
                  actor=actor, data={"assignments": dissatisfied})
    deadline = rehandle_due_at(suggestion=suggestion, start=now)
    for assignment in (Assignment.objects.select_for_update()
                       .filter(pk__in=dissatisfied).order_by("pk")):
        _rehandle(actor, assignment, deadline)


def rehandle_due_at(*, suggestion: Suggestion, start: datetime.datetime) -> datetime.datetime:
    """The re-handling deadline: `suggestions.rehandle_deadline` (one month by default) from
    the dissatisfied rating, to the end of that day, working days from the one calendar."""
    rule = DeadlineRule.parse(setting(suggestion.congress, "suggestions.rehandle_deadline"))
    return due_at(start, rule)


def _rehandle(actor: Any, assignment: Assignment, deadline: datetime.datetime) -> None:
    # The old deadline and marks are kept in the event; the new deadline gets its own
    # reminder and escalation from the sweep.
    data = {"round": assignment.round + 1, "previous_due_at": assignment.due_at.isoformat(),
            "due_at": deadline.isoformat()}
    workflow_move(workflow=ASSIGNMENT, obj=assignment, action="rehandle", actor=actor,
                  check_permission=False, data=data,
                  changes={"round": assignment.round + 1, "due_at": deadline,
                           "reminded_at": None, "escalated_at": None})


# Helpers ---------------------------------------------------------------------------------------


def _locked(reply_id: int) -> tuple[Reply, Suggestion]:
    """The reply and its suggestion, the suggestion locked: the rating of the last reply of a
    round and the move it makes happen once, whoever rates at the same moment."""
    reply = Reply.objects.select_related("assignment").get(pk=reply_id)
    suggestion = (Suggestion.objects.select_for_update(of=("self",))
                  .select_related("congress").get(pk=reply.assignment.suggestion_id))
    return reply, suggestion


def _require_lead(actor: Any, suggestion: Suggestion) -> None:
    """Deputies may evaluate the suggestions they signed; of those, only the lead deputy's
    rating counts, so co-signers are refused like everyone else."""
    require(actor, EVALUATE, suggestion)
    if getattr(actor, "deputy_id", None) != suggestion.lead_deputy_id:
        raise PermissionDenied


def _rating(value: str) -> str:
    if value not in Rating.values:
        raise ValidationError({"rating": _("请选择满意、基本满意或不满意")})
    return value


def _comment(value: str) -> str:
    return text(value, field="comment", max_length=TEXT_MAX_LENGTH)


def _evaluation_create(actor: Any, suggestion: Suggestion, reply: Reply, kind: str, rating: str,
                       comment: str) -> Evaluation:
    evaluation = Evaluation(reply=reply, deputy_id=suggestion.lead_deputy_id, kind=kind,
                            rating=rating, comment=comment)
    evaluation._history_user = actor
    evaluation.save()
    event_append(target=suggestion, action="evaluate_reply" if kind == Kind.INITIAL
                 else "follow_up", actor=actor, note=comment,
                 data={"reply": reply.pk, "assignment": reply.assignment_id,
                       "round": reply.round, "rating": rating})
    return evaluation
