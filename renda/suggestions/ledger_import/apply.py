"""Writing checked ledger plans: each suggestion in its final state with its signatures,
assignments, contact records, replies, evaluations and commitments, in bulk (a term's ledger
is thousands of rows), each model's history recorded with the importing user.

The states follow `renda.suggestions.workflow` as if each step had been taken on the dates of
the ledger: the suggestion's status is a cache of what its units' parts say (see
`suggestion_status`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from renda.core.deadlines import due_at, end_of_day, local_zone
from renda.core.models import Event
from renda.directory.models import Congress
from renda.directory.roster.common import ImportResult
from renda.suggestions.ledger_import.plan import Lookups, PartPlan, SuggestionPlan
from renda.suggestions.models import (
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Reply,
    Signature,
    Suggestion,
    SuggestionCounter,
)

CHANGE_REASON = "台账导入"
ACTION = "ledger_import"
BATCH = 500
S = Suggestion.Status
A = Assignment.Status
DISSATISFIED = Evaluation.Rating.DISSATISFIED


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A ledger's day as a moment: the office hours of that Beijing day."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=local_zone())


# Matching what the system already holds --------------------------------------------------------


def match_existing(congress: Congress, plans: list[SuggestionPlan], result: ImportResult) -> None:
    """Mark the plans whose suggestion is in the system already (same series and number); an
    error where the ledger says something else about it."""
    keys = {plan.key[1] for plan in plans}
    numbers = {plan.key[2] for plan in plans}
    stored = (Suggestion.objects.filter(congress=congress, numbering_key__in=keys,
                                        number__in=numbers)
              .prefetch_related("assignments"))
    by_key = {(s.kind, s.numbering_key, s.number): s for s in stored}
    for plan in plans:
        suggestion = by_key.get(plan.key)
        if suggestion is None:
            continue
        problem = _difference(plan, suggestion)
        if problem:
            result.add_error(plan.row, problem[0], _(
                "系统中已有该编号的建议（%(code)s），%(what)s与台账不同；台账导入不修改已有的建议，"
                "请核对编号或在系统中办理") % {"code": suggestion.code, "what": problem[1]})
        else:
            plan.existing = suggestion


def _difference(plan: SuggestionPlan, suggestion: Suggestion) -> tuple[str, str] | None:
    values = plan.values
    if suggestion.title != values["title"]:
        return "标题", _("标题")
    if suggestion.lead_deputy_id != values["lead_deputy"].pk:
        return "领衔代表", _("领衔代表")
    if suggestion.category != values["category"]:
        return "分类", _("分类")
    stored = {(a.unit_id, a.role) for a in suggestion.assignments.all()
              if a.status != A.CANCELLED}
    if stored != {(p.unit.pk, p.role) for p in plan.parts}:
        return "承办单位", _("承办单位")
    return None


# States ----------------------------------------------------------------------------------------


def part_status(part: PartPlan) -> tuple[str, int]:
    """The assignment's status and round once the ledger's steps are taken."""
    if part.role == Assignment.Role.ASSISTING:
        return (A.OPINION_SENT if part.sent_on else A.ACKNOWLEDGED), 1
    if not part.replies:
        return A.ACKNOWLEDGED, 1
    last = part.replies[-1]
    if last.rating == DISSATISFIED and last.round == 1:
        return A.REHANDLING, 2
    return A.REPLIED, last.round


def suggestion_status(parts: list[PartPlan]) -> str:
    """Registered without units; replied once every answering unit has replied in its
    current round, concluded once each of those replies is evaluated; re-handling while a
    unit re-handles and none has yet to reply; being handled otherwise."""
    answering = [p for p in parts if p.role != Assignment.Role.ASSISTING]
    if not answering:
        return S.REGISTERED
    states = [part_status(p)[0] for p in answering]
    if all(state == A.REPLIED for state in states):
        rated = all(p.replies[-1].rating for p in answering)
        return S.CLOSED if rated else S.REPLIED
    if A.REHANDLING in states and A.ACKNOWLEDGED not in states:
        return S.REHANDLING
    return S.ASSIGNED


def _submitted_on(plan: SuggestionPlan) -> datetime.date:
    values = plan.values
    if values["submitted_on"]:
        return values["submitted_on"]
    if values["session"] is not None:
        return values["session"].start_date
    days = [p.assigned_on for p in plan.parts if p.assigned_on]
    return min(days) if days else datetime.date(values["year"], 1, 1)


# Writing ---------------------------------------------------------------------------------------


def apply(*, actor: Any, congress: Congress, plans: list[SuggestionPlan], lookups: Lookups,
          checksum: str) -> None:
    history = {"default_user": actor if getattr(actor, "pk", None) else None,
               "default_change_reason": CHANGE_REASON, "batch_size": BATCH}
    suggestions = bulk_create_with_history(
        [_suggestion(congress, plan) for plan in plans], Suggestion, **history)
    signatures = []
    for plan, suggestion in zip(plans, suggestions, strict=True):
        plan.existing = suggestion
        signatures += _signatures(plan, suggestion)
    bulk_create_with_history(signatures, Signature, **history)
    parts = [(plan, part) for plan in plans for part in plan.parts]
    assignments = bulk_create_with_history(
        [_assignment(plan.existing, part, lookups) for plan, part in parts], Assignment,
        **history)
    _children(actor, parts, assignments, history)
    _events(actor, plans, checksum)
    _counters(congress, plans)


def _suggestion(congress: Congress, plan: SuggestionPlan) -> Suggestion:
    v = plan.values
    submitted = at(_submitted_on(plan), 9)
    assigned = [p.assigned_on for p in plan.parts if p.assigned_on]
    status = suggestion_status(plan.parts)
    concluded = None
    if status == S.CLOSED:
        concluded = at(max(p.replies[-1].on for p in plan.parts if p.replies), 16)
    kind, key, number = plan.key
    return Suggestion(
        congress=congress, term=v["term"], session=v["session"], kind=kind,
        series=Suggestion.Series.SESSION if v["session"] else Suggestion.Series.INTERIM,
        year=v["year"], numbering_key=key, number=number, code=v["code"], title=v["title"],
        content=v["content"], category=v["category"], lead_deputy=v["lead_deputy"],
        status=status, is_public=v["is_public"], submitted_at=submitted,
        registered_at=submitted, assigned_at=at(min(assigned)) if assigned else None,
        concluded_at=concluded)


def _signatures(plan: SuggestionPlan, suggestion: Suggestion) -> list[Signature]:
    confirmed = suggestion.submitted_at
    lead = plan.values["lead_deputy"]
    rows = [Signature(suggestion=suggestion, deputy=lead, order=0, is_lead=True,
                      confirmed_at=confirmed)]
    others = [d for d in dict.fromkeys(plan.cosigners) if d.pk != lead.pk]
    rows += [Signature(suggestion=suggestion, deputy=deputy, order=order,
                       confirmed_at=confirmed) for order, deputy in enumerate(others, start=1)]
    return rows


def _assignment(suggestion: Suggestion, part: PartPlan, lookups: Lookups) -> Assignment:
    status, round = part_status(part)
    due = end_of_day(part.due_on)
    replied = part.sent_on or (part.replies[-1].on if part.replies else None)
    if round == 2 or len(part.replies) == 2:
        # Re-handling runs from the deputy's dissatisfied evaluation of the first reply.
        due = due_at(at(part.replies[0].on), lookups.rehandle_rule)
    return Assignment(
        suggestion=suggestion, unit=part.unit, role=part.role, status=status,
        assigned_at=at(part.assigned_on), due_at=due, acknowledged_at=at(part.assigned_on, 15),
        replied_at=at(replied) if replied else None, extension_used=part.extension, round=round)


def _children(actor: Any, parts: list[tuple[SuggestionPlan, PartPlan]],
              assignments: list[Assignment], history: dict[str, Any]) -> None:
    contacts, replies, planned = [], [], []
    for (plan, part), assignment in zip(parts, assignments, strict=True):
        if part.contact is not None:
            method, on = part.contact
            contacts.append(ContactRecord(
                assignment=assignment, method=method, contacted_on=on, created_by=actor,
                participants=_("领衔代表、%(unit)s") % {"unit": part.unit.short_name
                                                       or part.unit.name},
                note=CHANGE_REASON))
        for reply in part.replies:
            replies.append(Reply(
                assignment=assignment, round=reply.round, category=reply.category,
                body=reply.body, signer=part.unit.short_name or part.unit.name,
                promised_date=reply.promised, is_public=part.public_replies, created_by=actor))
            planned.append((plan, part, reply))
    bulk_create_with_history(contacts, ContactRecord, **history)
    replies = bulk_create_with_history(replies, Reply, **history)
    for reply, (_plan, _part, step) in zip(replies, planned, strict=True):
        reply.created_at = at(step.on, 11)
    Reply.objects.bulk_update(replies, ["created_at"], batch_size=BATCH)
    _evaluations(replies, planned, history)
    _commitments(replies, planned, history)


def _evaluations(replies: list[Reply], planned: list[tuple], history: dict[str, Any]) -> None:
    rows, days = [], []
    for reply, (plan, part, step) in zip(replies, planned, strict=True):
        lead = plan.values["lead_deputy"]
        if step.rating:
            rows.append(Evaluation(reply=reply, deputy=lead, rating=step.rating,
                                   kind=Evaluation.Kind.INITIAL))
            days.append(at(step.on, 15))
        if part.follow_up and step is part.replies[-1]:
            rows.append(Evaluation(reply=reply, deputy=lead, rating=part.follow_up,
                                   kind=Evaluation.Kind.FOLLOW_UP))
            days.append(at(max(step.on, datetime.date(step.on.year, 12, 20)), 15))
    rows = bulk_create_with_history(rows, Evaluation, **history)
    for evaluation, day in zip(rows, days, strict=True):
        evaluation.created_at = day
    Evaluation.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)


def _commitments(replies: list[Reply], planned: list[tuple], history: dict[str, Any]) -> None:
    rows = []
    for reply, (_plan, part, step) in zip(replies, planned, strict=True):
        if not step.commitment or step.promised is None:
            continue
        fulfilled = step.commitment == Commitment.Status.FULFILLED
        rows.append(Commitment(reply=reply, unit=part.unit, promised_date=step.promised,
                               status=step.commitment,
                               fulfilled_at=at(step.promised, 16) if fulfilled else None))
    bulk_create_with_history(rows, Commitment, **history)


def _events(actor: Any, plans: list[SuggestionPlan], checksum: str) -> None:
    content_type = ContentType.objects.get_for_model(Suggestion)
    user = actor if getattr(actor, "pk", None) else None
    Event.objects.bulk_create([
        Event(content_type=content_type, object_id=plan.existing.pk, action=ACTION, actor=user,
              to_status=plan.existing.status, note=CHANGE_REASON,
              data={"row": plan.row, "sha256": checksum})
        for plan in plans], batch_size=BATCH)


def _counters(congress: Congress, plans: Iterable[SuggestionPlan]) -> None:
    """Registrations after the import continue after the imported numbers."""
    highest: dict[tuple[str, str], int] = defaultdict(int)
    for plan in plans:
        kind, key, number = plan.key
        highest[(kind, key)] = max(highest[(kind, key)], number)
    for (kind, key), number in highest.items():
        counter, _created = SuggestionCounter.objects.get_or_create(
            congress=congress, kind=kind, numbering_key=key)
        if counter.last < number:
            SuggestionCounter.objects.filter(Q(pk=counter.pk), Q(last__lt=number)).update(
                last=number)
