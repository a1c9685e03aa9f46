"""Staff screens of the intake loop: the list, one item with its actions, a unit's inbox and the
office's supervision list.

Thin adapters: every read goes through the scoped selectors (an item outside the user's scope
is a 404, never a hint that it exists) and every write through the services, which check the
state and the user's permission again under a row lock.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.access import has_perm, scope_filter
from renda.core.calendar import WorkingCalendar
from renda.core.deadlines import DeadlineRule, days_left, is_overdue, local_date
from renda.core.masking import mask_name, mask_phone
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.selectors import setting_value
from renda.opinions import attachment_views, notes, selectors, services
from renda.opinions.models import Opinion, OpinionMeeting, OpinionNote, OpinionReply
from renda.opinions.staff_forms import (
    FORMS,
    ConvertForm,
    ExtendForm,
    MeetingForm,
    OpinionNoteForm,
    StaffListFilterForm,
    TransferForm,
)
from renda.opinions.workflow import APPROVE_EXTENSION, HANDLE, OPINION

PAGE_SIZE = 20
PRIVATE = "opinions.view_opinion_private"


# Lists -----------------------------------------------------------------------------------------


def _decorate(rows: Iterable[Opinion], user: Any) -> None:
    """Give each row its deadline badge and the mobile number the user may read, in a fixed
    number of queries whatever the page's length: one calendar snapshot and one scoped query
    for the private permission."""
    rows = list(rows)
    calendar, now = WorkingCalendar(), timezone.now()
    private = set(selectors.opinion_list_for(user=user, perm=PRIVATE)
                  .filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))
    for row in rows:
        row.private_visible = row.pk in private
        row.shown_mobile = row.citizen_mobile if row.private_visible else mask_phone(
            row.citizen_mobile)
        row.shown_name = row.citizen_name if row.private_visible else mask_name(
            row.citizen_name)
        row.overdue = bool(row.due_at and row.status in Opinion.OPEN_STATES
                           and is_overdue(row.due_at, now=now))
        row.working_days_left = (
            days_left(row.due_at, now=now, calendar=calendar)
            if row.due_at and row.status in Opinion.OPEN_STATES and not row.overdue else None)


def _page(request: HttpRequest, items: QuerySet[Opinion]) -> Page:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    _decorate(page.object_list, request.user)
    return page


def _nav(user: Any) -> dict[str, bool]:
    """Which of the staff lists the user may open; the role assignments are cached on the user,
    so this costs no query once the page has read them."""
    return {"inbox": has_perm(user, HANDLE), "supervision": has_perm(user, APPROVE_EXTENSION)}


def _require_any(user: Any, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, selectors.VIEW)
    filters = StaffListFilterForm(request.GET or None)
    items = selectors.opinion_list_for(user=request.user)
    if filters.is_valid():
        if status := filters.cleaned_data["status"]:
            items = items.filter(status=status)
        if number := filters.cleaned_data["q"].strip():
            items = items.filter(tracking_number__icontains=number)
    return render(request, "opinions/staff/list.html",
                  {"filters": filters, "page_obj": _page(request, items),
                   "nav": _nav(request.user)})


@login_required
def unit_inbox(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, HANDLE)
    page = _page(request, selectors.unit_inbox(user=request.user))
    return render(request, "opinions/staff/inbox.html",
                  {"page_obj": page, "nav": _nav(request.user)})


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    # The office supervises (督办): the role that approves extensions is the one that chases.
    _require_any(request.user, APPROVE_EXTENSION)
    page = _page(request, selectors.supervision_list(user=request.user))
    return render(request, "opinions/staff/supervision.html",
                  {"page_obj": page, "nav": _nav(request.user)})


# One item --------------------------------------------------------------------------------------


def _extension_max(opinion: Opinion) -> int:
    value = setting_value(congress=opinion.congress, key="opinions.extension_max",
                          on=local_date(timezone.now()))
    return DeadlineRule.parse(value).amount


def _make_form(action: str, opinion: Opinion, data: Any = None) -> Form:
    form_class = FORMS[action]
    extra: dict[str, Any] = {}
    if form_class in (TransferForm, ConvertForm):
        extra["opinion"] = opinion
    elif form_class is ExtendForm:
        extra["maximum"] = _extension_max(opinion)
    return form_class(data, prefix=action, label_suffix="", **extra)


def _service_call(action: str, user: Any, pk: int, data: dict) -> Callable[[], Opinion]:
    """The service that carries out `action` with the form's cleaned data."""
    note = data.get("note", "")
    calls: dict[str, Callable[[], Opinion]] = {
        "transfer": lambda: services.opinion_transfer(
            actor=user, opinion_id=pk, unit_id=data["unit"].pk, note=note),
        "accept": lambda: services.opinion_accept(actor=user, opinion_id=pk, note=note),
        "return": lambda: services.opinion_return(actor=user, opinion_id=pk,
                                                  reason=data["reason"]),
        "extend": lambda: services.opinion_extend(actor=user, opinion_id=pk,
                                                  amount=data["amount"], note=note),
        "reply": lambda: services.opinion_reply(actor=user, opinion_id=pk, body=data["body"]),
        "confirm": lambda: services.opinion_confirm(actor=user, opinion_id=pk, note=note),
    }
    if action == "convert":
        # The suggestions app owns the hand-off: it concludes the item and starts the draft.
        from renda.suggestions.services.drafting import suggestion_draft_from_opinion

        return lambda: suggestion_draft_from_opinion(
            actor=user, opinion_id=pk, deputy=data["deputy"], note=note).source_opinion
    if action in ("answer_on_spot", "handle_in_station", "decline"):
        return lambda: services.opinion_triage(actor=user, opinion_id=pk, outcome=action,
                                               note=note, reason=data.get("reason", ""))
    return calls[action]


def _add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _timeline(opinion: Opinion) -> list:
    events = list(events_of(opinion))
    labels = {t.action: t.label for t in OPINION.transitions}
    labels["submit"] = _("提交民意")
    labels["note"] = _("内部备注")
    labels["meeting"] = _("三方会商")
    labels["attach"] = _("上传附件")
    labels["converted_to_suggestion"] = _("生成代表建议草稿")
    labels["reception_day"] = _("代表接待日")
    citizen_actions = {"submit", "rate", "rate_dissatisfied", "reopen"}
    for event in events:
        if event.actor is not None:
            event.actor_name = str(event.actor)
        else:
            event.actor_name = _("反映人") if event.action in citizen_actions else _("系统")
        event.label = labels.get(event.action, event.action)
        event.status_label = Opinion.Status(event.to_status).label if event.to_status else ""
    return events


def _detail_context(request: HttpRequest, opinion: Opinion,
                    failed: Form | None = None, failed_action: str = "") -> dict[str, Any]:
    user = request.user
    actions = []
    for step in OPINION.available(opinion, user):
        if step.action not in FORMS:
            continue
        form = failed if step.action == failed_action else _make_form(step.action, opinion)
        actions.append({"action": step.action, "label": step.label, "form": form})
    stale = None
    if failed is not None and failed_action in FORMS and not any(
            a["form"] is failed for a in actions):
        stale = failed
    _decorate([opinion], user)
    replies = scope_filter(user, "opinions.view_opinionreply",
                           OpinionReply.objects.filter(opinion=opinion)
                           .select_related("unit", "author"))
    return {"opinion": opinion, "events": _timeline(opinion), "replies": replies,
            "actions": actions, "stale_form": stale, **_records_context(user, opinion, failed),
            "attachment_panel": attachment_views.attachment_panel(user=user, opinion=opinion),
            "suggestions": opinion.suggestions.select_related("lead_deputy"),
            "type_label": services.opinion_types(congress=opinion.congress)
            .get(opinion.type_code, {}).get("label", opinion.type_code)}


def _records_context(user: Any, opinion: Opinion, failed: Form | None) -> dict[str, Any]:
    """Internal notes and meetings with their forms, for those who may add them."""
    note_form = meeting_form = None
    if has_perm(user, notes.NOTE, opinion):
        note_form = failed if isinstance(failed, OpinionNoteForm) else OpinionNoteForm(
            prefix="note", label_suffix="")
    if has_perm(user, notes.MEETING, opinion):
        meeting_form = failed if isinstance(failed, MeetingForm) else MeetingForm(
            prefix="meeting", label_suffix="", opinion=opinion,
            initial={"held_at": timezone.localtime().replace(second=0, microsecond=0)})
    return {
        "notes": scope_filter(user, "opinions.view_opinionnote",
                              OpinionNote.objects.filter(opinion=opinion).select_related("author")),
        "meetings": scope_filter(user, "opinions.view_opinionmeeting",
                                 OpinionMeeting.objects.filter(opinion=opinion)
                                 .select_related("recorded_by")
                                 .prefetch_related("deputies", "units")),
        "note_form": note_form, "meeting_form": meeting_form,
    }


def _record_post(request: HttpRequest, opinion: Opinion, action: str) -> HttpResponse:
    """Add a note or a meeting; on an error the page comes back with what was typed."""
    if action == "note":
        form: Form = OpinionNoteForm(request.POST, prefix="note", label_suffix="")
    else:
        form = MeetingForm(request.POST, prefix="meeting", label_suffix="", opinion=opinion)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "note":
                notes.opinion_note_add(actor=request.user, opinion_id=opinion.pk,
                                       body=data["body"])
            else:
                notes.opinion_meeting_record(actor=request.user, opinion_id=opinion.pk, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存内部备注") if action == "note"
                             else _("已记录三方会商"))
            return redirect("opinions:staff_detail", pk=opinion.pk)
    context = _detail_context(request, opinion, failed=form, failed_action=action)
    return render(request, "opinions/staff/detail.html", context, status=400)


def _get(request: HttpRequest, pk: int) -> Opinion:
    try:
        return selectors.opinion_get_for(user=request.user, pk=pk)
    except Opinion.DoesNotExist:
        raise Http404 from None


def _after_success(request: HttpRequest, pk: int) -> HttpResponse:
    # A unit that returns an item no longer sees it: back to its inbox rather than to a 404.
    if selectors.opinion_list_for(user=request.user).filter(pk=pk).exists():
        return redirect("opinions:staff_detail", pk=pk)
    return redirect("opinions:unit_inbox" if has_perm(request.user, HANDLE)
                    else "opinions:staff_list")


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = _get(request, pk)
    if request.method != "POST":
        return render(request, "opinions/staff/detail.html", _detail_context(request, opinion))
    action = request.POST.get("action", "")
    if action in ("note", "meeting"):
        if not has_perm(request.user, notes.NOTE if action == "note" else notes.MEETING,
                        opinion):
            raise PermissionDenied
        return _record_post(request, opinion, action)
    if action not in FORMS:
        return HttpResponseBadRequest(_("未知的操作"))
    form = _make_form(action, opinion, request.POST)
    status = 400
    if form.is_valid():
        try:
            _service_call(action, request.user, opinion.pk, form.cleaned_data)()
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已完成“%(action)s”") % {"action": OPINION.get(action).label})
            return _after_success(request, opinion.pk)
        opinion = _get(request, pk)
    context = _detail_context(request, opinion, failed=form, failed_action=action)
    return render(request, "opinions/staff/detail.html", context, status=status)
