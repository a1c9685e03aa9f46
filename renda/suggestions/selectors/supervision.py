"""Reads of supervision (督): the office's list of late and nearly due work, the commitments
ledger, key suggestions, repeated suggestions and third-party reviews, each through the
permission layer with the user who asks."""

import dataclasses
import datetime
import re
from typing import Any

from django.db.models import Case, Count, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from renda.accounts.access import has_perm, scope_filter
from renda.core.calendar import WorkingCalendar
from renda.directory.models import Congress, HandlingUnit
from renda.suggestions.models import (
    Assignment,
    Commitment,
    KeySupervision,
    Suggestion,
    SupervisionMeeting,
    ThirdPartyReview,
)
from renda.suggestions.services.common import setting
from renda.suggestions.supervision import (
    UNFINISHED,
    open_assignments,
    reminder_horizon,
    unfinished_commitments,
)
from renda.suggestions.workflow import SUPERVISE

VIEW_COMMITMENT = "suggestions.view_commitment"
VIEW_KEY = "suggestions.view_keysupervision"
VIEW_REVIEW = "suggestions.view_thirdpartyreview"
ASSIGN_REVIEW = "suggestions.add_thirdpartyreview"
COMMITMENT_RELATED = ("unit", "reply__assignment__suggestion__lead_deputy")
# Registered suggestions count for the repeat rule; drafts, returned and withdrawn ones do not.
COUNTED_STATES = ("registered", "assigned", "replied", "rehandling", "closed")
LEDGER_STATUSES = ("unfinished", *Commitment.Status.values, "all")


# The supervision list --------------------------------------------------------------------------


@dataclasses.dataclass
class Overview:
    """What the office chases today: overdue and nearly due assignments, and commitments whose
    promised date is near or past."""

    overdue: list[Assignment]
    near: list[Assignment]
    commitments: list[Commitment]


def supervision_overview(*, user: Any, now: datetime.datetime | None = None) -> Overview:
    now = now or timezone.now()
    assignments = scope_filter(user, SUPERVISE, open_assignments().select_related(
        "suggestion__lead_deputy", "suggestion__key_supervision", "unit"))
    horizons = _horizons(user, now)
    near_q = Q(pk__in=[])
    date_q = Q(pk__in=[])
    for congress_id, horizon in horizons.items():
        near_q |= Q(suggestion__congress_id=congress_id, due_at__lte=horizon)
        date_q |= Q(reply__assignment__suggestion__congress_id=congress_id,
                    promised_date__lte=horizon.date())
    commitments = scope_filter(user, SUPERVISE, unfinished_commitments().select_related(
        *COMMITMENT_RELATED)).filter(date_q).order_by("promised_date", "id")
    return Overview(
        overdue=list(assignments.filter(due_at__lt=now).order_by("due_at", "id")),
        near=list(assignments.filter(near_q, due_at__gte=now).order_by("due_at", "id")),
        commitments=list(commitments))


def _horizons(user: Any, now: datetime.datetime) -> dict[int, datetime.datetime]:
    congresses = scope_filter(user, SUPERVISE, Suggestion.objects.all()).values(
        "congress_id").distinct()
    calendar = WorkingCalendar()
    return {congress.pk: reminder_horizon(congress, now, calendar)
            for congress in Congress.objects.filter(pk__in=congresses).order_by("pk")}


# The commitments ledger (跨年度台账) -------------------------------------------------------------


def commitment_ledger(*, user: Any, year: int | None = None, unit_id: int | None = None,
                      status: str = "unfinished") -> QuerySet[Commitment]:
    """Commitments across years within the user's scope (the office all of its congress, a
    unit its own), the earliest promised date first."""
    rows = scope_filter(user, VIEW_COMMITMENT, Commitment.objects.select_related(
        *COMMITMENT_RELATED))
    if status == "unfinished":
        rows = rows.filter(status__in=UNFINISHED)
    elif status in Commitment.Status.values:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(promised_date__year=year)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    return rows.order_by("promised_date", "id")


def commitment_get_for(*, user: Any, pk: int) -> Commitment:
    return commitment_ledger(user=user, status="all").get(pk=pk)


def ledger_choices(*, user: Any) -> tuple[list[int], list[HandlingUnit]]:
    """The years promised and the units found in the user's ledger, for its filters."""
    rows = scope_filter(user, VIEW_COMMITMENT, Commitment.objects.all())
    years = sorted({day.year for day in rows.dates("promised_date", "year")})
    units = HandlingUnit.objects.filter(pk__in=rows.values("unit_id")).order_by("code", "pk")
    return years, list(units)


# Key supervision (重点督办) ---------------------------------------------------------------------


def key_supervisions_for(*, user: Any, mine: bool = False) -> QuerySet[KeySupervision]:
    """Key suggestions within the user's scope, with what shows their progress; `mine`: only
    those the user supervises personally (a leader's "my key suggestions")."""
    rows = scope_filter(user, VIEW_KEY, KeySupervision.objects.all())
    if mine:
        rows = rows.filter(leaders=user)
    return (rows.select_related("suggestion__lead_deputy")
            .prefetch_related("leaders", Prefetch(
                "suggestion__assignments",
                queryset=Assignment.objects.select_related("unit").order_by("role", "id")))
            .annotate(meeting_count=Count("suggestion__meetings", distinct=True),
                      last_meeting=Max("suggestion__meetings__held_at"))
            .order_by("-created_at", "-id"))


def suggestion_get_for_supervision(*, user: Any, pk: int) -> Suggestion:
    """One suggestion as the office or a leader supervises it; outside the scope, DoesNotExist."""
    rows = scope_filter(user, SUPERVISE, Suggestion.objects.select_related(
        "lead_deputy", "congress", "repeat_of", "key_supervision"))
    return rows.get(pk=pk)


def meetings_of(*, suggestion: Suggestion) -> list[SupervisionMeeting]:
    return list(suggestion.meetings.select_related("recorded_by").order_by("held_at", "id"))


# Repeated suggestions (反复提出) -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RepeatCandidate:
    suggestion: Suggestion
    similarity: float


def title_bigrams(title: str) -> set[str]:
    """The character bigrams of a title without spaces and punctuation (a one-character title
    is its own single "bigram")."""
    chars = re.sub(r"[\W_]+", "", title or "").lower()
    if len(chars) < 2:
        return {chars} if chars else set()
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def jaccard(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def repeat_candidates(*, suggestion: Suggestion) -> list[RepeatCandidate]:
    """Registered suggestions of earlier years of the same congress and category whose titles
    share at least `suggestions.repeat_similarity` of their character bigrams (Jaccard), the
    most similar first, then the most recent. The one place of the rule: the intelligence
    issue replaces it with a better one."""
    threshold = float(setting(suggestion.congress, "suggestions.repeat_similarity"))
    mine = title_bigrams(suggestion.title)
    earlier = (Suggestion.objects.filter(congress_id=suggestion.congress_id,
                                         category=suggestion.category,
                                         year__lt=suggestion.year,
                                         status__in=COUNTED_STATES)
               .exclude(pk=suggestion.pk).only("pk", "title", "year", "code", "congress_id"))
    found = [RepeatCandidate(item, round(jaccard(mine, title_bigrams(item.title)), 3))
             for item in earlier]
    found = [item for item in found if item.similarity >= threshold]
    return sorted(found, key=lambda c: (-c.similarity, -c.suggestion.year, -c.suggestion.pk))


def repeats_for(*, user: Any) -> QuerySet[Suggestion]:
    """Suggestions flagged as repeating an earlier one, candidates for key supervision; those
    not yet key first."""
    rows = scope_filter(user, SUPERVISE, Suggestion.objects.filter(repeat_of__isnull=False)
                        .select_related("repeat_of", "lead_deputy", "key_supervision"))
    not_key_first = Case(When(key_supervision__isnull=True, then=Value(0)), default=Value(1))
    return rows.order_by(not_key_first, "-year", "-id")


# Third-party reviews (第三方评估) ---------------------------------------------------------------


def reviews_for(*, user: Any) -> QuerySet[ThirdPartyReview]:
    """The office sees the reviews of its congress; an evaluator only those assigned to him."""
    rows = scope_filter(user, VIEW_REVIEW, ThirdPartyReview.objects.select_related(
        "suggestion__lead_deputy", "reviewer", "assigned_by"))
    if not has_perm(user, ASSIGN_REVIEW):
        rows = rows.filter(reviewer=user)
    return rows.order_by("status", "due_date", "-id")


def review_get_for(*, user: Any, pk: int) -> ThirdPartyReview:
    return reviews_for(user=user).get(pk=pk)
