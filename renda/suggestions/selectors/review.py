"""Reads of the office's review (审查/立案), each through the permission layer: the queue of
submitted suggestions with its filters, and one suggestion under review. Drafts and
suggestions still being co-signed never appear here (see `selectors.drafting`)."""

from typing import Any

from django.db.models import Q, QuerySet

from renda.accounts.access import has_perm, scope_filter
from renda.directory.models import PlenarySession
from renda.suggestions.models import Signature, Suggestion
from renda.suggestions.selectors.drafting import HIDDEN_FROM_STAFF, RELATED
from renda.suggestions.workflow import REVIEW

S = Suggestion.Status


def review_queue(*, user: Any, session_id: int | None = None, category: str = "",
                 deputy: str = "", kind: str = "") -> QuerySet[Suggestion]:
    """Submitted suggestions the user may review, in the order they arrived (the order bulk
    registration numbers them in). `deputy` finds the lead deputy or a co-signer by name."""
    items = Suggestion.objects.filter(status=S.SUBMITTED).select_related(*RELATED)
    if session_id:
        items = items.filter(session_id=session_id)
    if category:
        items = items.filter(category=category)
    if kind:
        items = items.filter(kind=kind)
    deputy = (deputy or "").replace("\x00", "").strip()
    if deputy:
        signed = Signature.objects.filter(deputy__name__icontains=deputy).values("suggestion_id")
        items = items.filter(Q(lead_deputy__name__icontains=deputy) | Q(pk__in=signed))
    return scope_filter(user, REVIEW, items).order_by("submitted_at", "id")


def review_sessions(*, user: Any) -> QuerySet[PlenarySession]:
    """The plenary sessions that have suggestions waiting in the user's queue: the filter's
    choices."""
    waiting = review_queue(user=user).values("session_id")
    return (PlenarySession.objects.filter(pk__in=waiting).select_related("term__congress")
            .order_by("-start_date"))


def suggestion_get_for_review(*, user: Any, pk: int) -> Suggestion:
    """One suggestion the user may review, from submission on; DoesNotExist for any other."""
    items = Suggestion.objects.exclude(status__in=HIDDEN_FROM_STAFF).select_related(*RELATED)
    return scope_filter(user, REVIEW, items).get(pk=pk)


def review_actions(*, user: Any, suggestion: Suggestion) -> list[str]:
    """The review actions open on the suggestion now; the services decide again."""
    if suggestion.status != S.SUBMITTED or not has_perm(user, REVIEW, suggestion):
        return []
    actions = ["register", "return", "to_letter"]
    if suggestion.kind == Suggestion.Kind.MOTION:
        actions.insert(1, "to_suggestion")
    return actions
