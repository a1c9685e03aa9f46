"""Screens of 督: the office's supervision list, key suggestions (a leader's own first), one
suggestion as supervised (key supervision, meetings, third-party review), repeated
suggestions, the commitments ledger with its Excel export, and the third-party reviews.

Thin adapters: reads through the scoped selectors (anything outside the user's scope is a 404),
writes through the services, which check state and permission again under row locks. A page
offers only the forms its user may use now; a failed form comes back in place, 400.
"""

import dataclasses
import datetime
import io
import logging
from collections.abc import Callable
from typing import Any

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font

from renda.accounts.access import has_perm
from renda.core.deadlines import days_left, is_overdue, local_date
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.suggestions import forms_supervision as forms
from renda.suggestions.models import Assignment, Commitment, Reply, Suggestion, ThirdPartyReview
from renda.suggestions.selectors import supervision as selectors
from renda.suggestions.services import supervision as services
from renda.suggestions.services.common import setting
from renda.suggestions.workflow import ASSIGN, HANDLE, SUPERVISE

logger = logging.getLogger("renda.suggestions.views")

PAGE_SIZE = 30
VIEW_COMMITMENT = "suggestions.view_commitment"
VIEW_REVIEW = "suggestions.view_thirdpartyreview"


@dataclasses.dataclass
class Action:
    key: str
    label: str
    form: Form


def _require_any(user: Any, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


def _get(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except ObjectDoesNotExist:
        raise Http404 from None


def _run(request: HttpRequest, form: Form, call: Callable[[dict], Any], done: Any) -> bool:
    """Validate and call the service; False leaves the errors on the form (or a message when
    the state moved on meanwhile)."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
        return False
    except ValidationError as error:
        by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, errors in by_field.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return False
    messages.success(request, done)
    return True


def _post(request: HttpRequest, actions: list[Action],
          calls: dict[str, Callable[[dict], Any]], done: dict[str, Any]) -> HttpResponse | None:
    """Run the POSTed action: a redirect when it worked, None to render the page again (the
    failed form bound in its slot); an action the page does not offer now is refused."""
    key = request.POST.get("action", "")
    item = next((a for a in actions if a.key == key), None)
    if item is None:
        messages.error(request, _("该操作已不可用，请刷新页面后重试"))
        return redirect(request.path)
    item.form = type(item.form)(request.POST, prefix=key, label_suffix="",
                                **getattr(item.form, "extra", {}))
    if _run(request, item.form, calls[key], done[key]):
        return redirect(request.path)
    return None


def _form(form_class: type[Form], key: str, initial: dict | None = None, **extra: Any) -> Form:
    form = form_class(prefix=key, label_suffix="", initial=initial, **extra)
    form.extra = extra
    return form


def _render(request: HttpRequest, template: str, context: dict[str, Any],
            status: int = 200) -> HttpResponse:
    """The page with the tabs its user may open (the roles are cached on the user)."""
    user = request.user
    context["nav"] = {"supervise": has_perm(user, SUPERVISE),
                      "ledger": has_perm(user, VIEW_COMMITMENT),
                      "reviews": has_perm(user, VIEW_REVIEW)}
    return render(request, template, context, status=status)


def _decorate(rows: list[Assignment]) -> None:
    now = timezone.now()
    for row in rows:
        row.overdue = is_overdue(row.due_at, now=now)
        row.days_left = None if row.overdue else days_left(row.due_at, now=now, working=False)


# The supervision list and key suggestions ------------------------------------------------------


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, SUPERVISE)
    overview = selectors.supervision_overview(user=request.user)
    _decorate(overview.overdue + overview.near)
    today = local_date(timezone.now())
    for row in overview.commitments:
        row.overdue = row.promised_date < today
    return _render(request, "suggestions/supervision/list.html",
                  {"overview": overview, "tab": "list"})


@login_required
def key_list(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, SUPERVISE)
    # A leader opens on the suggestions he supervises himself; the office on all of them.
    mine = request.GET.get("show", "" if has_perm(request.user, ASSIGN) else "mine") == "mine"
    rows = list(selectors.key_supervisions_for(user=request.user, mine=mine))
    for row in rows:
        _decorate([a for a in row.suggestion.assignments.all()
                   if a.status in Assignment.OPEN_STATES])
    return _render(request, "suggestions/supervision/key_list.html",
                  {"rows": rows, "mine": mine, "tab": "key"})


@login_required
def repeats(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, SUPERVISE)
    may_flag = has_perm(request.user, ASSIGN)
    year = local_date(timezone.now()).year
    if request.method == "POST":
        if not may_flag:
            raise PermissionDenied
        count = services.suggestion_repeats_flag(actor=request.user, year=year)
        messages.success(request, _("已检查 %(year)s 年的建议，新标记重复提出 %(count)s 件")
                         % {"year": year, "count": count})
        return redirect("suggestions:repeats")
    page = Paginator(selectors.repeats_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return _render(request, "suggestions/supervision/repeats.html",
                  {"page_obj": page, "may_flag": may_flag, "year": year, "tab": "repeats"})


# One suggestion as supervised ------------------------------------------------------------------


def _detail_actions(user: Any, suggestion: Suggestion) -> list[Action]:
    actions = []
    if suggestion.status in services.SUPERVISED_STATES and has_perm(user, ASSIGN, suggestion):
        key = getattr(suggestion, "key_supervision", None)
        initial = {"reason": key.reason, "leaders": [u.pk for u in key.leaders.all()]} \
            if key else None
        actions.append(Action("key", _("修改重点督办") if key else _("列为重点督办"),
                              _form(forms.KeyForm, "key", initial,
                                    leaders=services.leaders_of(suggestion.congress))))
    if suggestion.status in services.MEETING_STATES:
        units = "、".join(a.unit.name for a in suggestion.assignments.select_related("unit")
                         .exclude(status=Assignment.Status.CANCELLED))
        initial = {"participants": _("%(deputy)s代表、%(units)s") % {
            "deputy": suggestion.lead_deputy.name, "units": units}}
        actions.append(Action("meeting", _("记录督办会议"),
                              _form(forms.MeetingForm, "meeting", initial)))
    if (suggestion.status in services.REVIEWABLE_STATES
            and has_perm(user, selectors.ASSIGN_REVIEW, suggestion)):
        actions.append(Action("review", _("委托第三方评估"), _form(
            forms.ReviewAssignForm, "review",
            evaluators=services.evaluators_of(suggestion.congress))))
    return actions


def _detail_calls(user: Any, pk: int) -> dict[str, Callable[[dict], Any]]:
    return {
        "key": lambda d: services.key_supervision_mark(
            actor=user, suggestion_id=pk, reason=d["reason"], leader_ids=d["leaders"]),
        "meeting": lambda d: services.supervision_meeting_record(actor=user, suggestion_id=pk,
                                                                 **d),
        "review": lambda d: services.review_assign(
            actor=user, suggestion_id=pk, reviewer_id=d["reviewer"], due_date=d["due_date"]),
    }


DETAIL_DONE = {"key": gettext_lazy("已保存重点督办"),
               "meeting": gettext_lazy("已记录督办会议"),
               "review": gettext_lazy("已委托第三方评估")}


@login_required
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    suggestion = _get(lambda: selectors.suggestion_get_for_supervision(user=user, pk=pk))
    actions = _detail_actions(user, suggestion)
    status = 200
    if request.method == "POST":
        response = _post(request, actions, _detail_calls(user, suggestion.pk), DETAIL_DONE)
        if response is not None:
            return response
        status = 400
    assignments = list(suggestion.assignments.select_related("unit").order_by("role", "id"))
    _decorate([a for a in assignments if a.status in Assignment.OPEN_STATES])
    meetings = selectors.meetings_of(suggestion=suggestion)
    three_party = {e.data.get("meeting") for e in events_of(suggestion).filter(
        action="meeting") if e.data.get("three_party")}
    for meeting in meetings:
        meeting.three_party = meeting.pk in three_party
    return _render(request, "suggestions/supervision/detail.html", {
        "suggestion": suggestion, "assignments": assignments, "actions": actions,
        "meetings": meetings, "replies": _replies(suggestion),
        "reviews": list(suggestion.reviews.select_related("reviewer").order_by("-id")),
        "candidates": selectors.repeat_candidates(suggestion=suggestion)[:5],
    }, status=status)


def _replies(suggestion: Suggestion) -> list[Reply]:
    labels = {item["code"]: item["label"]
              for item in setting(suggestion.congress, "suggestions.reply_categories")}
    replies = list(Reply.objects.filter(assignment__suggestion=suggestion)
                   .select_related("assignment__unit").prefetch_related("evaluations")
                   .order_by("assignment_id", "round", "id"))
    for reply in replies:
        reply.category_label = labels.get(reply.category, reply.category)
    return replies


# The commitments ledger (跨年度台账) -------------------------------------------------------------


def _ledger(request: HttpRequest) -> tuple[forms.LedgerFilterForm, Any]:
    _require_any(request.user, VIEW_COMMITMENT)
    years, units = selectors.ledger_choices(user=request.user)
    filters = forms.LedgerFilterForm(request.GET or None, years=years, units=units,
                                     label_suffix="")
    return filters, selectors.commitment_ledger(user=request.user, **filters.filters())


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    filters, rows = _ledger(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_date(timezone.now())
    for row in page.object_list:
        row.overdue = row.status != Commitment.Status.FULFILLED and row.promised_date < today
    query = request.GET.copy()
    query.pop("page", None)
    return _render(request, "suggestions/supervision/ledger.html",
                  {"filters": filters, "page_obj": page, "query": query.urlencode(),
                   "tab": "ledger"})


LEDGER_COLUMNS = ((gettext_lazy("建议编号"), 14), (gettext_lazy("建议标题"), 40),
                  (gettext_lazy("领衔代表"), 10), (gettext_lazy("承办单位"), 24),
                  (gettext_lazy("答复分类"), 10), (gettext_lazy("承诺完成时间"), 14),
                  (gettext_lazy("状态"), 12), (gettext_lazy("进展情况"), 50),
                  (gettext_lazy("兑现时间"), 18), (gettext_lazy("最后更新"), 18))


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    _filters, rows = _ledger(request)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("跨年度台账")
    sheet.append([str(header) for header, _width in LEDGER_COLUMNS])
    for index, (_header, width) in enumerate(LEDGER_COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    count = 0
    for row in rows.iterator(chunk_size=500):
        sheet.append(_ledger_row(row))
        count += 1
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever a title starts with
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
        sheet.cell(row=sheet.max_row, column=8).alignment = Alignment(wrap_text=True,
                                                                      vertical="top")
    logger.info("user %s exported %s commitments", request.user.pk, count)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    name = f"commitments-{local_date(timezone.now()):%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _ledger_row(row: Commitment) -> list[Any]:
    suggestion = row.reply.assignment.suggestion
    local = timezone.localtime
    return [suggestion.code, suggestion.title, suggestion.lead_deputy.name, row.unit.name,
            row.reply.category, row.promised_date, row.get_status_display(), row.progress,
            local(row.fulfilled_at).replace(tzinfo=None) if row.fulfilled_at else None,
            local(row.updated_at).replace(tzinfo=None)]


def _commitment_actions(user: Any, commitment: Commitment) -> list[Action]:
    if commitment.status == Commitment.Status.FULFILLED or not has_perm(user, HANDLE,
                                                                          commitment):
        return []
    return [Action("progress", _("登记进展"), _form(forms.ProgressForm, "progress")),
            Action("fulfil", _("标记已兑现"), _form(forms.FulfilForm, "fulfil")),
            Action("replan", _("调整计划"), _form(forms.ReplanForm, "replan"))]


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    commitment = _get(lambda: selectors.commitment_get_for(user=user, pk=pk))
    actions = _commitment_actions(user, commitment)
    status = 200
    if request.method == "POST":
        calls = {
            "progress": lambda d: services.commitment_progress(
                actor=user, commitment_id=pk, progress=d["progress"]),
            "fulfil": lambda d: services.commitment_fulfil(actor=user, commitment_id=pk,
                                                           progress=d["progress"]),
            "replan": lambda d: services.commitment_replan(actor=user, commitment_id=pk, **d),
        }
        done = {"progress": _("已登记进展"), "fulfil": _("已标记为已兑现"),
                "replan": _("已调整计划")}
        response = _post(request, actions, calls, done)
        if response is not None:
            return response
        status = 400
    return _render(request, "suggestions/supervision/commitment.html", {
        "commitment": commitment, "suggestion": commitment.reply.assignment.suggestion,
        "actions": actions, "events": list(events_of(commitment)), "tab": "ledger",
        "overdue": (commitment.status != Commitment.Status.FULFILLED
                    and commitment.promised_date < local_date(timezone.now())),
    }, status=status)


# Third-party reviews (第三方评估) ---------------------------------------------------------------


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, VIEW_REVIEW)
    page = Paginator(selectors.reviews_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return _render(request, "suggestions/supervision/reviews.html",
                  {"page_obj": page, "tab": "reviews",
                   "office": has_perm(request.user, selectors.ASSIGN_REVIEW)})


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    review = _get(lambda: selectors.review_get_for(user=user, pk=pk))
    criteria = setting(review.suggestion.congress, "suggestions.review_criteria")
    writable = (review.status == ThirdPartyReview.Status.ASSIGNED and review.reviewer_id == user.pk
                and has_perm(user, services.WRITE_REVIEW, review))
    form = None
    status = 200
    if writable:
        initial = {f"score_{code}": value for code, value in review.scores.items()}
        initial["conclusion"] = review.conclusion
        form = forms.ReviewReportForm(request.POST if request.method == "POST" else None,
                                      criteria=criteria, initial=initial, label_suffix="")
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        submit = "submit" in request.POST
        done = _("评估报告已提交") if submit else _("已保存草稿")
        if _run(request, form, lambda d: services.review_report_save(
                actor=user, review_id=review.pk, scores=form.scores(),
                conclusion=d["conclusion"], submit=submit), done):
            return redirect(request.path)
        status = 400
    scores = [{"label": item["label"], "max": item["max"],
               "score": review.scores.get(item["code"])} for item in criteria]
    return _render(request, "suggestions/supervision/review.html", {
        "review": review, "suggestion": review.suggestion, "form": form, "scores": scores,
        "total": sum(v for v in review.scores.values() if isinstance(v, int)),
        "replies": _replies(review.suggestion), "tab": "reviews",
    }, status=status)

