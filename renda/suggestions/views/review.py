"""The office's review pages (审查/立案): the queue of submitted suggestions with filters and
bulk registration, and one suggestion with a form per review action.

Thin adapters over `selectors.review` and `services.review`. A suggestion outside the user's
scope, or one still a draft, is a 404.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renda.accounts.access import has_perm
from renda.core.workflow import TransitionNotAllowed
from renda.suggestions.forms_review import FORMS, BulkForm, ReviewFilterForm
from renda.suggestions.models import Suggestion
from renda.suggestions.selectors import drafting as drafting_selectors
from renda.suggestions.selectors import review as selectors
from renda.suggestions.services import review as services
from renda.suggestions.services.common import categories
from renda.suggestions.views.drafting import suggestion_facts
from renda.suggestions.workflow import REVIEW

PAGE_SIZE = 50


def _require_reviewer(user: Any) -> None:
    if not has_perm(user, REVIEW):
        raise PermissionDenied


def _filter_form(request: HttpRequest, data: QueryDict) -> ReviewFilterForm:
    """The queue's filters; categories are those of the user's first congress in the queue's
    scope (a clerk reviews for one congress)."""
    sessions = selectors.review_sessions(user=request.user)
    first = selectors.review_queue(user=request.user).first()
    known = categories(first.congress) if first else {}
    return ReviewFilterForm(data or None, sessions=sessions, categories=known, label_suffix="")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request.user)
    filters = _filter_form(request, request.GET)
    items = selectors.review_queue(user=request.user, **filters.filters())
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(filters.fields["category"].choices[1:])
    for row in page.object_list:
        row.category_label = labels.get(row.category, row.category)
    return render(request, "suggestions/review/queue.html", {
        "filters": filters, "page_obj": page,
        "bulk": BulkForm(initial={"scope": "selected"}, label_suffix=""),
    })


@require_POST
@login_required
def bulk_register(request: HttpRequest) -> HttpResponse:
    """Register the ticked rows, or every row the filters find; the result page lists how many
    were registered, with their numbers, and each failure with its reason."""
    _require_reviewer(request.user)
    form = BulkForm(request.POST, label_suffix="")
    if not form.is_valid():
        for error in form.non_field_errors() or [_("请先勾选要立案的建议")]:
            messages.error(request, error)
        return redirect("suggestions:review_queue")
    data = form.cleaned_data
    ids = data["ids"]
    if data["scope"] == "filtered":
        ids = _filtered_ids(request, expected=data["expected"])
        if ids is None:
            return redirect("suggestions:review_queue")
    result = services.suggestion_register_bulk(actor=request.user, suggestion_ids=ids,
                                               note=data["note"])
    return render(request, "suggestions/review/bulk_result.html",
                  {"result": result, "asked": len(ids)})


def _filtered_ids(request: HttpRequest, *, expected: int | None) -> list[int] | None:
    """Everything the posted filters find; None (with a message) when the filters are not
    valid or the list changed since the page showed its count: "all" must mean what the
    clerk saw."""
    filters = _filter_form(request, request.POST)
    if not filters.is_valid():
        messages.error(request, _("筛选条件无效，请重新筛选"))
        return None
    ids = list(selectors.review_queue(user=request.user, **filters.filters())
               .values_list("pk", flat=True))
    if expected is not None and len(ids) != expected:
        messages.error(request, _("待审查的建议有变化（现有 %(count)d 件），请核对后重新操作")
                       % {"count": len(ids)})
        return None
    return ids


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _get(request, pk)
    if request.method != "POST":
        return render(request, "suggestions/review/detail.html",
                      _detail_context(request, suggestion))
    action = request.POST.get("action", "")
    if action not in FORMS:
        return HttpResponse(_("未知的操作"), status=400)
    form = FORMS[action](request.POST, prefix=action, label_suffix="")
    status = 400
    if form.is_valid():
        try:
            done = _service_call(action, request.user, pk, form.cleaned_data)()
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _success_message(action, done))
            return redirect("suggestions:review_detail", pk=pk)
        suggestion = _get(request, pk)
    context = _detail_context(request, suggestion, failed=form, failed_action=action)
    return render(request, "suggestions/review/detail.html", context, status=status)


def _service_call(action: str, user: Any, pk: int, data: dict) -> Callable[[], Suggestion]:
    calls: dict[str, Callable[[], Suggestion]] = {
        "register": lambda: services.suggestion_register(actor=user, suggestion_id=pk,
                                                         note=data["note"]),
        "return": lambda: services.suggestion_return(actor=user, suggestion_id=pk,
                                                     reason=data["reason"]),
        "to_letter": lambda: services.suggestion_to_letter(
            actor=user, suggestion_id=pk, reason=data["reason"], note=data["note"]),
        "to_suggestion": lambda: services.suggestion_motion_to_suggestion(
            actor=user, suggestion_id=pk, reason=data["reason"]),
    }
    return calls[action]


def _success_message(action: str, suggestion: Suggestion) -> str:
    if action == "register":
        return _("已立案，编号 %(code)s") % {"code": suggestion.code}
    return {"return": _("已退回代表"), "to_letter": _("已转为来信处理"),
            "to_suggestion": _("已转为建议，可按建议立案")}[action]


def _action_label(action: str, suggestion: Suggestion) -> str:
    if action == "register":
        return (_("作为议案立案") if suggestion.kind == Suggestion.Kind.MOTION
                else _("立案"))
    return {"return": _("退回代表"), "to_letter": _("转为来信处理"),
            "to_suggestion": _("不作为议案，转为建议")}[action]


def _detail_context(request: HttpRequest, suggestion: Suggestion, *, failed: Form | None = None,
                    failed_action: str = "") -> dict[str, Any]:
    user = request.user
    actions = []
    for action in selectors.review_actions(user=user, suggestion=suggestion):
        form = (failed if action == failed_action
                else FORMS[action](prefix=action, label_suffix=""))
        actions.append({"action": action, "form": form,
                        "label": _action_label(action, suggestion)})
    stale = failed if failed is not None and not any(a["form"] is failed for a in actions) \
        else None
    return {"suggestion": suggestion, "actions": actions, "stale_form": stale,
            "signatures": drafting_selectors.signatures_of(suggestion=suggestion),
            **suggestion_facts(user, suggestion)}


def _get(request: HttpRequest, pk: int) -> Suggestion:
    try:
        return selectors.suggestion_get_for_review(user=request.user, pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


def _add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
