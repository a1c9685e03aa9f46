"""Screens of 评 for the lead deputy, made for a phone: the replies waiting for his rating and,
at year end, the suggestions closed this year to rate again (二次评价).

Thin adapters: the lists come from the scoped selectors (a reply outside the deputy's own
suggestions is a 404), the ratings go through the services, which check again under the
suggestion's lock. A failed form comes back in its place with what was typed.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renda.accounts.access import has_perm
from renda.core.workflow import TransitionNotAllowed
from renda.suggestions.forms_supervision import EvaluationForm
from renda.suggestions.models import Evaluation, Suggestion
from renda.suggestions.selectors import evaluation as selectors
from renda.suggestions.services import evaluation as services
from renda.suggestions.workflow import EVALUATE

OUTCOMES = {
    Suggestion.Status.CLOSED: gettext_lazy("评价已提交，这件建议已办结。"),
    Suggestion.Status.REHANDLING: gettext_lazy(
        "评价已提交。对不满意的答复，承办单位将重新办理并再次答复。"),
}


def _require_any(user: Any) -> None:
    if not has_perm(user, EVALUATE):
        raise PermissionDenied


def _form(reply_pk: int, data: Any = None) -> EvaluationForm:
    return EvaluationForm(data, prefix=f"reply-{reply_pk}", label_suffix="")


def _attach_forms(suggestions: list[Suggestion], attr: str, failed: EvaluationForm | None,
                  failed_pk: int | None) -> None:
    for suggestion in suggestions:
        for reply in getattr(suggestion, attr):
            reply.form = failed if reply.pk == failed_pk else _form(reply.pk)


@login_required
def evaluate(request: HttpRequest, failed: EvaluationForm | None = None,
             failed_pk: int | None = None, status: int = 200) -> HttpResponse:
    _require_any(request.user)
    suggestions = selectors.evaluation_queue(user=request.user)
    _attach_forms(suggestions, "to_rate", failed, failed_pk)
    return render(request, "suggestions/evaluation/queue.html",
                  {"suggestions": suggestions}, status=status)


@login_required
def follow_up(request: HttpRequest, failed: EvaluationForm | None = None,
              failed_pk: int | None = None, status: int = 200) -> HttpResponse:
    _require_any(request.user)
    this_year = timezone.localdate().year
    # Early in January the deputy may still look back on the year just ended.
    year = this_year - 1 if request.GET.get("year") == str(this_year - 1) else this_year
    suggestions = selectors.follow_up_queue(user=request.user, year=year)
    for suggestion in suggestions:
        suggestion.to_rate = [r for r in suggestion.final
                              if Evaluation.Kind.FOLLOW_UP not in r.evaluations_by_kind]
    _attach_forms(suggestions, "to_rate", failed, failed_pk)
    return render(request, "suggestions/evaluation/follow_up.html",
                  {"suggestions": suggestions, "year": year, "this_year": this_year},
                  status=status)


def _rate(request: HttpRequest, pk: int, service: Callable[..., Evaluation],
          page: Callable[..., HttpResponse], done: str) -> HttpResponse:
    _require_any(request.user)
    try:
        reply = selectors.reply_get_for_evaluation(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    form = _form(reply.pk, request.POST)
    if not form.is_valid():
        return page(request, failed=form, failed_pk=reply.pk, status=400)
    try:
        evaluation = service(actor=request.user, reply_id=reply.pk, **form.cleaned_data)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
        return redirect(done)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return page(request, failed=form, failed_pk=reply.pk, status=400)
    status = Suggestion.objects.values_list("status", flat=True).get(
        pk=evaluation.reply.assignment.suggestion_id)
    messages.success(request, OUTCOMES.get(status, _("评价已提交。")))
    return redirect(done)


@require_POST
@login_required
def evaluate_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _rate(request, pk, services.reply_evaluate, evaluate, "suggestions:evaluate")


@require_POST
@login_required
def follow_up_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _rate(request, pk, services.reply_evaluate_follow_up, follow_up,
                 "suggestions:follow_up")
