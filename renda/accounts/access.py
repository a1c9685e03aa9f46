"""The one permission layer: who may do what, and on which objects.

A permission is a string such as "directory.view_deputy_private". Roles are granted
permissions in `GRANTS` (apps add theirs with `grant()` in their ready()). A user holds roles
through `RoleAssignment` rows, each scoped to an area, a station, a unit or the user's own
deputy record. A model opts in by declaring `ACCESS_SCOPES`, mapping scope kinds to the
lookups that lead from it to a path or a deputy id, for example::

    ACCESS_SCOPES = {"area": ["area__path"], "station": ["path"]}

`scope_filter()` narrows a queryset to the objects a user may act on under a permission;
`has_perm()` answers for one object with the same query, so list and detail never disagree.
Every selector in every app goes through these two functions.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from renda.accounts.models import RoleAssignment, ScopeKind

GRANTS: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *perms: str) -> None:
    GRANTS[role].update(perms)


def role_perms(role: str) -> set[str]:
    return GRANTS.get(role, set())


def _assignments(user) -> list[RoleAssignment]:
    cache = getattr(user, "_renda_assignments", None)
    if cache is None:
        cache = list(
            RoleAssignment.objects.in_force()
            .filter(user=user)
            .select_related("congress__area", "area", "station", "unit")
        )
        user._renda_assignments = cache
    return cache


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {a.role for a in _assignments(user)}


def is_global(user) -> bool:
    """Superusers see everything; they exist for set-up and are audited like everyone."""
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def _assignment_q(assignment: RoleAssignment, scopes: dict[str, list[str]]) -> Q | None:
    kind = assignment.scope_kind
    if kind == ScopeKind.DEPUTY:
        target, lookups = assignment.user.deputy_id, scopes.get("deputy", [])
        return _any(lookups, lambda lk: Q(**{lk: target})) if target else None
    if kind == ScopeKind.STATION:
        prefix, lookups = assignment.station.path, scopes.get("station", [])
    elif kind == ScopeKind.UNIT:
        prefix, lookups = assignment.unit.path, scopes.get("unit", [])
    else:
        prefix = (assignment.area or assignment.congress.area).path
        lookups = scopes.get("area", [])
    return _any(lookups, lambda lk: Q(**{f"{lk}__startswith": prefix}))


def _any(lookups: Iterable[str], make) -> Q | None:
    q = None
    for lookup in lookups:
        q = make(lookup) if q is None else q | make(lookup)
    return q


def scope_q(user, perm: str, model: type[models.Model]) -> Q | None:
    """The condition objects of `model` meet when `user` holds `perm` on them; None: none."""
    if is_global(user):
        return Q()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    scopes = getattr(model, "ACCESS_SCOPES", {})
    q = None
    for assignment in _assignments(user):
        if perm not in role_perms(assignment.role):
            continue
        part = _assignment_q(assignment, scopes)
        if part is not None:
            q = part if q is None else q | part
    return q


def scope_filter(user, perm: str, queryset: models.QuerySet) -> models.QuerySet:
    q = scope_q(user, perm, queryset.model)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    # A subquery rather than .distinct(): lookups through many-valued relations would
    # otherwise repeat rows, and distinct() breaks ordering by related fields.
    allowed = queryset.model._default_manager.filter(q).values("pk")
    return queryset.filter(pk__in=allowed)


def has_perm(user, perm: str, obj: models.Model | None = None) -> bool:
    """Whether `user` holds `perm` at all (obj None) or on this object."""
    if obj is None:
        return is_global(user) or any(perm in role_perms(r) for r in user_roles(user))
    return scope_filter(user, perm, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def scope_areas(user) -> models.QuerySet:
    """Areas a user's roles reach: what an office clerk picks from when filing."""
    from renda.directory.models import Area

    return scope_filter(user, "directory.view_area", Area.objects.all())
