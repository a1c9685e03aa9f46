"""Reads of the drafting stage (提), each through the permission layer.

Who sees a suggestion: everyone whose role reaches it (`Suggestion.ACCESS_SCOPES`: the office by
area, a deputy by his signature), except that drafts and suggestions still waiting for their
co-signers (`HIDDEN_FROM_STAFF`) are the deputies' own business: a draft only its lead deputy
sees, one being co-signed its lead deputy and its co-signers. The office meets a suggestion
once it is submitted.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from renda.accounts.access import role_perms, scope_filter
from renda.accounts.models import RoleAssignment, User
from renda.core.models import Event
from renda.core.workflow import events_of
from renda.directory.models import Congress, Deputy, Mandate
from renda.suggestions.models import Signature, Suggestion, SuggestionAttachment
from renda.suggestions.workflow import PROPOSE, WITHDRAWABLE

S = Suggestion.Status
VIEW = "suggestions.view_suggestion"
VIEW_ATTACHMENT = "suggestions.view_suggestionattachment"
HIDDEN_FROM_STAFF = (S.DRAFT, S.COSIGNING)
EDITABLE = (S.DRAFT, S.RETURNED)
RELATED = ("congress", "lead_deputy", "session", "source_opinion")
CANDIDATES_SHOWN = 20


def proposing_congresses(*, user: Any) -> list[Congress]:
    """The congresses in which the user drafts as a deputy: those where a role in force lets
    him propose and where his own deputy record holds an active mandate."""
    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return []
    ids = {a.congress_id for a in RoleAssignment.objects.in_force().filter(user=user)
           if PROPOSE in role_perms(a.role)}
    return list(Congress.objects.filter(
        pk__in=ids, terms__mandates__deputy_id=deputy_id,
        terms__mandates__status=Mandate.Status.ACTIVE).distinct().order_by("area__path"))


def _signed_by(deputy_id: int) -> QuerySet[Signature]:
    return Signature.objects.filter(deputy_id=deputy_id).values("suggestion_id")


def suggestion_visible_for(*, user: Any, perm: str = VIEW) -> QuerySet[Suggestion]:
    """The suggestions the user may read under `perm`, drafts only for their own deputies."""
    q = ~Q(status__in=HIDDEN_FROM_STAFF)
    deputy_id = getattr(user, "deputy_id", None)
    if deputy_id:
        q |= Q(lead_deputy_id=deputy_id)
        q |= Q(status=S.COSIGNING, pk__in=_signed_by(deputy_id))
    return scope_filter(user, perm, Suggestion.objects.filter(q).select_related(*RELATED))


def suggestions_mine(*, user: Any) -> QuerySet[Suggestion]:
    """The deputy's own suggestions and those he co-signs, the latest change first."""
    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return Suggestion.objects.none()
    return (suggestion_visible_for(user=user).filter(pk__in=_signed_by(deputy_id))
            .order_by("-updated_at", "-id"))


def suggestion_get_mine(*, user: Any, pk: int) -> Suggestion:
    """One of the deputy's suggestions; DoesNotExist for any other, whether it exists or
    not."""
    return suggestions_mine(user=user).get(pk=pk)


def cosign_inbox(*, user: Any) -> QuerySet[Suggestion]:
    """待我联名确认: suggestions waiting for this deputy's confirmation, the oldest first."""
    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return Suggestion.objects.none()
    pending = Signature.objects.filter(suggestion=OuterRef("pk"), deputy_id=deputy_id,
                                       is_lead=False, confirmed_at__isnull=True,
                                       declined_at__isnull=True)
    return (suggestions_mine(user=user).filter(Exists(pending), status=S.COSIGNING)
            .order_by("updated_at", "id"))


def signatures_of(*, suggestion: Suggestion) -> list[Signature]:
    return list(suggestion.signatures.select_related("deputy").order_by("order", "id"))


def drafting_actions(*, user: Any, suggestion: Suggestion,
                     signatures: list[Signature]) -> list[str]:
    """What the deputy may do on his page of the suggestion; the services decide again."""
    deputy_id = getattr(user, "deputy_id", None)
    actions: list[str] = []
    if deputy_id == suggestion.lead_deputy_id:
        if suggestion.status in EDITABLE:
            actions.append("submit")
        if suggestion.status in WITHDRAWABLE:
            actions.append("withdraw")
    elif suggestion.status == S.COSIGNING and any(
            s.deputy_id == deputy_id and not s.is_lead and not s.confirmed_at
            and not s.declined_at for s in signatures):
        actions += ["confirm", "decline"]
    return actions


def last_event(*, suggestion: Suggestion, action: str) -> Event | None:
    """The latest event of `action`: why co-signing failed, why the office returned it or made
    it a letter."""
    return events_of(suggestion).filter(action=action).order_by("-created_at", "-id").first()


def cosigner_candidates(*, suggestion: Suggestion, query: str) -> list[Deputy]:
    """Deputies of the suggestion's congress in office, found by name, who have not signed;
    `has_account` tells whether they can confirm online."""
    query = (query or "").replace("\x00", "").strip()
    if not query:
        return []
    accounts = User.objects.filter(deputy=OuterRef("pk"), is_active=True)
    deputies = (Deputy.objects.filter(
        name__icontains=query, mandates__term__congress=suggestion.congress_id,
        mandates__status=Mandate.Status.ACTIVE)
        .exclude(pk__in=suggestion.signatures.values("deputy_id"))
        .annotate(has_account=Exists(accounts)).distinct().order_by("name", "id"))
    return list(deputies[:CANDIDATES_SHOWN])


def attachments_of(*, user: Any, suggestion: Suggestion) -> QuerySet[SuggestionAttachment]:
    return scope_filter(user, VIEW_ATTACHMENT,
                        suggestion.attachments.select_related("uploaded_by"))


def attachment_get_for(*, user: Any, pk: int) -> SuggestionAttachment:
    """One attachment of a suggestion the user may read; DoesNotExist for any other."""
    visible = suggestion_visible_for(user=user).values("pk")
    items = SuggestionAttachment.objects.filter(suggestion__in=visible).select_related(
        "suggestion")
    return scope_filter(user, VIEW_ATTACHMENT, items).get(pk=pk)
