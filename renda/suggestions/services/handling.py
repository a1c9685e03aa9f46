"""交 and 办: the office assigns a registered suggestion to units, and the units handle it.

The office assigns one lead unit (主办) with any assisting units (协办), or several units that
answer separately (分办); each gets an `Assignment` with its own deadline. A unit acknowledges,
may ask for re-assignment within the window, records its contacts with the deputies, and
replies (lead and separate units) or sends its written view to the lead unit (assisting units).
When every lead or separate unit has replied, the suggestion moves to REPLIED by itself.

Lock order, everywhere in this module: the suggestion, then its assignment. Two units filing
the last two replies at once therefore queue on the suggestion, and exactly one of them sees
that all replies are in.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.calendar import CalendarNotCovered
from renda.core.deadlines import DeadlineRule, due_at, is_overdue, local_date
from renda.core.workflow import TransitionNotAllowed, Workflow, event_append, workflow_move
from renda.directory.models import Congress, HandlingUnit
from renda.suggestions.models import (
    CONTENT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Assignment,
    AssistOpinion,
    Commitment,
    ContactRecord,
    Reply,
    Suggestion,
)
from renda.suggestions.selectors.handling import interim_assign_deadline, rule_text
from renda.suggestions.services.common import require, setting, text
from renda.suggestions.workflow import APPROVE_EXTENSION, ASSIGN, ASSIGNMENT, HANDLE, SUGGESTION

S = Suggestion.Status
A = Assignment.Status
R = Assignment.Role
# The units whose replies the deputy evaluates; assisting units write to the lead unit instead.
ANSWERING = (R.LEAD, R.SEPARATE)
# Units no longer act on a suggestion its deputy withdrew or that is concluded.
INACTIVE = (S.WITHDRAWN, S.CLOSED)
CONTACT_STATES = (A.ACKNOWLEDGED, A.REHANDLING)
NOTE_MAX_LENGTH = 1000
# A new deadline deserves a new reminder and, if missed, a new escalation.
FRESH_SUPERVISION = {"reminded_at": None, "escalated_at": None}


# Helpers ---------------------------------------------------------------------------------------


def _rule(congress: Congress, key: str) -> DeadlineRule:
    return DeadlineRule.parse(setting(congress, key))


def _ensure(workflow: Workflow, obj: Any, action: str) -> None:
    """The state check of `workflow_move`, made before the business checks so that a stale
    page hears "refresh" rather than a complaint about its input."""
    step = workflow.get(action)
    if workflow.status_of(obj) not in step.sources:
        raise TransitionNotAllowed(
            _("当前状态下不能执行“%(action)s”，记录可能已被他人处理，请刷新后重试")
            % {"action": step.label})


def _lock_suggestion(suggestion_id: int) -> Suggestion:
    return (Suggestion.objects.select_for_update(of=("self",))
            .select_related("congress__area").get(pk=suggestion_id))


def _lock_assignment(assignment_id: int) -> Assignment:
    """The assignment and its suggestion, both locked, the suggestion first."""
    suggestion_id = Assignment.objects.values_list("suggestion_id", flat=True).get(
        pk=assignment_id)
    suggestion = _lock_suggestion(suggestion_id)
    assignment = (Assignment.objects.select_for_update(of=("self",)).select_related("unit")
                  .get(pk=assignment_id))
    assignment.suggestion = suggestion
    return assignment


def _unit_action(actor: Any, assignment_id: int, action: str = "") -> Assignment:
    """Lock, check the unit's permission, the suggestion's state and the action's source."""
    assignment = _lock_assignment(assignment_id)
    require(actor, HANDLE, assignment)
    if assignment.suggestion.status in INACTIVE:
        raise TransitionNotAllowed(_("该建议已撤回或已办结，不能再办理"))
    if action:
        _ensure(ASSIGNMENT, assignment, action)
    return assignment


def _save(obj: Any, actor: Any) -> None:
    if getattr(actor, "pk", None):
        obj._history_user = actor  # django-simple-history's author outside a request
    obj.save()


# Assignment (交办) ------------------------------------------------------------------------------


def _plan(lead_unit_id: int | None, assisting_unit_ids: Iterable[int],
          separate_unit_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(unit id, role) pairs: one lead with assisting units, or two or more separate units."""
    assisting = list(dict.fromkeys(int(pk) for pk in assisting_unit_ids))
    separate = list(dict.fromkeys(int(pk) for pk in separate_unit_ids))
    if lead_unit_id and separate:
        raise ValidationError({"separate_units": _(
            "主办和分办只能选一种：设主办单位的，其他单位请作为协办单位")})
    if not lead_unit_id and not separate:
        raise ValidationError({"lead_unit": _("请选择主办单位，或选择分别办理的单位")})
    if separate and assisting:
        raise ValidationError({"assisting_units": _("分办的建议不设协办单位")})
    if separate and len(separate) < 2:
        raise ValidationError({"separate_units": _(
            "分办须选择两个以上单位；只交一个单位的，请选为主办单位")})
    plan = [(int(lead_unit_id), R.LEAD)] if lead_unit_id else []
    plan += [(pk, R.ASSISTING) for pk in assisting] + [(pk, R.SEPARATE) for pk in separate]
    if len({pk for pk, _role in plan}) != len(plan):
        raise ValidationError({"assisting_units": _("主办单位不能同时是协办单位")})
    return plan


def _units(congress: Congress, ids: list[int]) -> list[HandlingUnit]:
    """The units in the order asked, each active and within the congress's area."""
    found = HandlingUnit.objects.select_related("area").in_bulk(ids)
    for pk in ids:
        unit = found.get(pk)
        if unit is None or not unit.is_active or not unit.area.path.startswith(
                congress.area.path):
            raise ValidationError({"lead_unit": _("只能交办给本行政区域内在用的承办单位")})
    return [found[pk] for pk in ids]


def _assignment_create(*, actor: Any, suggestion: Suggestion, unit: HandlingUnit, role: str,
                       now: datetime.datetime, note: str = "") -> Assignment:
    key = "suggestions.assist_deadline" if role == R.ASSISTING else "suggestions.reply_deadline"
    assignment = Assignment(suggestion=suggestion, unit=unit, role=role, assigned_at=now,
                            due_at=due_at(now, _rule(suggestion.congress, key)))
    _save(assignment, actor)
    event_append(target=assignment, action="assigned", actor=actor, to_status=A.ASSIGNED,
                 note=note, data={"unit": unit.pk, "role": role,
                                  "due_at": assignment.due_at.isoformat()})
    return assignment


def _interim_data(suggestion: Suggestion, now: datetime.datetime) -> dict[str, Any]:
    """Whether a closed-period suggestion was assigned within the rule's working days of
    receipt, kept with the event so that reports need not count working days again."""
    try:
        deadline = interim_assign_deadline(suggestion=suggestion)
    except CalendarNotCovered:
        return {}
    if deadline is None:
        return {}
    return {"interim_deadline": deadline.isoformat(),
            "interim_on_time": local_date(now) <= deadline}


def suggestion_assign(*, actor: Any, suggestion_id: int, lead_unit_id: int | None = None,
                      assisting_unit_ids: Iterable[int] = (),
                      separate_unit_ids: Iterable[int] = (), note: str = "") -> Suggestion:
    """Assign a registered suggestion (交办): a lead unit and any assisting units, or two or
    more units answering separately. Deadlines run from now: the reply deadline for the lead
    and separate units, the assisting deadline for assisting units."""
    plan = _plan(lead_unit_id, assisting_unit_ids, separate_unit_ids)
    note = text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        suggestion = _lock_suggestion(suggestion_id)
        require(actor, ASSIGN, suggestion)
        _ensure(SUGGESTION, suggestion, "assign")
        units = _units(suggestion.congress, [pk for pk, _role in plan])
        now = timezone.now()
        for unit, (_pk, role) in zip(units, plan, strict=True):
            _assignment_create(actor=actor, suggestion=suggestion, unit=unit, role=role,
                               now=now, note=note)
        data = {"units": [{"unit": pk, "role": role} for pk, role in plan],
                **_interim_data(suggestion, now)}
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="assign", actor=actor,
                             check_permission=False, note=note, data=data,
                             changes={"assigned_at": now})


def _check_role_fits(suggestion: Suggestion, unit: HandlingUnit, role: str) -> None:
    active = suggestion.assignments.exclude(status=A.CANCELLED)
    if active.filter(unit=unit).exists():
        raise ValidationError({"unit": _("该单位已在承办本件建议")})
    roles = set(active.values_list("role", flat=True))
    if role == R.LEAD and roles & {R.LEAD, R.SEPARATE}:
        raise ValidationError({"role": _("本件建议已有主办单位或分办单位，不能再设主办单位")})
    if role == R.SEPARATE and roles & {R.LEAD, R.ASSISTING}:
        raise ValidationError({"role": _("本件建议设有主办或协办单位，请增加主办单位或协办单位")})
    if role == R.ASSISTING and R.SEPARATE in roles:
        raise ValidationError({"role": _("分办的建议不设协办单位")})


def _assignment_add(*, actor: Any, suggestion: Suggestion, unit_id: int, role: str,
                    note: str) -> Assignment:
    if role not in R.values:
        raise ValidationError({"role": _("请选择承办方式")})
    if suggestion.status not in (S.ASSIGNED, S.REHANDLING):
        raise TransitionNotAllowed(_("只有办理中的建议可以增加承办单位"))
    [unit] = _units(suggestion.congress, [int(unit_id)])
    _check_role_fits(suggestion, unit, role)
    assignment = _assignment_create(actor=actor, suggestion=suggestion, unit=unit, role=role,
                                    now=timezone.now(), note=note)
    event_append(target=suggestion, action="assign_unit", actor=actor, note=note,
                 data={"unit": unit.pk, "role": role, "assignment": assignment.pk})
    return assignment


def assignment_add(*, actor: Any, suggestion_id: int, unit_id: int, role: str,
                   note: str = "") -> Assignment:
    """One more unit on a suggestion being handled: the replacement for a unit whose request
    for re-assignment was approved, or a unit the office adds later. Its deadline runs from
    now."""
    note = text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        suggestion = _lock_suggestion(suggestion_id)
        require(actor, ASSIGN, suggestion)
        return _assignment_add(actor=actor, suggestion=suggestion, unit_id=unit_id, role=role,
                               note=note)


# Re-assignment (申请调整) -----------------------------------------------------------------------


def reassign_deadline(*, assignment: Assignment) -> datetime.datetime:
    """The end of the window in which a unit may ask for re-assignment (working days)."""
    rule = _rule(assignment.suggestion.congress, "suggestions.reassign_window")
    return due_at(assignment.assigned_at, rule)


def assignment_request_reassign(*, actor: Any, assignment_id: int, reason: str) -> Assignment:
    """A unit that thinks the suggestion is not its business asks the office to re-assign it,
    within `suggestions.reassign_window` of the assignment; it may not pass it on itself."""
    reason = text(reason, field="reason", max_length=NOTE_MAX_LENGTH, required=True)
    with transaction.atomic():
        assignment = _unit_action(actor, assignment_id, "request_reassign")
        try:
            deadline = reassign_deadline(assignment=assignment)
        except CalendarNotCovered as error:
            raise ValidationError(str(error)) from None
        if is_overdue(deadline):
            rule = _rule(assignment.suggestion.congress, "suggestions.reassign_window")
            raise ValidationError(_(
                "已超过申请调整交办的时限（交办后 %(rule)s内，截至 %(date)s），不能再申请调整，"
                "请继续办理；确有困难的，请与人大机关联系")
                % {"rule": rule_text(rule), "date": local_date(deadline).isoformat()})
        return workflow_move(workflow=ASSIGNMENT, obj=assignment, action="request_reassign",
                             actor=actor, check_permission=False, note=reason,
                             data={"window_until": deadline.isoformat()},
                             changes={"reassign_reason": reason})


def assignment_reassign_approve(*, actor: Any, assignment_id: int,
                                new_unit_id: int | None = None, note: str = "") -> Assignment:
    """The office agrees: the assignment is cancelled and, when `new_unit_id` is given, that
    unit takes the same role with a fresh deadline, in the same transaction. Without one the
    office assigns another unit later (`assignment_add`)."""
    note = text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        require(actor, ASSIGN, assignment)
        _ensure(ASSIGNMENT, assignment, "reassign_approve")
        if new_unit_id and int(new_unit_id) == assignment.unit_id:
            raise ValidationError({"new_unit": _("请选择另一个承办单位")})
        workflow_move(workflow=ASSIGNMENT, obj=assignment, action="reassign_approve",
                      actor=actor, check_permission=False, note=note,
                      data={"new_unit": int(new_unit_id) if new_unit_id else None},
                      changes=FRESH_SUPERVISION)
        suggestion = assignment.suggestion
        if new_unit_id:
            _assignment_add(actor=actor, suggestion=suggestion, unit_id=new_unit_id,
                            role=assignment.role, note=note)
        else:
            _replied_if_complete(actor, suggestion)
        return assignment


def assignment_reassign_refuse(*, actor: Any, assignment_id: int, reason: str) -> Assignment:
    """The office disagrees: the unit goes on handling it; the reason is the event's note."""
    reason = text(reason, field="reason", max_length=NOTE_MAX_LENGTH, required=True)
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        require(actor, ASSIGN, assignment)
        return workflow_move(workflow=ASSIGNMENT, obj=assignment, action="reassign_refuse",
                             actor=actor, check_permission=False, note=reason)


# Handling (办) ----------------------------------------------------------------------------------


def assignment_acknowledge(*, actor: Any, assignment_id: int, note: str = "") -> Assignment:
    """The unit signs for the assignment (签收)."""
    note = text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        assignment = _unit_action(actor, assignment_id, "acknowledge")
        return workflow_move(workflow=ASSIGNMENT, obj=assignment, action="acknowledge",
                             actor=actor, check_permission=False, note=note,
                             changes={"acknowledged_at": timezone.now()})


def contact_record_add(*, actor: Any, assignment_id: int, method: str,
                       contacted_on: datetime.date, participants: str,
                       note: str) -> ContactRecord:
    """The unit's contact with the deputies (沟通): how, on which day, who took part."""
    if method not in ContactRecord.Method.values:
        raise ValidationError({"method": _("请选择沟通方式")})
    if not isinstance(contacted_on, datetime.date) or contacted_on > local_date(timezone.now()):
        raise ValidationError({"contacted_on": _("沟通日期不能晚于今天")})
    participants = text(participants, field="participants", max_length=500, required=True)
    note = text(note, field="note", max_length=TEXT_MAX_LENGTH, required=True)
    with transaction.atomic():
        assignment = _unit_action(actor, assignment_id)
        if assignment.status not in CONTACT_STATES:
            raise TransitionNotAllowed(_("签收后、答复前才能记录沟通情况"))
        record = ContactRecord(assignment=assignment, method=method, contacted_on=contacted_on,
                               participants=participants, note=note, created_by=actor)
        _save(record, actor)
        event_append(target=assignment, action="contact", actor=actor,
                     data={"contact": record.pk, "method": method,
                           "contacted_on": contacted_on.isoformat()})
    return record


def assignment_send_opinion(*, actor: Any, assignment_id: int, body: str) -> AssistOpinion:
    """An assisting unit's written view, sent to the lead unit (协办意见); `replied_at` records
    when, for the assisting deadline."""
    body = text(body, field="body", max_length=TEXT_MAX_LENGTH, required=True)
    with transaction.atomic():
        assignment = _unit_action(actor, assignment_id)
        if assignment.role != R.ASSISTING:
            raise ValidationError(_("只有协办单位送协办意见；主办和分办单位请直接答复代表"))
        _ensure(ASSIGNMENT, assignment, "send_opinion")
        opinion = AssistOpinion(assignment=assignment, body=body, created_by=actor)
        _save(opinion, actor)
        workflow_move(workflow=ASSIGNMENT, obj=assignment, action="send_opinion", actor=actor,
                      check_permission=False, data={"opinion": opinion.pk},
                      changes={"replied_at": timezone.now()})
    return opinion


def reply_categories(*, congress: Congress) -> dict[str, dict]:
    """The congress's reply categories in force today, by code."""
    return {item["code"]: item for item in setting(congress, "suggestions.reply_categories")}


def _promised(kind: dict, promised_date: datetime.date | None) -> datetime.date | None:
    """The promised date a promise category needs; other categories keep none."""
    if not kind.get("promise"):
        return None
    if promised_date is None:
        raise ValidationError({"promised_date": _("“%(label)s”须写明承诺完成时间")
                               % {"label": kind.get("label", kind["code"])}})
    if promised_date < local_date(timezone.now()):
        raise ValidationError({"promised_date": _("承诺完成时间不能早于今天")})
    return promised_date


def _check_contact(assignment: Assignment) -> None:
    if setting(assignment.suggestion.congress, "suggestions.contact_required") and (
            not assignment.contacts.exists()):
        raise ValidationError(_(
            "答复前须先与代表沟通：请先在“沟通记录”中记下沟通方式、日期和参加人员，再提交答复"))


def _clean_reply(*, body: str, signer: str, contact_person: str, contact_phone: str,
                 letter_number: str) -> dict[str, str]:
    return {
        "body": text(body, field="body", max_length=CONTENT_MAX_LENGTH, required=True),
        "signer": text(signer, field="signer", max_length=40, required=True),
        "contact_person": text(contact_person, field="contact_person", max_length=40),
        "contact_phone": text(contact_phone, field="contact_phone", max_length=20),
        "letter_number": text(letter_number, field="letter_number", max_length=60),
    }


def assignment_reply(*, actor: Any, assignment_id: int, category: str, body: str, signer: str,
                     promised_date: datetime.date | None = None, is_public: bool = True,
                     contact_person: str = "", contact_phone: str = "",
                     letter_number: str = "") -> Reply:
    """A lead or separate unit's written reply in the assignment's current round. A category
    marked `promise` needs a promised date and opens a `Commitment`; with
    `suggestions.contact_required` a contact record must exist first. The last reply moves
    the suggestion to REPLIED."""
    fields = _clean_reply(body=body, signer=signer, contact_person=contact_person,
                          contact_phone=contact_phone, letter_number=letter_number)
    with transaction.atomic():
        assignment = _unit_action(actor, assignment_id)
        if assignment.role not in ANSWERING:
            raise ValidationError(_("协办单位不直接答复代表，请把协办意见送主办单位"))
        _ensure(ASSIGNMENT, assignment, "reply")
        kind = reply_categories(congress=assignment.suggestion.congress).get(category)
        if kind is None:
            raise ValidationError({"category": _("请选择答复分类")})
        promised = _promised(kind, promised_date)
        _check_contact(assignment)
        reply = Reply(assignment=assignment, round=assignment.round, category=category,
                      promised_date=promised, is_public=bool(is_public), created_by=actor,
                      **fields)
        _save(reply, actor)
        data: dict[str, Any] = {"reply": reply.pk, "category": category}
        if promised is not None:
            commitment = Commitment(reply=reply, unit=assignment.unit, promised_date=promised)
            _save(commitment, actor)
            data.update(commitment=commitment.pk, promised_date=promised.isoformat())
        workflow_move(workflow=ASSIGNMENT, obj=assignment, action="reply", actor=actor,
                      check_permission=False, data=data, changes={"replied_at": timezone.now()})
        _replied_if_complete(actor, assignment.suggestion)
    return reply


def _replied_if_complete(actor: Any, suggestion: Suggestion) -> None:
    """Move the (locked) suggestion to REPLIED once every lead or separate unit still on it
    has replied; cancelled assignments do not count, and at least one must remain."""
    if suggestion.status not in SUGGESTION.get("replied").sources:
        return
    states = list(suggestion.assignments.filter(role__in=ANSWERING)
                  .exclude(status=A.CANCELLED).values_list("status", flat=True))
    if states and all(state == A.REPLIED for state in states):
        workflow_move(workflow=SUGGESTION, obj=suggestion, action="replied", actor=actor,
                      check_permission=False, data={"replies": len(states)})


# Extension (延期) -------------------------------------------------------------------------------


def assignment_extend(*, actor: Any, assignment_id: int, amount: int | None = None,
                      note: str = "") -> Assignment:
    """The office approves the one extension an assignment may have, of at most
    `suggestions.extension_max` counted from the current deadline. The state does not change;
    an "extend" event records the old and the new deadline."""
    note = text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        assignment = _lock_assignment(assignment_id)
        require(actor, APPROVE_EXTENSION, assignment)
        if assignment.status not in Assignment.OPEN_STATES:
            raise TransitionNotAllowed(_("只有尚未答复的交办可以延期"))
        if assignment.extension_used:
            raise TransitionNotAllowed(_("每个承办单位的答复期限只能延期一次"))
        maximum = _rule(assignment.suggestion.congress, "suggestions.extension_max")
        amount = maximum.amount if amount is None else int(amount)
        if not 0 < amount <= maximum.amount:
            raise ValidationError({"amount": _("延期最长 %(max)s") % {"max": rule_text(maximum)}})
        before = assignment.due_at
        assignment.due_at = due_at(before, DeadlineRule(amount, maximum.unit))
        assignment.extension_used = True
        for field, value in FRESH_SUPERVISION.items():
            setattr(assignment, field, value)
        if getattr(actor, "pk", None):
            assignment._history_user = actor
        assignment.save(update_fields=["due_at", "extension_used", *FRESH_SUPERVISION,
                                       "updated_at"])
        event_append(target=assignment, action="extend", actor=actor, note=note,
                     data={"from": before.isoformat(), "to": assignment.due_at.isoformat(),
                           "amount": amount, "unit": str(maximum.unit)})
        return assignment
