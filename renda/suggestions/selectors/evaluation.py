"""Reads of evaluation (评): what the lead deputy has to rate now, and what he may rate again
at year end, each through the permission layer."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from renda.accounts.access import scope_filter
from renda.core.deadlines import local_date, local_zone
from renda.suggestions.models import Assignment, Evaluation, Reply, Suggestion
from renda.suggestions.services.common import setting
from renda.suggestions.workflow import EVALUATE

S = Suggestion.Status
Kind = Evaluation.Kind


def final_replies_of(suggestion_ids: Iterable[int]) -> dict[int, list[Reply]]:
    """Each answering unit's latest reply of its current round, per suggestion, in two
    queries; assisting units send their view to the lead unit and are not rated. Every reply
    carries `evaluations_by_kind` (the lead deputy's ratings) and `category_label`."""
    replies = (Reply.objects.filter(assignment__suggestion_id__in=list(suggestion_ids),
                                    assignment__status=Assignment.Status.REPLIED)
               .exclude(assignment__role=Assignment.Role.ASSISTING)
               .select_related("assignment__unit", "assignment__suggestion__congress")
               .order_by("assignment__suggestion_id", "assignment_id", "-created_at", "-id"))
    latest: dict[int, Reply] = {}
    for reply in replies:
        if reply.round == reply.assignment.round:
            latest.setdefault(reply.assignment_id, reply)
    _attach_evaluations(latest.values())
    grouped: dict[int, list[Reply]] = defaultdict(list)
    for reply in sorted(latest.values(), key=lambda r: (r.assignment.role, r.assignment_id)):
        grouped[reply.assignment.suggestion_id].append(reply)
    return grouped


def final_replies(*, suggestion: Suggestion) -> list[Reply]:
    return final_replies_of([suggestion.pk]).get(suggestion.pk, [])


def pending_replies(*, suggestion: Suggestion) -> list[Reply]:
    """The final replies the lead deputy has not rated yet."""
    return [reply for reply in final_replies(suggestion=suggestion)
            if Kind.INITIAL not in reply.evaluations_by_kind]


def _attach_evaluations(replies: Iterable[Reply]) -> None:
    replies = list(replies)
    by_reply: dict[int, dict[str, Evaluation]] = defaultdict(dict)
    for evaluation in Evaluation.objects.filter(reply__in=replies).select_related(
            "reply__assignment__suggestion"):
        if evaluation.deputy_id == evaluation.reply.assignment.suggestion.lead_deputy_id:
            by_reply[evaluation.reply_id][evaluation.kind] = evaluation
    labels: dict[int, dict[str, str]] = {}
    for reply in replies:
        congress = reply.assignment.suggestion.congress
        if congress.pk not in labels:
            labels[congress.pk] = {item["code"]: item["label"] for item in
                                   setting(congress, "suggestions.reply_categories")}
        reply.category_label = labels[congress.pk].get(reply.category, reply.category)
        reply.evaluations_by_kind = by_reply.get(reply.pk, {})


def _own_suggestions(user: Any) -> QuerySet[Suggestion]:
    """The suggestions the user leads as a deputy and may evaluate (co-signers see theirs
    elsewhere but do not rate)."""
    deputy_id = getattr(user, "deputy_id", None)
    if deputy_id is None:
        return Suggestion.objects.none()
    return scope_filter(user, EVALUATE, Suggestion.objects.filter(lead_deputy_id=deputy_id))


def evaluation_queue(*, user: Any) -> list[Suggestion]:
    """The user's suggestions waiting for his rating, each with `to_rate` (the replies still
    to rate) and `rated` (those of the round already rated)."""
    suggestions = list(_own_suggestions(user).filter(status=S.REPLIED)
                       .order_by("-year", "-number", "-id"))
    replies = final_replies_of(s.pk for s in suggestions)
    for suggestion in suggestions:
        mine = replies.get(suggestion.pk, [])
        suggestion.to_rate = [r for r in mine if Kind.INITIAL not in r.evaluations_by_kind]
        suggestion.rated = [r for r in mine if Kind.INITIAL in r.evaluations_by_kind]
    return [s for s in suggestions if s.to_rate]


def follow_up_queue(*, user: Any, year: int | None = None) -> list[Suggestion]:
    """The user's suggestions closed in `year` (this year by default) for the follow-up
    evaluation (二次评价), each with `final` (its final replies, rated again or not)."""
    year = year or local_date(timezone.now()).year
    start = datetime.datetime(year, 1, 1, tzinfo=local_zone())
    end = datetime.datetime(year + 1, 1, 1, tzinfo=local_zone())
    suggestions = list(_own_suggestions(user).filter(
        status=S.CLOSED, concluded_at__gte=start, concluded_at__lt=end,
    ).order_by("concluded_at", "id"))
    replies = final_replies_of(s.pk for s in suggestions)
    for suggestion in suggestions:
        suggestion.final = replies.get(suggestion.pk, [])
        suggestion.follow_up_done = all(Kind.FOLLOW_UP in r.evaluations_by_kind
                                        for r in suggestion.final)
    return suggestions


def reply_get_for_evaluation(*, user: Any, pk: int) -> Reply:
    """A reply of one of the user's own suggestions; outside them, DoesNotExist."""
    return scope_filter(user, EVALUATE, Reply.objects.filter(
        assignment__suggestion__in=_own_suggestions(user))).get(pk=pk)
