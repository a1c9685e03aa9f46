"""Statistics and registers of citizens' opinions: the three rates with their definitions and
the charts, one object's rates on its own, and each station's registers on screen and in Excel.

Thin adapters over `renda.opinions.stats` and `renda.opinions.registers`, which read through
the permission layer: a congress, station, unit or deputy outside the user's scope is a 404.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.deadlines import DeadlineRule, Unit
from renda.directory.models import Congress
from renda.directory.reception import upcoming_reception_days
from renda.directory.roster.admin_views import xlsx_response
from renda.opinions import registers, stats
from renda.opinions.models import Opinion
from renda.opinions.stats import MAX_CUSTOM_DAYS, Period, PeriodKind, StatScope

REGISTER_PAGE_SIZE = 50
FOCUS_KINDS = ("station", "unit", "deputy")


def _months() -> list[tuple[int, str]]:
    return [(m, _("%(month)s月") % {"month": m}) for m in range(1, 13)]


def _quarters() -> list[tuple[int, str]]:
    return [(q, _("第%(quarter)s季度") % {"quarter": q}) for q in range(1, 5)]


# Forms -----------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """A month, a quarter, a year or a range of days; a month is the default (Beijing's
    接诉即办 ranks monthly). Every field is optional: what is missing is taken from today."""

    congress = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=gettext_lazy("统计周期"), choices=PeriodKind.choices,
                               required=False)
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=2000, max_value=2100,
                              required=False)
    month = forms.TypedChoiceField(label=gettext_lazy("月份"), choices=_months, coerce=int,
                                   required=False, empty_value=None)
    quarter = forms.TypedChoiceField(label=gettext_lazy("季度"), choices=_quarters, coerce=int,
                                     required=False, empty_value=None)
    start = forms.DateField(label=gettext_lazy("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: QueryDict | None = None, *, congresses: list[Congress],
                 **kwargs: Any) -> None:
        today = timezone.localdate()
        defaults = {"period": PeriodKind.MONTH, "year": today.year, "month": today.month,
                    "quarter": (today.month + 2) // 3}
        if data is not None:
            # Fields left out of the query show today's values rather than a first choice.
            data = data.copy()
            for name, value in defaults.items():
                if not data.get(name):
                    data[name] = str(value)
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, initial=defaults, **kwargs)
        if len(congresses) > 1:
            self.fields["congress"].widget = forms.Select(
                choices=[(c.pk, str(c)) for c in congresses])
            self.fields["congress"].label = gettext_lazy("人大")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") == PeriodKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not (start and end):
                raise forms.ValidationError(_("自定义周期请填写开始日期和结束日期"))
            if start > end:
                raise forms.ValidationError(_("开始日期不能晚于结束日期"))
            if (end - start).days >= MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("自定义周期不能超过五年"))
        return data

    def get_period(self) -> Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound else {}
        year = data.get("year") or today.year
        kind = data.get("period") or PeriodKind.MONTH
        if kind == PeriodKind.CUSTOM:
            return Period(data["start"], data["end"])
        if kind == PeriodKind.YEAR:
            return Period.year(year)
        if kind == PeriodKind.QUARTER:
            return Period.quarter(year, data.get("quarter") or (today.month + 2) // 3)
        return Period.month(year, data.get("month") or today.month)


class StatsFilterForm(PeriodForm):
    """The period and at most one object whose rates to show on their own. The objects are
    plain text checked against the user's scope by the view (a 404 outside it)."""

    station = forms.CharField(label=gettext_lazy("联络站"), required=False, max_length=32)
    unit = forms.CharField(label=gettext_lazy("承办单位"), required=False, max_length=20)
    deputy = forms.CharField(label=gettext_lazy("代表"), required=False, max_length=20)

    def __init__(self, *args: Any, scope: StatScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        for name, choices in (("station", [(s.code, str(s)) for s in scope.stations]),
                              ("unit", [(str(u.pk), str(u)) for u in scope.units]),
                              ("deputy", [(str(d.pk), str(d)) for d in scope.deputies])):
            if choices:
                self.fields[name].widget = forms.Select(choices=everything + choices)
            else:
                self.fields[name].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if sum(bool(data.get(kind)) for kind in FOCUS_KINDS) > 1:
            raise forms.ValidationError(_("联络站、承办单位和代表只能选择一项"))
        return data

    def focus(self) -> tuple[str, str]:
        """The kind and key of the object chosen, or ("", "")."""
        data = self.cleaned_data if self.is_bound else {}
        return next(((kind, data[kind]) for kind in FOCUS_KINDS if data.get(kind)), ("", ""))


class RegisterFilterForm(PeriodForm):
    station = forms.CharField(label=gettext_lazy("联络站"), required=False, max_length=32)
    register = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    def __init__(self, *args: Any, stations: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].widget = forms.Select(
            choices=[(s.code, str(s)) for s in stations])


# Helpers ---------------------------------------------------------------------------------------


def _congress(request: HttpRequest) -> tuple[Congress, list[Congress]]:
    """The congress asked for (or the user's first); a 403 for a user who reads no opinions,
    a 404 for a congress outside the user's roles."""
    congresses = stats.stat_congresses_for(user=request.user)
    if not congresses:
        raise PermissionDenied
    wanted = request.GET.get("congress", "")
    if not wanted:
        return congresses[0], congresses
    congress = next((c for c in congresses if str(c.pk) == wanted), None)
    if congress is None:
        raise Http404
    return congress, congresses


def describe_rule(rule: DeadlineRule) -> str:
    """A deadline rule in words: "1 个工作日", "3 天", "1 个月"."""
    words = {Unit.WORKING_DAYS: _("%(n)s 个工作日"), Unit.DAYS: _("%(n)s 天"),
             Unit.MONTHS: _("%(n)s 个月")}
    return words[rule.unit] % {"n": rule.amount}


# Statistics ------------------------------------------------------------------------------------


@login_required
def stats_page(request: HttpRequest, code: str = "") -> HttpResponse:
    congress, congresses = _congress(request)
    scope = StatScope.load(user=request.user, congress=congress)
    data: QueryDict | None = request.GET.copy() if request.GET or code else None
    if code:
        data["station"] = code
    form = StatsFilterForm(data, scope=scope, congresses=congresses)
    if data is not None and not form.is_valid():
        context = {"form": form, "congress": congress, "scope": scope}
        return render(request, "opinions/staff/stats.html", context, status=400)
    kind, key = form.focus()
    focus = scope.find(kind, key) if kind else None
    if kind and focus is None:
        raise Http404
    report = stats.opinion_stats(user=request.user, scope=scope, period=form.get_period(),
                                 focus=focus, focus_kind=kind)
    return render(request, "opinions/staff/stats.html", {
        "form": form, "congress": congress, "scope": scope, "report": report,
        "chart_data": report.chart_data(), "window": describe_rule(report.window),
    })


# Registers -------------------------------------------------------------------------------------


def _register_request(request: HttpRequest) -> dict[str, Any]:
    """Resolve the congress, the station (the user's first by default), the period and the
    registers from the query; the context the page renders."""
    congress, congresses = _congress(request)
    stations = stats.stat_stations_for(user=request.user, congress=congress)
    form = RegisterFilterForm(request.GET or None, stations=stations, congresses=congresses)
    context: dict[str, Any] = {"form": form, "congress": congress, "stations": stations}
    if request.GET and not form.is_valid():
        context["invalid"] = True
        return context
    code = form.cleaned_data.get("station") if form.is_bound else ""
    station = next((s for s in stations if s.code == code), None) if code else (
        stations[0] if stations else None)
    if code and station is None:
        raise Http404
    context.update(station=station, period=form.get_period(),
                   registers=registers.registers_of(congress=congress))
    return context


def _register_rows(request: HttpRequest, context: dict[str, Any]) -> None:
    wanted = context["form"].cleaned_data.get("register") if context["form"].is_bound else ""
    chosen = next((r for r in context["registers"] if r.code == wanted), None)
    register = chosen or (context["registers"][0] if context["registers"] else None)
    if register is None:
        return
    items = registers.register_items(user=request.user, station=context["station"],
                                     period=context["period"])
    page = Paginator(items, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    facts = registers.register_facts(congress=context["congress"])
    rows = [(item.pk, [registers.screen_value(v) for v in register.row(number, item, facts)])
            for number, item in enumerate(page.object_list, start=page.start_index())]
    context.update(register=register, page_obj=page, rows=rows)
    if register.code == "reception":
        _reception_days(context, items)


def _reception_days(context: dict[str, Any], items: Any) -> None:
    """The station's reception days in the period, and how many items came in on them."""
    period = context["period"]
    context["reception_days"] = upcoming_reception_days(
        station=context["station"], start=period.start,
        days=(period.end - period.start).days + 1)
    context["reception_day_items"] = items.filter(
        channel=Opinion.Channel.RECEPTION_DAY).count()


@login_required
def registers_page(request: HttpRequest) -> HttpResponse:
    context = _register_request(request)
    if context.get("invalid"):
        return render(request, "opinions/staff/registers.html", context, status=400)
    if context["station"] is not None:
        _register_rows(request, context)
    return render(request, "opinions/staff/registers.html", context)


@login_required
def registers_export(request: HttpRequest) -> HttpResponse:
    context = _register_request(request)
    if context.get("invalid"):
        return render(request, "opinions/staff/registers.html", context, status=400)
    station, period = context["station"], context["period"]
    if station is None:
        raise Http404
    data = registers.registers_export(actor=request.user, station=station, period=period)
    stamp = f"{period.start.isoformat()}_{period.end.isoformat()}"
    return xlsx_response(data, f"{station.name}-{_('登记簿')}-{stamp}.xlsx")
