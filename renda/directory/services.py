"""Writes of the directory that go beyond plain back-office edits."""

import datetime
from typing import Any

from renda.core.workflow import workflow_apply
from renda.directory.models import Mandate
from renda.directory.workflow import MANDATE


def mandate_end(*, actor: Any, mandate_id: int, action: str, end_date: datetime.date,
                note: str = "") -> Mandate:
    """End a deputy's seat by resignation, termination or the end of the term."""
    return workflow_apply(workflow=MANDATE, pk=mandate_id, action=action, actor=actor, note=note,
                          data={"end_date": end_date.isoformat()},
                          changes={"end_date": end_date})
