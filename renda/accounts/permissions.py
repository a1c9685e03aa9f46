"""Grants on the domain-free parts of `core`: the working-day calendar is national, so only
administrators edit it, and the office staff who count deadlines may read it."""

from renda.accounts.access import grant
from renda.accounts.models import Role

CALENDAR = ["calendarday", "calendaryear"]


def register() -> None:
    grant(Role.ADMIN, *[f"core.{a}_{m}" for a in ("view", "add", "change", "delete")
                        for m in CALENDAR])
    grant(Role.OFFICE_STAFF, *[f"core.view_{m}" for m in CALENDAR])
    # The action log spans every congress's records: administrators read it whole.
    grant(Role.ADMIN, "core.view_event")
