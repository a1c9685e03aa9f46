"""Writes beside the workflow: internal notes (内部备注) and multi-party meetings (三方会商).

Neither changes an item's status. Both are open to whoever holds the permission on the item in
their scope (`renda.opinions.permissions`), are kept with their history, and append an event to
the item's action log so the staff timeline shows them; the citizen's timeline shows only the
workflow's own steps, so a note's text never reaches the citizen.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.workflow import event_append
from renda.directory.models import Deputy, HandlingUnit, Mandate
from renda.opinions.models import CONTENT_MAX_LENGTH, OpinionMeeting, OpinionNote
from renda.opinions.services import _lock, _require, _text

NOTE = "opinions.add_opinionnote"
MEETING = "opinions.add_opinionmeeting"
NOTE_MAX_LENGTH = 2000
# A meeting is recorded after it was held; a few minutes of clock skew are forgiven.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)


def opinion_note_add(*, actor: Any, opinion_id: int, body: str) -> OpinionNote:
    """An internal note on the item, seen by staff in scope only."""
    body = _text(body, field="body", max_length=NOTE_MAX_LENGTH, required=True)
    with transaction.atomic():
        opinion = _lock(opinion_id)
        _require(actor, NOTE, opinion)
        note = OpinionNote(opinion=opinion, author=actor, body=body)
        note._history_user = actor
        note.save()
        event_append(target=opinion, action="note", actor=actor, data={"note": note.pk})
    return note


def _check_participants(opinion: Any, deputies: Iterable[Deputy],
                        units: Iterable[HandlingUnit]) -> tuple[list[Deputy], list[HandlingUnit]]:
    deputies, units = list(deputies), list(units)
    congress = opinion.congress
    serving = set(Mandate.objects.filter(term__congress=congress, deputy__in=deputies)
                  .values_list("deputy_id", flat=True))
    if any(deputy.pk not in serving for deputy in deputies):
        raise ValidationError({"deputies": _("只能选择本级人大的代表")})
    if any(not unit.area.path.startswith(congress.area.path) for unit in units):
        raise ValidationError({"units": _("只能选择本行政区域内的承办单位")})
    return deputies, units


def opinion_meeting_record(*, actor: Any, opinion_id: int, held_at: datetime.datetime,
                           place: str, outcome: str, citizen_attended: bool = True,
                           deputies: Iterable[Deputy] = (), units: Iterable[HandlingUnit] = (),
                           other_participants: str = "") -> OpinionMeeting:
    """Record a meeting of the citizen, deputies and departments on the item: when, where, who
    came and what was agreed. At least two parties besides the recorder must have taken part."""
    place = _text(place, field="place", max_length=200, required=True)
    outcome = _text(outcome, field="outcome", max_length=CONTENT_MAX_LENGTH, required=True)
    others = _text(other_participants, field="other_participants", max_length=500)
    if held_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"held_at": _("会商时间不能晚于现在：请在会商后记录")})
    with transaction.atomic():
        opinion = _lock(opinion_id)
        _require(actor, MEETING, opinion)
        deputies, units = _check_participants(opinion, deputies, units)
        parties = int(citizen_attended) + bool(deputies) + bool(units) + bool(others)
        if parties < 2:
            raise ValidationError(_("会商至少要有两方参加：反映人、代表、部门或其他人员"))
        meeting = OpinionMeeting(opinion=opinion, held_at=held_at, place=place, outcome=outcome,
                                 citizen_attended=citizen_attended, other_participants=others,
                                 recorded_by=actor)
        meeting._history_user = actor
        meeting.save()
        meeting.deputies.set(deputies)
        meeting.units.set(units)
        event_append(target=opinion, action="meeting", actor=actor,
                     data={"meeting": meeting.pk, "deputies": [d.pk for d in deputies],
                           "units": [u.pk for u in units]})
    return meeting
