"""Screens of 交 and 办: the office's queues and one suggestion's assignment page, a unit's inbox
and one assignment's page, and the two PDFs (the assignment sheet and the reply letter).

Thin adapters: reads through the scoped selectors (anything outside the user's scope is a 404,
never a hint that it exists), writes through the services, which check state and permission
again under row locks. Each page offers one form per action the user may take now; a form
whose action went stale in the meantime comes back with what was typed.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from renda.accounts.access import has_perm
from renda.core.calendar import CalendarNotCovered
from renda.core.deadlines import DeadlineRule, days_left, is_overdue
from renda.core.models import Event
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.suggestions import forms_handling as forms
from renda.suggestions import pdf
from renda.suggestions.models import Assignment, Suggestion
from renda.suggestions.selectors import handling as selectors
from renda.suggestions.services import handling as services
from renda.suggestions.services.common import setting
from renda.suggestions.workflow import APPROVE_EXTENSION, ASSIGN, ASSIGNMENT, HANDLE, SUGGESTION

PAGE_SIZE = 20
A = Assignment.Status
R = Assignment.Role
TABS = ("registered", "requests", "missing", "assigned")


@dataclasses.dataclass
class Action:
    """One form on a page: `key` is its prefix and the POSTed "action" value."""

    key: str
    action: str
    label: str
    form: Form
    assignment: Assignment | None = None


def _require_any(user: Any, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


def _add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _label(action: str) -> str:
    labels = {"assign": SUGGESTION.get("assign").label, "add_unit": _("增加承办单位"),
              "extend": _("批准延期"), "contact": _("记录沟通情况")}
    return labels.get(action) or ASSIGNMENT.get(action).label


def _run(request: HttpRequest, form: Form, call: Callable[[dict], Any],
         label: str) -> tuple[bool, int]:
    """Validate and call the service: (done, the status to answer with otherwise)."""
    if not form.is_valid():
        return False, 400
    try:
        call(form.cleaned_data)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
        return False, 409
    except ValidationError as error:
        _add_errors(form, error)
        return False, 400
    messages.success(request, _("已完成“%(action)s”") % {"action": label})
    return True, 200


def _place(actions: list[Action], failed: Form | None, failed_key: str) -> Form | None:
    """Put the failed form back in its slot; return it when its slot is gone (stale)."""
    for item in actions:
        if item.key == failed_key and failed is not None:
            item.form = failed
            return None
    return failed


def _split_key(key: str) -> tuple[str, int | None]:
    action, _sep, pk = key.rpartition("-")
    return (action, int(pk)) if action and pk.isdigit() else (key, None)


def _decorate(rows: list[Assignment]) -> None:
    now = timezone.now()
    for row in rows:
        row.is_open = row.status in Assignment.OPEN_STATES
        row.overdue = row.is_open and is_overdue(row.due_at, now=now)
        # Reply deadlines are counted in months, so the natural days left are what matters.
        row.days_left = days_left(row.due_at, now=now, working=False) if row.is_open else None


def _file(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# The office: queues ----------------------------------------------------------------------------


@login_required
def assign_queue(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, ASSIGN)
    user, tab = request.user, request.GET.get("tab", "registered")
    tab = tab if tab in TABS else "registered"
    q = request.GET.get("q", "").replace("\x00", "").strip()[:60]
    lists = {"registered": lambda: selectors.assign_queue(user=user),
             "requests": lambda: selectors.reassign_requests(user=user),
             "missing": lambda: selectors.missing_unit_queue(user=user),
             "assigned": lambda: selectors.assigned_list(user=user, q=q)}
    page = Paginator(lists[tab](), PAGE_SIZE).get_page(request.GET.get("page"))
    if tab == "requests":
        _decorate(page.object_list)
    else:
        selectors.interim_decorate(page.object_list)
    counts = {"registered": selectors.assign_queue(user=user).count(),
              "requests": selectors.reassign_requests(user=user).count(),
              "missing": selectors.missing_unit_queue(user=user).count()}
    return render(request, "suggestions/handling/assign_queue.html",
                  {"page_obj": page, "tab": tab, "counts": counts, "q": q})


# The office: one suggestion --------------------------------------------------------------------


def _office_form(action: str, suggestion: Suggestion, assignment: Assignment | None,
                 data: Any = None) -> Form:
    key = f"{action}-{assignment.pk}" if assignment else action
    kwargs: dict[str, Any] = {"prefix": key, "label_suffix": ""}
    if action in ("assign", "add_unit", "reassign_approve"):
        kwargs["congress"] = suggestion.congress
    form_class = {"assign": forms.AssignForm, "add_unit": forms.AddUnitForm,
                  "reassign_approve": forms.ReassignApproveForm,
                  "reassign_refuse": forms.ReasonForm, "extend": forms.ExtendForm}[action]
    if action == "extend":
        kwargs["maximum"] = DeadlineRule.parse(setting(suggestion.congress,
                                                       "suggestions.extension_max"))
    return form_class(data, **kwargs)


def _office_actions(user: Any, suggestion: Suggestion,
                    assignments: list[Assignment]) -> list[Action]:
    def make(action: str, assignment: Assignment | None = None) -> Action:
        return Action(key=f"{action}-{assignment.pk}" if assignment else action, action=action,
                      label=_label(action), form=_office_form(action, suggestion, assignment),
                      assignment=assignment)

    actions = []
    if suggestion.status == Suggestion.Status.REGISTERED and has_perm(user, ASSIGN, suggestion):
        actions.append(make("assign"))
    if suggestion.status in selectors.HANDLING and has_perm(user, ASSIGN, suggestion):
        actions.append(make("add_unit"))
    for assignment in assignments:
        actions += [make(step.action, assignment)
                    for step in ASSIGNMENT.available(assignment, user)
                    if step.action in ("reassign_approve", "reassign_refuse")]
        if (assignment.status in Assignment.OPEN_STATES and not assignment.extension_used
                and has_perm(user, APPROVE_EXTENSION, assignment)):
            actions.append(make("extend", assignment))
    return actions


def _office_call(action: str, user: Any, suggestion: Suggestion,
                 assignment: Assignment | None) -> Callable[[dict], Any]:
    def pk(unit: Any) -> int | None:
        return unit.pk if unit else None

    calls: dict[str, Callable[[dict], Any]] = {
        "assign": lambda d: services.suggestion_assign(
            actor=user, suggestion_id=suggestion.pk, lead_unit_id=pk(d["lead_unit"]),
            assisting_unit_ids=[u.pk for u in d["assisting_units"]],
            separate_unit_ids=[u.pk for u in d["separate_units"]], note=d["note"]),
        "add_unit": lambda d: services.assignment_add(
            actor=user, suggestion_id=suggestion.pk, unit_id=d["unit"].pk, role=d["role"],
            note=d["note"]),
    }
    if assignment is not None:
        calls.update({
            "reassign_approve": lambda d: services.assignment_reassign_approve(
                actor=user, assignment_id=assignment.pk, new_unit_id=pk(d["new_unit"]),
                note=d["note"]),
            "reassign_refuse": lambda d: services.assignment_reassign_refuse(
                actor=user, assignment_id=assignment.pk, reason=d["reason"]),
            "extend": lambda d: services.assignment_extend(
                actor=user, assignment_id=assignment.pk, amount=d["amount"], note=d["note"]),
        })
    return calls[action]


def _event_label(action: str) -> str:
    labels = {t.action: str(t.label) for t in (*SUGGESTION.transitions, *ASSIGNMENT.transitions)}
    labels.update(assigned=_("交办"), assign_unit=_("增加承办单位"), contact=_("记录沟通情况"),
                  extend=_("批准延期"), draft=_("起草"))
    return labels.get(action, action)


def _office_context(request: HttpRequest, suggestion: Suggestion, failed: Form | None = None,
                    failed_key: str = "") -> dict[str, Any]:
    user = request.user
    assignments = selectors.suggestion_assignments(suggestion=suggestion)
    _decorate(assignments)
    actions = _office_actions(user, suggestion, assignments)
    stale = _place(actions, failed, failed_key)
    for assignment in assignments:
        assignment.actions = [item for item in actions if item.assignment is assignment]
    selectors.interim_decorate([suggestion])
    return {"suggestion": suggestion, "assignments": assignments, "actions": actions,
            "stale_form": stale, "signers": selectors.signers(suggestion=suggestion),
            "replies": selectors.replies_for(user=user, assignments=assignments),
            "opinions": selectors.suggestion_assist_opinions(user=user, suggestion=suggestion),
            "events": _suggestion_events(suggestion, assignments),
            "general": [a for a in actions if a.assignment is None]}


def _suggestion_events(suggestion: Suggestion, assignments: list[Assignment]) -> list[Event]:
    events = list(events_of(suggestion))
    for assignment in assignments:
        for event in events_of(assignment):
            event.unit_name = assignment.unit.name
            events.append(event)
    events.sort(key=lambda event: (event.created_at, event.pk))
    for event in events:
        event.label = _event_label(event.action)
    return events


def _office_get(request: HttpRequest, pk: int) -> Suggestion:
    try:
        return selectors.assign_target_get(user=request.user, pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


@login_required
def assign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _office_get(request, pk)
    template = "suggestions/handling/assign_detail.html"
    if request.method != "POST":
        return render(request, template, _office_context(request, suggestion))
    key = request.POST.get("action", "")
    action, assignment_pk = _split_key(key)
    assignment = None
    if assignment_pk is not None:
        assignment = next((a for a in suggestion.assignments.all() if a.pk == assignment_pk),
                          None)
        if assignment is None:
            raise Http404
    if action not in ("assign", "add_unit") and (
            assignment is None or action not in ("reassign_approve", "reassign_refuse",
                                                 "extend")):
        return HttpResponseBadRequest(_("未知的操作"))
    form = _office_form(action, suggestion, assignment, request.POST)
    done, status = _run(request, form, _office_call(action, request.user, suggestion,
                                                     assignment), _label(action))
    if done:
        return redirect("suggestions:assign_detail", pk=suggestion.pk)
    suggestion = _office_get(request, pk)
    return render(request, template, _office_context(request, suggestion, form, key),
                  status=status)


# Units -----------------------------------------------------------------------------------------


@login_required
def unit_inbox(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, HANDLE)
    show_all = request.GET.get("show") == "all"
    page = Paginator(selectors.unit_inbox(user=request.user, show_all=show_all),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    _decorate(page.object_list)
    return render(request, "suggestions/handling/unit_inbox.html",
                  {"page_obj": page, "show_all": show_all})


UNIT_FORMS: dict[str, type[Form]] = {
    "acknowledge": forms.NoteForm, "request_reassign": forms.ReasonForm,
    "contact": forms.ContactForm, "send_opinion": forms.OpinionForm, "reply": forms.ReplyForm,
}


def _unit_form(action: str, assignment: Assignment, data: Any = None) -> Form:
    kwargs: dict[str, Any] = {"prefix": action, "label_suffix": ""}
    if action == "reply":
        kwargs["categories"] = services.reply_categories(
            congress=assignment.suggestion.congress)
    return UNIT_FORMS[action](data, **kwargs)


def _unit_actions(user: Any, assignment: Assignment) -> list[Action]:
    if assignment.suggestion.status in services.INACTIVE:
        return []
    allowed = {step.action for step in ASSIGNMENT.available(assignment, user)}
    # The table lets both through; an assisting unit writes to the lead unit, the others reply.
    allowed.discard("reply" if assignment.role == R.ASSISTING else "send_opinion")
    if assignment.status in services.CONTACT_STATES and has_perm(user, HANDLE, assignment):
        allowed.add("contact")
    order = ["acknowledge", "contact", "reply", "send_opinion", "request_reassign"]
    return [Action(key=action, action=action, label=_label(action),
                   form=_unit_form(action, assignment))
            for action in order if action in allowed]


def _unit_call(action: str, user: Any, assignment: Assignment) -> Callable[[dict], Any]:
    pk = assignment.pk
    calls: dict[str, Callable[[dict], Any]] = {
        "acknowledge": lambda d: services.assignment_acknowledge(
            actor=user, assignment_id=pk, note=d["note"]),
        "request_reassign": lambda d: services.assignment_request_reassign(
            actor=user, assignment_id=pk, reason=d["reason"]),
        "contact": lambda d: services.contact_record_add(actor=user, assignment_id=pk, **d),
        "send_opinion": lambda d: services.assignment_send_opinion(
            actor=user, assignment_id=pk, body=d["body"]),
        "reply": lambda d: services.assignment_reply(actor=user, assignment_id=pk, **d),
    }
    return calls[action]


def _refusal(assignment: Assignment) -> Event | None:
    """The office's refusal of this unit's request, while it is the last word on it."""
    if assignment.status != A.ACKNOWLEDGED:
        return None
    last = events_of(assignment).filter(
        action__in=("request_reassign", "reassign_refuse")).order_by("-created_at", "-id").first()
    return last if last is not None and last.action == "reassign_refuse" else None


def _reassign_until(assignment: Assignment) -> Any:
    try:
        return services.reassign_deadline(assignment=assignment)
    except CalendarNotCovered:
        return None


def _unit_context(request: HttpRequest, assignment: Assignment, failed: Form | None = None,
                  failed_key: str = "") -> dict[str, Any]:
    user = request.user
    _decorate([assignment])
    actions = _unit_actions(user, assignment)
    stale = _place(actions, failed, failed_key)
    events = list(events_of(assignment))
    for event in events:
        event.label = _event_label(event.action)
    return {"assignment": assignment, "suggestion": assignment.suggestion,
            "actions": actions, "stale_form": stale, "events": events,
            "signers": selectors.signers(suggestion=assignment.suggestion),
            "co_units": selectors.co_units(assignment=assignment),
            "contacts": selectors.contacts_for(user=user, assignment=assignment),
            "replies": selectors.replies_for(user=user, assignments=[assignment]),
            "opinions": selectors.assist_opinions_for(user=user, assignment=assignment),
            "refusal": _refusal(assignment), "reassign_until": _reassign_until(assignment),
            "contact_required": setting(assignment.suggestion.congress,
                                        "suggestions.contact_required")}


def _unit_get(request: HttpRequest, pk: int) -> Assignment:
    try:
        assignment = selectors.assignment_get_for(user=request.user, pk=pk, perm=HANDLE)
    except Assignment.DoesNotExist:
        raise Http404 from None
    if assignment.status == A.CANCELLED:
        raise Http404
    return assignment


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _unit_get(request, pk)
    template = "suggestions/handling/unit_detail.html"
    if request.method != "POST":
        return render(request, template, _unit_context(request, assignment))
    action = request.POST.get("action", "")
    if action not in UNIT_FORMS:
        return HttpResponseBadRequest(_("未知的操作"))
    form = _unit_form(action, assignment, request.POST)
    done, status = _run(request, form, _unit_call(action, request.user, assignment),
                        _label(action))
    if done:
        if selectors.unit_inbox(user=request.user, show_all=True).filter(pk=pk).exists():
            return redirect("suggestions:unit_detail", pk=pk)
        return redirect("suggestions:unit_inbox")
    assignment = _unit_get(request, pk)
    return render(request, template, _unit_context(request, assignment, form, action),
                  status=status)


# PDFs ------------------------------------------------------------------------------------------


@login_required
@require_safe
def assignment_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignment sheet (交办单), for the office and every unit on the suggestion."""
    try:
        suggestion = selectors.suggestion_get_for(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    if suggestion.assigned_at is None:
        raise Http404
    body = pdf.assignment_sheet_pdf(suggestion=suggestion)
    return _file(body, f"assignment-sheet-{suggestion.pk}.pdf")


@login_required
@require_safe
def reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply letter (答复函) with its feedback form, for whoever may read the reply."""
    try:
        reply = selectors.reply_get_for(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    return _file(pdf.reply_letter_pdf(reply=reply), f"reply-letter-{reply.pk}.pdf")
