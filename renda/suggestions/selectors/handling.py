"""Reads of 交 and 办, each through the permission layer: the office's queues, a unit's inbox and
one assignment with what its unit may read of the others.

A unit reads its own assignments (and those of units below it), never another unit's replies;
the lead unit also reads the assisting units' written views, which are addressed to it.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.access import scope_filter
from renda.core.calendar import CalendarNotCovered, WorkingCalendar
from renda.core.deadlines import DeadlineRule, Unit, due_date, local_date
from renda.directory.selectors import setting_value
from renda.suggestions.models import (
    Assignment,
    AssistOpinion,
    ContactRecord,
    Reply,
    Signature,
    Suggestion,
)
from renda.suggestions.workflow import ASSIGN, HANDLE

S = Suggestion.Status
A = Assignment.Status
R = Assignment.Role
VIEW = "suggestions.view_suggestion"
VIEW_ASSIGNMENT = "suggestions.view_assignment"
ANSWERING = (R.LEAD, R.SEPARATE)
HANDLING = (S.ASSIGNED, S.REHANDLING)
ASSIGNMENT_RELATED = ("suggestion__congress", "suggestion__lead_deputy", "unit")


def by_role(assignments: Iterable[Assignment]) -> list[Assignment]:
    """Lead first, then assisting, then separate units, as the assignment sheet lists them."""
    order = {R.LEAD: 0, R.ASSISTING: 1, R.SEPARATE: 2}
    return sorted(assignments, key=lambda item: (order.get(item.role, 3), item.pk))


def rule_text(rule: DeadlineRule) -> str:
    """A rule as people say it: "7 个工作日", "3 个月", "10 天"."""
    words = {Unit.WORKING_DAYS: _("%(n)d 个工作日"), Unit.MONTHS: _("%(n)d 个月"),
             Unit.DAYS: _("%(n)d 天")}
    return words[rule.unit] % {"n": rule.amount}


# Closed-period suggestions are assigned within a few working days of receipt ----------------


@dataclasses.dataclass(frozen=True)
class InterimTiming:
    """Whether a closed-period suggestion was (or still can be) assigned in time."""

    deadline: datetime.date | None
    on_time: bool | None  # None while it is not assigned yet
    overdue: bool = False
    error: str = ""


def interim_assign_deadline(*, suggestion: Suggestion, calendar: WorkingCalendar | None = None,
                            rule: DeadlineRule | None = None) -> datetime.date | None:
    """The last day to assign a closed-period suggestion, counted from its receipt (its
    submission, else its registration) by the rule in force today, as the queue shows it;
    None for session suggestions. May raise `CalendarNotCovered`."""
    received = suggestion.submitted_at or suggestion.registered_at
    if suggestion.series != Suggestion.Series.INTERIM or received is None:
        return None
    if rule is None:
        rule = DeadlineRule.parse(setting_value(
            congress=suggestion.congress, key="suggestions.interim_assign_within",
            on=local_date(timezone.now())))
    return due_date(local_date(received), rule, calendar=calendar)


def interim_timing(*, suggestion: Suggestion, calendar: WorkingCalendar | None = None,
                   rule: DeadlineRule | None = None,
                   now: datetime.datetime | None = None) -> InterimTiming | None:
    try:
        deadline = interim_assign_deadline(suggestion=suggestion, calendar=calendar, rule=rule)
    except CalendarNotCovered as error:
        return InterimTiming(deadline=None, on_time=None, error=str(error))
    if deadline is None:
        return None
    if suggestion.assigned_at is None:
        today = local_date(now or timezone.now())
        return InterimTiming(deadline=deadline, on_time=None, overdue=today > deadline)
    return InterimTiming(deadline=deadline,
                         on_time=local_date(suggestion.assigned_at) <= deadline)


def interim_decorate(rows: list[Suggestion]) -> None:
    """`row.interim` for each row, with one calendar snapshot and one setting read per
    congress whatever the page's length."""
    calendar, now, rules = WorkingCalendar(), timezone.now(), {}
    for row in rows:
        if row.congress_id not in rules:
            rules[row.congress_id] = DeadlineRule.parse(setting_value(
                congress=row.congress, key="suggestions.interim_assign_within",
                on=local_date(now)))
        row.interim = interim_timing(suggestion=row, calendar=calendar,
                                     rule=rules[row.congress_id], now=now)


# The office ------------------------------------------------------------------------------------


def _suggestions(user: Any, queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    return scope_filter(user, ASSIGN, queryset.select_related("congress", "lead_deputy"))


def assign_queue(*, user: Any) -> QuerySet[Suggestion]:
    """Registered suggestions waiting to be assigned, the longest waiting first."""
    return _suggestions(user, Suggestion.objects.filter(status=S.REGISTERED)).order_by(
        "submitted_at", "registered_at", "id")


def missing_unit_queue(*, user: Any) -> QuerySet[Suggestion]:
    """Suggestions being handled with no lead or separate unit left: the office approved a
    re-assignment without naming the replacement."""
    answering = Assignment.objects.filter(suggestion=OuterRef("pk"), role__in=ANSWERING).exclude(
        status=A.CANCELLED)
    items = Suggestion.objects.filter(status__in=HANDLING).filter(~Exists(answering))
    return _suggestions(user, items).order_by("assigned_at", "id")


def assigned_list(*, user: Any, q: str = "") -> QuerySet[Suggestion]:
    """Suggestions already assigned, the latest first; `q` finds a number or a title."""
    items = Suggestion.objects.exclude(assigned_at__isnull=True)
    if q:
        items = items.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return _suggestions(user, items).order_by("-assigned_at", "-id")


def reassign_requests(*, user: Any) -> QuerySet[Assignment]:
    """Units' requests for re-assignment awaiting the office's decision, the oldest first."""
    items = Assignment.objects.filter(status=A.REASSIGN_REQUESTED).select_related(
        *ASSIGNMENT_RELATED)
    return scope_filter(user, ASSIGN, items).order_by("updated_at", "id")


def assign_target_get(*, user: Any, pk: int) -> Suggestion:
    """One suggestion as the office assigns and follows it (its scope under "assign")."""
    return _suggestions(user, Suggestion.objects.all()).get(pk=pk)


def suggestion_assignments(*, suggestion: Suggestion) -> list[Assignment]:
    """Every assignment of a suggestion the caller has already read through a scoped selector
    with the assign permission (the office): the table of its page."""
    return by_role(suggestion.assignments.select_related("unit").order_by("id"))


# Units -----------------------------------------------------------------------------------------


def assignment_list_for(*, user: Any, perm: str = VIEW_ASSIGNMENT) -> QuerySet[Assignment]:
    return scope_filter(user, perm, Assignment.objects.select_related(*ASSIGNMENT_RELATED))


def assignment_get_for(*, user: Any, pk: int, perm: str = VIEW_ASSIGNMENT) -> Assignment:
    return assignment_list_for(user=user, perm=perm).get(pk=pk)


def unit_inbox(*, user: Any, show_all: bool = False) -> QuerySet[Assignment]:
    """A unit's assignments, the nearest deadline first: the open ones (what the partial index
    `assignment_open_due_at` serves), or with `show_all` also those answered. Cancelled ones
    and withdrawn suggestions are left out."""
    items = (Assignment.objects.exclude(status=A.CANCELLED)
             .exclude(suggestion__status=S.WITHDRAWN).select_related(*ASSIGNMENT_RELATED))
    if not show_all:
        items = items.filter(status__in=Assignment.OPEN_STATES)
    return scope_filter(user, HANDLE, items).order_by("due_at", "id")


def co_units(*, assignment: Assignment) -> list[Assignment]:
    """The other units on the same suggestion and their roles, as the assignment sheet shows
    them to every unit: names and roles only, never their state or replies."""
    return by_role(Assignment.objects.filter(suggestion_id=assignment.suggestion_id)
                   .exclude(status=A.CANCELLED).exclude(pk=assignment.pk)
                   .select_related("unit").order_by("id"))


def assist_opinions_for(*, user: Any, assignment: Assignment) -> QuerySet[AssistOpinion]:
    """The assisting views this assignment's page shows: all of them to the lead unit, its own
    to an assisting unit, none to a separate unit."""
    items = AssistOpinion.objects.select_related("assignment__unit", "created_by")
    if assignment.role == R.LEAD:
        items = items.filter(assignment__suggestion_id=assignment.suggestion_id)
    elif assignment.role == R.ASSISTING:
        items = items.filter(assignment=assignment)
    else:
        return items.none()
    return scope_filter(user, "suggestions.view_assistopinion", items)


def suggestion_assist_opinions(*, user: Any, suggestion: Suggestion) -> QuerySet[AssistOpinion]:
    items = AssistOpinion.objects.filter(assignment__suggestion=suggestion).select_related(
        "assignment__unit", "created_by")
    return scope_filter(user, "suggestions.view_assistopinion", items)


def contacts_for(*, user: Any, assignment: Assignment) -> QuerySet[ContactRecord]:
    items = ContactRecord.objects.filter(assignment=assignment).select_related("created_by")
    return scope_filter(user, "suggestions.view_contactrecord", items)


def replies_for(*, user: Any, assignments: list[Assignment]) -> QuerySet[Reply]:
    items = (Reply.objects.filter(assignment__in=assignments)
             .select_related("assignment__unit", "created_by", "commitment"))
    return scope_filter(user, "suggestions.view_reply", items).order_by("created_at", "id")


def reply_get_for(*, user: Any, pk: int) -> Reply:
    items = Reply.objects.select_related("assignment__unit", "assignment__suggestion__congress",
                                         "assignment__suggestion__lead_deputy")
    return scope_filter(user, "suggestions.view_reply", items).get(pk=pk)


def suggestion_get_for(*, user: Any, pk: int) -> Suggestion:
    """One suggestion any reader in scope may see (the office, its units, its deputies)."""
    items = Suggestion.objects.select_related("congress", "lead_deputy")
    return scope_filter(user, VIEW, items).get(pk=pk)


def signers(*, suggestion: Suggestion) -> list[Signature]:
    """The lead deputy and the co-signers who confirmed, in order: whom a reply addresses."""
    return list(suggestion.signatures.filter(declined_at__isnull=True)
                .exclude(is_lead=False, confirmed_at__isnull=True)
                .select_related("deputy").order_by("order", "id"))
