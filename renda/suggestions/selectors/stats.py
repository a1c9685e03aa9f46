"""Whose suggestion figures a user reads (DOMAIN §4.7, issue 4 point 9):

- the office, the standing committee's leaders, evaluators and administrators: everything of
  their congress (every unit, every deputy, every term, session and year);
- a handling unit's staff: the figures of their unit (and of the units below it), counted over
  its own assignments;
- a deputy: the figures of the suggestions he or she leads;
- anyone else: nothing (the views answer 403, or 404 for a congress outside the user's roles).

Read through the one permission layer (`renda.accounts.access`) with the permission to view
suggestions, so that the figures and the lists never disagree on who sees what.
"""

import dataclasses
from typing import Any

from renda.accounts.access import is_global, role_perms, scope_filter
from renda.accounts.models import Role, RoleAssignment, ScopeKind
from renda.directory.models import Congress, Deputy, HandlingUnit, PlenarySession, Term
from renda.suggestions.stats import Restriction

VIEW = "suggestions.view_suggestion"


@dataclasses.dataclass(frozen=True)
class StatScope:
    """What one user reads of one congress's figures. `mode` is "congress", "unit", "deputy" or
    None (nothing)."""

    congress: Congress
    mode: str | None
    units: tuple[HandlingUnit, ...] = ()
    deputy: Deputy | None = None

    @property
    def restriction(self) -> Restriction:
        if self.mode == "unit":
            return Restriction(units=tuple(u.pk for u in self.units))
        if self.mode == "deputy":
            return Restriction(deputy=self.deputy.pk)
        return Restriction()

    @property
    def groups(self) -> tuple[str, ...]:
        """The tables this scope may read beside the totals."""
        if self.mode == "congress":
            return ("unit", "deputy", "term", "session", "year")
        if self.mode == "unit":
            return ("unit", "term", "session", "year")
        return ("term", "session", "year")


def _view_roles() -> list[str]:
    return [role for role in Role.values if VIEW in role_perms(role)]


def stat_congresses_for(*, user: Any) -> list[Congress]:
    """The congresses in which the user holds a role that reads suggestions."""
    if is_global(user):
        return list(Congress.objects.select_related("area"))
    ids = (RoleAssignment.objects.in_force().filter(user=user, role__in=_view_roles())
           .values("congress_id"))
    return list(Congress.objects.filter(pk__in=ids).select_related("area"))


def _reads_whole_congress(user: Any, congress: Congress) -> bool:
    congresses = Congress.objects.filter(pk=congress.pk)
    return scope_filter(user, VIEW, congresses).exists()


def _own_deputy(user: Any, congress: Congress) -> Deputy | None:
    if not getattr(user, "deputy_id", None):
        return None
    holds = RoleAssignment.objects.in_force().filter(
        user=user, congress=congress, role__in=[r for r in _view_roles()
                                                if _scope_kind(r) == ScopeKind.DEPUTY])
    return user.deputy if holds.exists() else None


def _scope_kind(role: str) -> str:
    from renda.accounts.models import ROLE_SCOPE

    return ROLE_SCOPE.get(role, "")


def stat_scope_for(*, user: Any, congress: Congress) -> StatScope:
    if _reads_whole_congress(user, congress):
        return StatScope(congress=congress, mode="congress")
    units = HandlingUnit.objects.filter(area__path__startswith=congress.area.path)
    mine = tuple(scope_filter(user, VIEW, units).order_by("path"))
    if mine:
        return StatScope(congress=congress, mode="unit", units=mine)
    deputy = _own_deputy(user, congress)
    if deputy is not None:
        return StatScope(congress=congress, mode="deputy", deputy=deputy)
    return StatScope(congress=congress, mode=None)


def stat_terms_of(*, congress: Congress) -> list[Term]:
    return list(Term.objects.filter(congress=congress).select_related("congress")
                .order_by("-number"))


def stat_sessions_of(*, congress: Congress) -> list[PlenarySession]:
    return list(PlenarySession.objects.filter(term__congress=congress)
                .select_related("term__congress").order_by("-start_date"))
