"""Reads of the directory. Permission-scoped reads take the user and go through the access layer;
public reads return only what anyone may see."""

import datetime
from typing import Any

from django.db.models import QuerySet

from renda.accounts.access import scope_filter
from renda.core.config import spec
from renda.directory.models import Congress, CongressSetting, Deputy, HandlingUnit, Station


def setting_value(*, congress: Congress, key: str, on: datetime.date | None = None) -> Any:
    """The value of a per-congress setting in force on a day, or its registered default."""
    on = on or datetime.date.today()
    row = (
        CongressSetting.objects.filter(congress=congress, key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("value", flat=True)
        .first()
    )
    return spec(key).default if row is None else row


def deputy_list_for(*, user, perm: str = "directory.view_deputy") -> QuerySet[Deputy]:
    return scope_filter(user, perm, Deputy.objects.all())


def deputy_get_for(*, user, pk: int, perm: str = "directory.view_deputy") -> Deputy:
    return deputy_list_for(user=user, perm=perm).get(pk=pk)


def unit_list_for(*, user, perm: str = "directory.view_handlingunit") -> QuerySet[HandlingUnit]:
    return scope_filter(user, perm, HandlingUnit.objects.all())


def unit_get_for(*, user, pk: int, perm: str = "directory.view_handlingunit") -> HandlingUnit:
    return unit_list_for(user=user, perm=perm).get(pk=pk)


def station_list_for(*, user, perm: str = "directory.view_station") -> QuerySet[Station]:
    return scope_filter(user, perm, Station.objects.all())
