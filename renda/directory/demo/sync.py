"""Idempotent writes: create what is missing, change only what differs, never duplicate.

A row is matched by its natural key (an area code, a unit code, a deputy's ID number …), so a
second run of the seeder finds everything in place and writes nothing, not even history rows.
"""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any] | None = None) -> M:
    """Get the row matching `lookup` and bring it to `values`; save (with history) only when
    something differs. Saves one by one so that model logic (tree paths) runs."""
    values = values or {}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    """Compare without loading related rows: a foreign key by its id."""
    if isinstance(value, models.Model) or (value is None and obj._meta.get_field(name).is_relation):
        return getattr(obj, obj._meta.get_field(name).attname) != (value.pk if value else None)
    return getattr(obj, name) != value


def _key(obj: models.Model, fields: Sequence[str]) -> tuple:
    return tuple(getattr(obj, name) for name in fields)


def sync_rows(
    model: type[M],
    key_fields: Sequence[str],
    rows: Iterable[dict[str, Any]],
    existing: models.QuerySet | None = None,
) -> dict[tuple, M]:
    """Bulk version of `upsert` for many rows of one model.

    `key_fields` are attribute names (use `deputy_id`, not `deputy`); every row must carry
    them. `existing` narrows the rows loaded for matching (defaults to all). Returns the rows
    by key, the new ones with their primary keys.
    """
    existing = model._default_manager.all() if existing is None else existing
    found = {_key(obj, key_fields): obj for obj in existing}
    new: list[M] = []
    changed: list[M] = []
    fields: set[str] = set()
    for row in rows:
        probe = model(**row)
        key = _key(probe, key_fields)
        obj = found.get(key)
        if obj is None:
            new.append(probe)
            found[key] = probe
            continue
        diff = [name for name in row if getattr(obj, name) != getattr(probe, name)]
        if diff:
            for name in diff:
                setattr(obj, name, getattr(probe, name))
            fields.update(diff)
            changed.append(obj)
    if new:
        bulk_create_with_history(new, model, batch_size=500)
    if changed:
        bulk_update_with_history(changed, model, sorted(fields), batch_size=500)
    return found
