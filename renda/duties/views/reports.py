"""Pages of the duty reports (述职) and their anonymous vote.

Staff (login): the year's rounds, one round with its deputies, one report with the actions open
to the user (the deputy writes his report on the phone, the office arranges, opens and closes
the vote, and downloads the slips of codes as a PDF, once). Public: the vote page a slip's QR
code opens (no login; a code is the only key, and nothing about the voter is kept), and the
published results. Thin adapters over `renda.duties.reports`.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from renda.accounts.access import has_perm
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.duties import reports as service
from renda.duties.forms_reports import (
    AddDeputyForm,
    ArrangeForm,
    BallotsForm,
    CodeForm,
    ExcuseForm,
    RoundForm,
    TextForm,
    VoteForm,
)
from renda.duties.models import DutyReport, DutyReportRound
from renda.duties.workflow import DUTY_REPORT, MANAGE_REPORTS

R = DutyReport.Status
# A hall votes from one address when its phones share the station's Wi-Fi: the limit on all
# requests is wide; unknown codes (someone guessing) are limited hard.
VOTE_RATE = "120/m"
MISS_GROUP, MISS_RATE = "duties.report_vote.miss", "10/m"


# Rounds ----------------------------------------------------------------------------------------


@login_required
def report_rounds(request: HttpRequest) -> HttpResponse:
    """年度述职: the rounds the user may see, and a new round for those who arrange them."""
    congresses = list(service.congresses_managed(user=request.user))
    rounds = list(service.report_rounds_for(user=request.user).order_by("-year", "congress"))
    if not congresses and not rounds:
        raise PermissionDenied
    if request.method == "POST" and not congresses:
        raise PermissionDenied
    form = RoundForm(request.POST or None, congresses=congresses) if congresses else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            round = service.report_round_create(
                actor=request.user, congress=form.chosen_congress, year=data["year"],
                title=data["title"], share=form.share)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已建立%(title)s，系统已按比例提出述职代表名单，"
                                        "可以增减后安排述职") % {"title": round.title})
            return redirect("duties:report_round", pk=round.pk)
    return render(request, "duties/reports/rounds.html", {"rounds": rounds, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def report_round(request: HttpRequest, pk: int) -> HttpResponse:
    """One round: its deputies, each report's status and what can be done next."""
    round = _get(service.report_round_get_for, request, pk)
    manage = has_perm(request.user, MANAGE_REPORTS, round)
    started = service.round_started(round)
    add_form = None
    if manage and not started:
        add_form = AddDeputyForm(request.POST or None,
                                 deputies=service.deputies_addable(round=round))
    if request.method == "POST":
        if add_form is None:
            raise PermissionDenied
        if add_form.is_valid():
            try:
                report = service.report_deputy_add(actor=request.user, round_id=round.pk,
                                                   deputy_id=add_form.cleaned_data["deputy"])
            except ValidationError as error:
                _add_errors(add_form, error)
            else:
                messages.success(request, _("已增加述职代表：%(name)s") % {
                    "name": report.deputy.name})
                return redirect("duties:report_round", pk=round.pk)
    rows = [_row(request, report, manage) for report in service.reports_of_round(round=round)]
    return render(request, "duties/reports/round.html", {
        "round": round, "rows": rows, "add_form": add_form, "manage": manage,
        "started": started,
    }, status=400 if request.method == "POST" else 200)


def _row(request: HttpRequest, report: DutyReport, manage: bool) -> dict[str, Any]:
    return {
        "report": report,
        "used": service.ballots_used(report=report) if manage and report.status == R.VOTING
        else None,
        "rate": service.satisfaction_percent(report)
        if service.results_visible(user=request.user, report=report) else None,
    }


# One report ------------------------------------------------------------------------------------


# Events that move no status: what the timeline calls them.
EVENT_LABELS = {"select": gettext_lazy("列入述职名单"), "arrange": gettext_lazy("安排述职"),
                "ballots_issue": gettext_lazy("增发测评票")}
FIELD_ACTIONS = {"submit": TextForm, "submit_for": TextForm, "excuse": ExcuseForm}


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: the deputy's own page for writing it, the office's for everything else."""
    report = _get(service.report_get_for, request, pk)
    forms = _forms(request, report)
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = forms.get(action)
        if form is None:
            messages.error(request, _("当前状态下不能执行该操作，请刷新后重试"))
            return redirect("duties:report_detail", pk=pk)
        if form.is_valid() and _act(request, report, action, form):
            return redirect("duties:report_detail", pk=pk)
    return _detail_page(request, report, forms, status=400 if request.method == "POST" else 200)


def _forms(request: HttpRequest, report: DutyReport) -> dict[str, Form]:
    """The forms of the actions open to the user now; the one posted is bound."""
    posted = request.POST.get("action") if request.method == "POST" else None
    forms: dict[str, Form] = {}
    for step in DUTY_REPORT.available(report, request.user):
        if step.action == "open_vote":
            continue  # posted to report_ballots, which answers with the slips
        data = request.POST if posted == step.action else None
        form_class = FIELD_ACTIONS.get(step.action, Form)
        initial = {"text": report.text} if form_class is TextForm else None
        forms[step.action] = form_class(data, initial=initial)
    if service.may_manage(request.user, report) and report.status in (R.SELECTED, R.SUBMITTED):
        stations = list(service.stations_for(congress=report.round.congress))
        forms["arrange"] = ArrangeForm(request.POST if posted == "arrange" else None,
                                       stations=stations, initial={
                                           "audience": report.audience,
                                           "station": report.station_id,
                                           "scheduled_on": report.scheduled_on})
    return forms


def _act(request: HttpRequest, report: DutyReport, action: str, form: Form) -> bool:
    data, actor = form.cleaned_data, request.user
    try:
        if action in ("submit", "submit_for"):
            service.report_text_submit(actor=actor, report_id=report.pk, text=data["text"])
        elif action == "excuse":
            service.report_excuse(actor=actor, report_id=report.pk, reason=data["reason"])
        elif action == "arrange":
            service.report_arrange(actor=actor, report_id=report.pk,
                                   audience=data["audience"], station_id=data["station"],
                                   scheduled_on=data["scheduled_on"])
        elif action == "close_vote":
            service.report_vote_close(actor=actor, report_id=report.pk)
        elif action == "publish":
            service.report_publish(actor=actor, report_id=report.pk)
    except (ValidationError, TransitionNotAllowed, PermissionDenied) as error:
        _add_errors(form, error)
        return False
    messages.success(request, _("已完成“%(label)s”") % {"label": _label(action)})
    return True


def _label(action: str) -> str:
    if action == "arrange":
        return _("安排述职")
    return str(DUTY_REPORT.get(action).label)


def _detail_page(request: HttpRequest, report: DutyReport, forms: dict[str, Form], *,
                 ballots_form: BallotsForm | None = None, status: int = 200) -> HttpResponse:
    manage = service.may_manage(request.user, report)
    if ballots_form is None and manage and report.status in (R.SUBMITTED, R.VOTING):
        ballots_form = BallotsForm()
    visible = service.results_visible(user=request.user, report=report)
    actions = [{"action": name, "label": _label(name), "form": form}
               for name, form in forms.items() if name not in ("submit", "submit_for")]
    text_action = next((name for name in ("submit", "submit_for") if name in forms), None)
    return render(request, "duties/reports/detail.html", {
        "report": report, "manage": manage, "actions": actions,
        "text_action": text_action, "text_form": forms.get(text_action) if text_action else None,
        "ballots_form": ballots_form,
        "used": service.ballots_used(report=report) if manage else None,
        **_result(report, visible),
        "timeline": _timeline(report) if manage else [],
    }, status=status)


def _result(report: DutyReport, visible: bool) -> dict[str, Any]:
    if not visible:
        return {"rate": None, "tallies": [], "counted": ""}
    tallies = service.report_tallies(report=report)
    return {"rate": service.satisfaction_percent(report), "tallies": tallies,
            "counted": "、".join(t.label for t in tallies if t.counts)}


def _timeline(report: DutyReport) -> list[dict[str, Any]]:
    labels = {step.action: step.label for step in DUTY_REPORT.transitions}
    labels.update(EVENT_LABELS)
    return [{"created_at": event.created_at, "label": labels.get(event.action, event.action),
             "actor": event.actor, "note": event.note}
            for event in events_of(report).order_by("created_at", "id")]


@require_POST
@login_required
def report_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the vote, or issue more codes while it is open: the answer is the PDF of the slips,
    the only place the codes ever appear."""
    report = _get(service.report_get_for, request, pk)
    if not service.may_manage(request.user, report):
        raise PermissionDenied
    form = BallotsForm(request.POST)
    if form.is_valid():
        try:
            return _issue(request, report, form.cleaned_data["count"])
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as error:
            _add_errors(form, error)
    report.refresh_from_db()
    return _detail_page(request, report, _forms(request, report), ballots_form=form, status=400)


def _issue(request: HttpRequest, report: DutyReport, count: int) -> HttpResponse:
    """The codes and their PDF in one transaction: if the slips cannot be drawn, no code is
    issued and the vote does not open."""
    with transaction.atomic():
        if report.status == R.VOTING:
            report, codes = service.report_ballots_issue(actor=request.user,
                                                         report_id=report.pk, count=count)
        else:
            report, codes = service.report_vote_open(actor=request.user, report_id=report.pk,
                                                     count=count)
        pdf = service.ballot_slips_pdf(report=report, codes=codes)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = (
        f'attachment; filename="duty-report-{report.pk}-ballots-{stamp}.pdf"')
    response["Cache-Control"] = "no-store"
    return response


@login_required
def report_mine(request: HttpRequest) -> HttpResponse:
    """我的述职: the deputy's reports, this year's first."""
    if not getattr(request.user, "deputy_id", None):
        raise PermissionDenied
    reports = list(service.reports_mine(user=request.user))
    return render(request, "duties/reports/mine.html", {"reports": reports})


# Public results --------------------------------------------------------------------------------


def report_results(request: HttpRequest, year: int) -> HttpResponse:
    reports = list(service.reports_published(year=year))
    rows = [{"report": report, "rate": service.satisfaction_percent(report)}
            for report in reports]
    return render(request, "duties/reports/results.html", {
        "year": year, "rows": rows, "years": service.published_years()})


def report_public(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = service.report_published_get(pk=pk)
    except DutyReport.DoesNotExist:
        raise Http404 from None
    return render(request, "duties/reports/public.html", {"report": report,
                                                          **_result(report, True)})


# The vote --------------------------------------------------------------------------------------


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The code is in the address: a link followed or a form sent from the page carries the
    # site's origin only. ("no-referrer" would make the browser send "Origin: null" with the
    # vote, which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "strict-origin"
    return response


@never_cache
@ratelimit(key="ip", rate=VOTE_RATE, method=ratelimit.ALL, block=True)
def report_vote_entry(request: HttpRequest) -> HttpResponse:
    """For a voter who cannot scan: type the code from the slip."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = service.code_normalise(form.cleaned_data["code"])
        if code:
            return redirect("duties:report_vote", code=code)
        form.add_error("code", _("请填写测评票上的测评码"))
    return _no_referrer(render(request, "duties/reports/vote_entry.html", {"form": form}))


@never_cache
@ratelimit(key="ip", rate=VOTE_RATE, method=ratelimit.ALL, block=True)
def report_vote(request: HttpRequest, code: str) -> HttpResponse:
    """The voter's page: the deputy's report and the choices; the POST counts the vote once.
    Nothing is written but the code's `used` flag and the choice's counter (`report_vote_cast`):
    no session, no message, no address."""
    if _misses(request, increment=False):
        return render(request, "429.html", status=429)
    report, unused = service.ballot_report(code=code)
    if report is None:
        _misses(request, increment=True)
        return _refused(request, _("测评码无效，请核对测评票上的测评码"), status=404)
    if not unused:
        return _refused(request, _("这张测评票已经投过票，每张测评票只能投一次。如果您刚刚提交过，"
                                   "您的投票已经计入。"), status=409, report=report)
    if report.status != R.VOTING:
        return _refused(request, _("这场述职测评未开始或已经结束，不能投票"), status=403,
                        report=report)
    choices = [(t.choice, t.label) for t in service.report_tallies(report=report)]
    form = VoteForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            service.report_vote_cast(code=code, choice=form.cleaned_data["choice"])
        except service.VoteRefused as refusal:
            return _refused(request, refusal.message, status=refusal.status, report=report)
        return redirect("duties:report_vote_thanks", pk=report.pk)
    return _no_referrer(render(request, "duties/reports/vote.html", {
        "report": report, "form": form}, status=400 if form.is_bound else 200))


def _misses(request: HttpRequest, *, increment: bool) -> bool:
    return is_ratelimited(request, group=MISS_GROUP, key="ip", rate=MISS_RATE,
                          method=ratelimit.ALL, increment=increment)


def _refused(request: HttpRequest, message: str, *, status: int,
             report: DutyReport | None = None) -> HttpResponse:
    return _no_referrer(render(request, "duties/reports/vote_refused.html", {
        "message": message, "report": report}, status=status))


@never_cache
def report_vote_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    report = (DutyReport.objects.select_related("deputy")
              .filter(pk=pk, status__in=service.REPORTED).first())
    if report is None:
        raise Http404
    return _no_referrer(render(request, "duties/reports/vote_thanks.html", {"report": report}))


# Helpers ---------------------------------------------------------------------------------------


def _get(selector: Any, request: HttpRequest, pk: int) -> Any:
    try:
        return selector(user=request.user, pk=pk)
    except (DutyReport.DoesNotExist, DutyReportRound.DoesNotExist):
        raise Http404 from None


def _add_errors(form: Form, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error) or _("您没有权限执行该操作"))


urlpatterns = [
    path("reports/", report_rounds, name="report_rounds"),
    path("reports/mine/", report_mine, name="report_mine"),
    path("reports/rounds/<int:pk>/", report_round, name="report_round"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/ballots/", report_ballots, name="report_ballots"),
    path("reports/results/<int:year>/", report_results, name="report_results"),
    path("reports/results/report/<int:pk>/", report_public, name="report_public"),
    path("vote/", report_vote_entry, name="report_vote_entry"),
    path("vote/done/<int:pk>/", report_vote_thanks, name="report_vote_thanks"),
    path("vote/<str:code>/", report_vote, name="report_vote"),
]
