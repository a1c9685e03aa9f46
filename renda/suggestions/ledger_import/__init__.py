"""Import of a congress office's existing ledger of suggestions (建议办理台账, Excel .xlsx).

One row per suggestion and handling unit (a suggestion with a lead and an assisting unit has
two rows with the same number); the columns are `COLUMNS` (`columns.py`), fixed Chinese headers
in any order; `ledger_template()` writes a blank ledger with a sheet explaining each column.
Each suggestion is brought to its final state with its signatures, assignments, contact,
replies (a second round after a dissatisfied evaluation), the lead deputy's evaluations (and
the year-end follow-up) and commitments:

- no unit: registered; a unit that has not replied: being handled; replied without an
  evaluation: replied; 不满意 without a second reply: re-handling; every answering unit
  replied and evaluated: concluded (办结).

Like the roster import (`renda.directory.roster`): every row is checked before anything is
written (`plan.py`), one bad row stops the whole import, and every error comes back as (row,
column, reason). A suggestion is known by its numbering series and number (`S<session id>` or
`Y<year>`, as `services.review` numbers them): one already in the system is left as it is
(counted "unchanged") when the ledger agrees with it on title, lead deputy, category and units,
and is an error otherwise; so importing the same ledger twice changes nothing. What is written
(`apply.py`) is recorded in each model's history with the importing user, with one `Event`
(`ledger_import`) per suggestion holding the file's checksum and row.
"""

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from renda.accounts.access import has_perm
from renda.directory.models import Congress
from renda.directory.roster.common import (
    MAX_UPLOAD_BYTES,
    ImportResult,
    RosterFileError,
    read_upload,
    write_workbook,
)
from renda.suggestions.ledger_import import apply, plan
from renda.suggestions.ledger_import.columns import COLUMNS, HEADERS

IMPORT_PERM = "suggestions.review_suggestion"

__all__ = ["COLUMNS", "HEADERS", "IMPORT_PERM", "MAX_UPLOAD_BYTES", "ImportResult",
           "ledger_import", "ledger_import_rows", "ledger_template"]


def ledger_template() -> bytes:
    """A blank ledger with its headers and a sheet explaining each column."""
    return write_workbook(str(_("代表建议台账")), COLUMNS, [])


def ledger_import(*, actor: Any, congress: Congress, file: Any,
                  dry_run: bool = False) -> ImportResult:
    """Import a ledger (an uploaded .xlsx) into one congress; nothing is written unless every
    row is valid. `result.created` counts the new suggestions, `result.unchanged` those
    already in the system."""
    _require(actor, congress)
    result = ImportResult(kind="suggestions", dry_run=dry_run)
    try:
        data = read_upload(file)
        rows = plan.read_ledger(data, result)
    except RosterFileError as error:
        result.add_error(0, "", error.args[0])
        return result
    return ledger_import_rows(actor=actor, congress=congress, rows=rows, result=result,
                              checksum=hashlib.sha256(data).hexdigest())


def ledger_import_rows(*, actor: Any, congress: Congress, rows: list[tuple[int, dict[str, str]]],
                       result: ImportResult, checksum: str = "") -> ImportResult:
    """The same for rows already read: (Excel row number, {header: text})."""
    _require(actor, congress)
    result.total = len(rows)
    if not result.ok:
        return result
    with transaction.atomic():
        lookups = plan.load_lookups(congress, rows)
        plans = plan.plan_suggestions(rows, lookups, result)
        if result.ok:
            apply.match_existing(congress, plans, result)
        if not result.ok:
            return result
        new = [p for p in plans if p.existing is None]
        result.created, result.unchanged = len(new), len(plans) - len(new)
        if not result.dry_run and new:
            apply.apply(actor=actor, congress=congress, plans=new, lookups=lookups,
                        checksum=checksum)
    return result


def _require(actor: Any, congress: Congress) -> None:
    if not has_perm(actor, IMPORT_PERM, congress):
        raise PermissionDenied(_("您没有导入该人大代表建议台账的权限"))
