"""The public directory as Popolo JSON (https://www.popoloproject.com/specs/), at /api/popolo.json.

Persons are the deputies the public directory lists (public, with an active mandate), with no
contact or identity data, and all their mandates, past ones included; organizations are the
congresses ("legislature"), their deputy groups ("committee") and the handling units; memberships
are the deputies' mandates (role 代表, with the constituency's area) and group places; areas are
those referenced, with their ancestors so that every parent_id resolves. Identifiers are stable
strings ("person/12", "organization/congress-3") built from primary keys.

Mounted from renda/urls.py with include(), hence the `urlpatterns` at the end.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from renda.directory.models import (
    Area,
    Congress,
    Deputy,
    DeputyGroup,
    GroupMembership,
    HandlingUnit,
    Mandate,
)
from renda.directory.public import public_deputies

EXECUTIVE_KINDS = {HandlingUnit.Kind.GOVERNMENT, HandlingUnit.Kind.DEPARTMENT}
DEPUTY_ROLE = "代表"  # Popolo's role label, in the directory's own language


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Popolo's optional properties are left out rather than sent empty."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


def person_id(pk: int) -> str:
    return f"person/{pk}"


def area_id(pk: int | None) -> str | None:
    return None if pk is None else f"area/{pk}"


def congress_id(pk: int) -> str:
    return f"organization/congress-{pk}"


def person(deputy: Deputy) -> dict[str, Any]:
    # Only the public fields: never mobile, id_number or home_address.
    return _compact({
        "id": person_id(deputy.pk),
        "name": deputy.name,
        "gender": deputy.gender,
        "birth_date": str(deputy.birth_year) if deputy.birth_year else None,  # a year alone
        "image": _absolute(deputy.photo.url) if deputy.photo else None,
        "links": [{"url": _absolute(deputy.get_absolute_url()), "note": "代表主页"}],
    })


def congress_organization(congress: Congress) -> dict[str, Any]:
    return _compact({
        "id": congress_id(congress.pk), "name": congress.name, "classification": "legislature",
        "other_names": [{"name": congress.short_name}] if congress.short_name else [],
        "area_id": area_id(congress.area_id),
    })


def group_organization(group: DeputyGroup) -> dict[str, Any]:
    return _compact({
        "id": f"organization/group-{group.pk}", "name": group.name, "classification": "committee",
        "parent_id": congress_id(group.congress_id), "area_id": area_id(group.area_id),
    })


def unit_organization(unit: HandlingUnit) -> dict[str, Any]:
    kind = "executive" if unit.kind in EXECUTIVE_KINDS else "governmental body"
    return _compact({
        "id": f"organization/unit-{unit.pk}", "name": unit.name, "classification": kind,
        "parent_id": f"organization/unit-{unit.parent_id}" if unit.parent_id else None,
        "area_id": area_id(unit.area_id),
        "identifiers": [{"scheme": "renda-unit-code", "identifier": unit.code}],
    })


def mandate_membership(mandate: Mandate) -> dict[str, Any]:
    end = mandate.end_date or mandate.term.end_date
    constituency = mandate.constituency
    return _compact({
        "id": f"membership/mandate-{mandate.pk}", "person_id": person_id(mandate.deputy_id),
        "organization_id": congress_id(mandate.term.congress_id), "role": DEPUTY_ROLE,
        "start_date": mandate.start_date.isoformat(), "end_date": end.isoformat() if end else None,
        "area_id": area_id(constituency.area_id) if constituency else None,
    })


def group_membership(membership: GroupMembership) -> dict[str, Any]:
    return {
        "id": f"membership/group-{membership.pk}", "person_id": person_id(membership.deputy_id),
        "organization_id": f"organization/group-{membership.group_id}",
        "role": str(membership.get_role_display()),
    }


def area(item: Area) -> dict[str, Any]:
    return _compact({
        "id": area_id(item.pk), "name": item.name, "classification": item.level,
        "identifier": item.code, "parent_id": area_id(item.parent_id),
    })


def referenced_areas(ids: set[int]) -> QuerySet[Area]:
    """The areas named by id, and all their ancestors, read from the materialised paths."""
    paths = Area.objects.filter(pk__in=ids).values_list("path", flat=True)
    wanted = {int(part) for p in paths for part in p.strip("/").split("/") if part}
    return Area.objects.filter(pk__in=wanted).order_by("path")


def popolo_export() -> dict[str, list[dict[str, Any]]]:
    """The whole public directory in four Popolo collections."""
    deputies = public_deputies().order_by("pk")  # as the public directory lists them
    mandates = (Mandate.objects.filter(deputy__in=public_deputies())
                .select_related("term", "constituency").order_by("pk"))
    places = GroupMembership.objects.filter(deputy__in=public_deputies()).order_by("pk")
    congresses = list(Congress.objects.order_by("pk"))
    groups = list(DeputyGroup.objects.order_by("pk"))
    units = list(HandlingUnit.objects.order_by("path"))  # all: parent_id must resolve
    memberships = [mandate_membership(m) for m in mandates]
    with translation.override("zh-hans"):
        memberships += [group_membership(m) for m in places]
    area_ids = {o.area_id for o in [*congresses, *groups, *units] if o.area_id}
    area_ids |= {int(m["area_id"].split("/")[1]) for m in memberships if "area_id" in m}
    return {
        "persons": [person(d) for d in deputies],
        "organizations": [congress_organization(c) for c in congresses]
        + [group_organization(g) for g in groups] + [unit_organization(u) for u in units],
        "memberships": memberships,
        "areas": [area(a) for a in referenced_areas(area_ids)],
    }


@require_GET
@cache_control(public=True, max_age=300)
def popolo_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(popolo_export(), json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("", popolo_json, name="popolo")]
