"""Reads of the livelihood projects' cycles and proposals.

Staff reads go through the permission layer: the office sees its congress's cycles and
proposals, a station's staff the proposals collected at the station, a deputy his or her own.
Deputies and station staff reach a cycle through the congress of their role (a cycle is scoped
by area only). Public reads never load a proposer's name or mobile number.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet

from renda.accounts.access import has_perm, role_perms, scope_filter
from renda.accounts.models import RoleAssignment
from renda.core.masking import mask_name, mask_phone
from renda.directory.models import Station
from renda.projects.models import Ballot, ProjectCycle, Proposal
from renda.projects.permissions import MANAGE, PROPOSE, SCREEN

VIEW_CYCLE = "projects.view_projectcycle"
VIEW_PROPOSAL = "projects.view_proposal"
# Not granted to any role yet: the proposer's name and mobile number in full (the lead adds
# the grant; superusers hold it). Everyone else sees them masked.
PRIVATE = "projects.view_proposal_private"
PUBLIC_FIELDS = ("id", "cycle_id", "number", "source", "title", "description", "reasons",
                 "category", "area__name", "estimated_cost", "status", "screening_note",
                 "ballot_order", "merged_into__number", "created_at")


# Staff ---------------------------------------------------------------------------------------


def _role_congress_ids(user: Any, perm: str) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {a.congress_id for a in RoleAssignment.objects.in_force().filter(user=user)
            if perm in role_perms(a.role)}


def cycles_for(*, user: Any) -> QuerySet[ProjectCycle]:
    """The cycles the user reaches: by area (the office, leaders) or through the congress of a
    role that may propose (deputies, station staff)."""
    by_area = scope_filter(user, VIEW_CYCLE, ProjectCycle.objects.all()).values("pk")
    congress_ids = _role_congress_ids(user, PROPOSE)
    return (ProjectCycle.objects.filter(Q(pk__in=by_area) | Q(congress_id__in=congress_ids))
            .select_related("congress").order_by("congress__area__path", "-year"))


def cycle_get_for(*, user: Any, pk: int) -> ProjectCycle:
    return cycles_for(user=user).get(pk=pk)


def cycle_counts(*, cycle: ProjectCycle) -> dict[str, Any]:
    """Proposals by status and by source, for the cycle's page."""
    by_status = dict(cycle.proposals.values_list("status").annotate(n=Count("id")))
    by_source = dict(cycle.proposals.values_list("source").annotate(n=Count("id")))
    return {
        "total": sum(by_status.values()),
        "status": [(label, by_status.get(value, 0)) for value, label in Proposal.Status.choices],
        "source": [(label, by_source.get(value, 0)) for value, label in Proposal.Source.choices],
        "merged": cycle.proposals.filter(merged_into__isnull=False).count(),
        # Candidates stay candidates on the page once the ballot has chosen among them.
        "candidates": sum(by_status.get(status, 0) for status in (
            Proposal.Status.CANDIDATE, Proposal.Status.CHOSEN, Proposal.Status.NOT_CHOSEN)),
        "chosen": by_status.get(Proposal.Status.CHOSEN, 0),
    }


def proposals_for(*, user: Any, cycle: ProjectCycle) -> QuerySet[Proposal]:
    """The cycle's proposals the user may see (the office all, a station its own, a deputy
    his or her own)."""
    return scope_filter(user, VIEW_PROPOSAL, cycle.proposals.all()).select_related(
        "area", "station", "deputy", "merged_into").defer(
        "deputy__mobile", "deputy__id_number", "deputy__home_address")


def proposal_get_for(*, user: Any, pk: int) -> Proposal:
    return scope_filter(user, VIEW_PROPOSAL, Proposal.objects.all()).select_related(
        "cycle__congress", "area", "station", "deputy", "merged_into").get(pk=pk)


def proposer_shown(*, user: Any, proposal: Proposal, private: bool | None = None
                   ) -> dict[str, str]:
    """The proposer's name and mobile as this user may see them: in full with the private
    permission, masked otherwise."""
    if private is None:
        private = has_perm(user, PRIVATE, proposal)
    if private:
        return {"name": proposal.proposer_name, "mobile": proposal.proposer_mobile}
    return {"name": mask_name(proposal.proposer_name),
            "mobile": mask_phone(proposal.proposer_mobile)}


def staff_powers(*, user: Any, cycle: ProjectCycle) -> dict[str, bool]:
    return {"manage": has_perm(user, MANAGE, cycle), "screen": has_perm(user, SCREEN, cycle)}


def entry_stations(*, user: Any, cycle: ProjectCycle) -> QuerySet[Station]:
    """The stations whose collected proposals the user may enter."""
    return scope_filter(user, PROPOSE, Station.objects.filter(congress=cycle.congress)
                        ).order_by("path")


# Public --------------------------------------------------------------------------------------


def public_cycles() -> QuerySet[ProjectCycle]:
    return (ProjectCycle.objects.select_related("congress")
            .annotate(proposal_count=Count("proposals"))
            .order_by("congress__area__path", "-year"))


def public_cycle_get(*, pk: int) -> ProjectCycle:
    return public_cycles().get(pk=pk)


def public_proposals(*, cycle: ProjectCycle) -> QuerySet[Proposal]:
    """Every proposal of the cycle with what the public may read: no name, no mobile, no
    deputy, no station staff (`values()`, so that no template can reach them)."""
    return cycle.proposals.order_by("id").values(*PUBLIC_FIELDS)


def public_candidates(*, cycle: ProjectCycle) -> QuerySet[Proposal]:
    shown = (Proposal.Status.CANDIDATE, Proposal.Status.CHOSEN, Proposal.Status.NOT_CHOSEN)
    return (cycle.proposals.filter(status__in=shown, ballot_order__isnull=False)
            .order_by("ballot_order", "id").values(*PUBLIC_FIELDS, "project__id"))


def selection_ballot(*, cycle: ProjectCycle) -> Ballot | None:
    """The selection ballot whose outcome the public sees: the latest published or failed
    one (a failed ballot may be followed by a new one)."""
    return (cycle.ballots.filter(kind=Ballot.Kind.SELECTION,
                                 status__in=(Ballot.Status.PUBLISHED, Ballot.Status.FAILED))
            .order_by("-id").first())


def ballot_rows(*, ballot: Ballot) -> list[dict[str, Any]]:
    """The published result's rows by votes (most first): title, votes, for/against/abstain
    when voted item by item, chosen, tied. Only totals: nothing stored links a deputy to a
    choice."""
    rows = [dict(row) for row in ballot.result.get("items", [])]
    return sorted(rows, key=lambda row: (row.get("rank", 0), row.get("order", 0)))
