"""The statistics of suggestions on screen, in Excel and as the annual report (PDF), and the
office's import of an existing ledger (台账).

Thin adapters: the figures come from `renda.suggestions.stats`, the scope from
`renda.suggestions.selectors.stats` (a congress outside the user's roles is a 404, a user who
reads no suggestions a 403), the files from `renda.suggestions.report` and
`renda.suggestions.ledger_import`.
"""

import base64
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from renda.accounts.access import has_perm
from renda.directory.models import Congress
from renda.directory.roster.admin_views import xlsx_response
from renda.suggestions import ledger_import, report
from renda.suggestions.models import Suggestion
from renda.suggestions.selectors.stats import (
    StatScope,
    stat_congresses_for,
    stat_scope_for,
    stat_sessions_of,
    stat_terms_of,
)
from renda.suggestions.stats import RANKINGS, Selection, suggestion_stats

ALL = "all"
INTERIM = "interim"
GROUP_LABELS = {
    "unit": gettext_lazy("按承办单位"),
    "deputy": gettext_lazy("按代表"),
    "term": gettext_lazy("按届次"),
    "session": gettext_lazy("按会议"),
    "year": gettext_lazy("按年度"),
}
KIND_CHOICES = [(Suggestion.Kind.SUGGESTION, gettext_lazy("建议")),
                (Suggestion.Kind.MOTION, gettext_lazy("议案")), (ALL, gettext_lazy("建议和议案"))]
SESSION_KEY = "renda_ledger_upload"
IMPORT_PERM = ledger_import.IMPORT_PERM


class StatsForm(forms.Form):
    """The suggestions counted (term, year, session or closed period, kind), the table shown
    beside the totals and the ranking of the units. Every field is optional: the current term,
    all years and sessions, suggestions only, the units ranked by completion."""

    congress = forms.IntegerField(required=False, widget=forms.HiddenInput)
    term = forms.ChoiceField(label=gettext_lazy("届次"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), required=False, coerce=int,
                                  empty_value=None)
    session = forms.ChoiceField(label=gettext_lazy("会议"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=KIND_CHOICES, required=False)
    by = forms.ChoiceField(label=gettext_lazy("分组"), required=False)
    rank = forms.ChoiceField(label=gettext_lazy("单位排名依据"), required=False,
                             choices=[(k, gettext_lazy(v[1])) for k, v in RANKINGS.items()])

    def __init__(self, data: QueryDict | None = None, *, scope: StatScope,
                 congresses: list[Congress], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        congress = scope.congress
        self.terms = stat_terms_of(congress=congress)
        self.sessions = stat_sessions_of(congress=congress)
        current = congress.current_term(timezone.localdate())
        self.default_term = current or (self.terms[0] if self.terms else None)
        self.fields["term"].choices = [(str(t.pk), str(t)) for t in self.terms] + [
            (ALL, _("全部届次"))]
        self.fields["term"].initial = str(self.default_term.pk) if self.default_term else ALL
        today = timezone.localdate().year
        first = min([t.start_date.year for t in self.terms] or [today])
        years = range(today, max(first, today - 30) - 1, -1)
        self.fields["year"].choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]
        self.fields["session"].choices = [("", _("全部（大会期间和闭会期间）")),
                                          (INTERIM, _("闭会期间"))] + [
            (str(s.pk), str(s)) for s in self.sessions]
        self.fields["by"].choices = [(g, GROUP_LABELS[g]) for g in scope.groups]
        if len(congresses) > 1:
            self.fields["congress"].widget = forms.Select(
                choices=[(c.pk, str(c)) for c in congresses])
            self.fields["congress"].label = gettext_lazy("人大")

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_bound else None

    def selection(self, congress: Congress) -> Selection:
        term_key = self.value("term") or (str(self.default_term.pk) if self.default_term
                                          else ALL)
        term = next((t for t in self.terms if str(t.pk) == term_key), None)
        session_key = self.value("session") or ""
        session = next((s for s in self.sessions if str(s.pk) == session_key), None)
        kind = self.value("kind") or Suggestion.Kind.SUGGESTION
        return Selection(congress=congress, term=term, year=self.value("year"),
                         session=session, interim=session_key == INTERIM,
                         kind="" if kind == ALL else kind)

    def group(self) -> str:
        return self.value("by") or self.fields["by"].choices[0][0]

    def ranking(self) -> str:
        return self.value("rank") or "completion"


# Helpers ---------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> tuple[StatScope, list[Congress]]:
    """The congress asked for (or the user's first) and what the user reads of it; a 403 for a
    user who reads no suggestions, a 404 for a congress outside the user's roles."""
    congresses = stat_congresses_for(user=request.user)
    if not congresses:
        raise PermissionDenied
    wanted = request.GET.get("congress", "")
    congress = next((c for c in congresses if str(c.pk) == wanted), None) if wanted else (
        congresses[0])
    if congress is None:
        raise Http404
    scope = stat_scope_for(user=request.user, congress=congress)
    if scope.mode is None:
        raise PermissionDenied
    return scope, congresses


def _form(request: HttpRequest) -> tuple[StatsForm, StatScope]:
    scope, congresses = _scope(request)
    form = StatsForm(request.GET or None, scope=scope, congresses=congresses)
    return form, scope


# Statistics ------------------------------------------------------------------------------------


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    form, scope = _form(request)
    context: dict[str, Any] = {"form": form, "scope": scope, "congress": scope.congress}
    if form.is_bound and not form.is_valid():
        return render(request, "suggestions/stats/page.html", context, status=400)
    result = suggestion_stats(selection=form.selection(scope.congress),
                              restriction=scope.restriction, group=form.group(),
                              ranking=form.ranking())
    context.update(
        report=result, chart_data=result.chart_data(), group=form.group(),
        counts=report.counts_of(result.totals), rates=report.rates_of(result.totals),
        definitions=report.definitions_of(result.definitions),
        group_tabs=[(g, GROUP_LABELS[g]) for g in scope.groups],
        ranking_tabs=[(k, _(v[1])) for k, v in RANKINGS.items()],
        can_import=has_perm(request.user, IMPORT_PERM, scope.congress),
        report_years=_report_years(form))
    return render(request, "suggestions/stats/page.html", context)


def _report_years(form: StatsForm) -> list[tuple[int, str]]:
    return [(y, label) for y, label in form.fields["year"].choices if y != ""]


@login_required
def stats_export(request: HttpRequest) -> HttpResponse:
    form, scope = _form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "suggestions/stats/page.html",
                      {"form": form, "scope": scope, "congress": scope.congress}, status=400)
    selection = form.selection(scope.congress)
    data = report.stats_workbook(actor=request.user, scope=scope, selection=selection,
                                 ranking=form.ranking())
    stamp = timezone.localdate().isoformat()
    return xlsx_response(data, f"{scope.congress}-{_('代表建议统计')}-{stamp}.xlsx")


@login_required
def annual_report(request: HttpRequest) -> HttpResponse:
    """The annual report of one congress and year: for those who read the whole congress."""
    scope, _congresses = _scope(request)
    if scope.mode != "congress":
        raise PermissionDenied
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    data = report.annual_report_pdf(actor=request.user, congress=scope.congress, year=year,
                                    request=request)
    response = HttpResponse(data, content_type="application/pdf")
    title = _("%(year)s年度代表建议办理情况报告") % {"year": year}
    filename = f"{scope.congress}-{title}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


# The ledger import -----------------------------------------------------------------------------


class LedgerForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("台账文件（.xlsx，不超过 5 MB）"))


def _import_congress(request: HttpRequest) -> Congress:
    """The congress whose ledger the user may import: the one asked for, or the first."""
    congresses = [c for c in stat_congresses_for(user=request.user)
                  if has_perm(request.user, IMPORT_PERM, c)]
    if not congresses:
        raise PermissionDenied
    wanted = request.GET.get("congress") or request.POST.get("congress") or ""
    congress = next((c for c in congresses if str(c.pk) == wanted), None) if wanted else (
        congresses[0])
    if congress is None:
        raise Http404
    return congress


@login_required
@ratelimit(key="user", rate="20/m", method="POST", block=True)
def ledger_upload(request: HttpRequest) -> HttpResponse:
    """Upload → a dry run lists every error row by row, or what would be created → the user
    confirms and the same file, kept in the session meanwhile, is imported for real."""
    congress = _import_congress(request)
    form = LedgerForm(request.POST or None, request.FILES or None, label_suffix="")
    context: dict[str, Any] = {"form": form, "congress": congress}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = ledger_import.ledger_import(actor=request.user, congress=congress, file=upload,
                                             dry_run=True)
        context.update(result=result, token=_stash(request, congress, upload) if result.ok
                       else "")
    return render(request, "suggestions/stats/ledger.html", context)


@login_required
@require_POST
@ratelimit(key="user", rate="20/m", method="POST", block=True)
def ledger_confirm(request: HttpRequest) -> HttpResponse:
    congress = _import_congress(request)
    stashed = _unstash(request, congress)
    if stashed is None:
        messages.error(request, _("上传的文件已失效，请重新上传"))
        return redirect(f"{reverse('suggestions:ledger_import')}?congress={congress.pk}")
    result = ledger_import.ledger_import(actor=request.user, congress=congress, file=stashed,
                                         dry_run=False)
    if not result.ok:
        return render(request, "suggestions/stats/ledger.html",
                      {"form": LedgerForm(label_suffix=""), "congress": congress,
                       "result": result})
    messages.success(request, _("导入完成：新增建议 %(created)s 件，已有 %(unchanged)s 件未变")
                     % {"created": result.created, "unchanged": result.unchanged})
    return redirect(f"{reverse('suggestions:stats')}?congress={congress.pk}")


@login_required
def ledger_template(request: HttpRequest) -> HttpResponse:
    _import_congress(request)
    return xlsx_response(ledger_import.ledger_template(), f"{_('代表建议台账模板')}.xlsx")


def _stash(request: HttpRequest, congress: Congress, upload: Any) -> str:
    upload.seek(0)
    data = upload.read(ledger_import.MAX_UPLOAD_BYTES + 1)
    token = hashlib.sha256(data).hexdigest()[:32]
    request.session[SESSION_KEY] = {"congress": congress.pk, "name": upload.name,
                                    "token": token,
                                    "data": base64.b64encode(data).decode("ascii")}
    return token


def _unstash(request: HttpRequest, congress: Congress) -> SimpleUploadedFile | None:
    stash = request.session.pop(SESSION_KEY, None)
    if (not stash or stash["congress"] != congress.pk
            or stash["token"] != request.POST.get("token")):
        return None
    return SimpleUploadedFile(stash["name"], base64.b64decode(stash["data"]))
