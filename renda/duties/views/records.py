"""Duty registration (履职登记), score cards, rankings and the points scheme (积分考评).

The deputy's pages are made for phones: his records of a year, recording an activity with
photos, one record, his score card. Staff (a station for its deputies, the office for its
congress) list and filter records, record activities, bonuses and deductions for a deputy and
reject records; the office ranks the cards and keeps the year's scheme.

Thin adapters: reads go through `renda.duties.selectors` (another deputy's record, photo or
card is a 404), writes through `renda.duties.services`, which check everything again.
"""

import io
from typing import Any

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl.styles import Font

from renda.accounts.access import has_perm
from renda.core.uploads import limit_request_body
from renda.core.workflow import event_append
from renda.directory.models import Congress, Deputy
from renda.directory.roster.admin_views import xlsx_response
from renda.duties import collectors, forms, services
from renda.duties import selectors as sel
from renda.duties.models import DutyPhoto, DutyRecord, PointsScheme, ScoreCard
from renda.duties.permissions import MANAGE_POINTS, RECORD_FOR_OTHERS
from renda.duties.points import activity_labels, activity_types, scheme_for, scorecards_recompute
from renda.opinions.attachments import request_max_bytes

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


# The same ceiling on a request's body as every other form with files; the service checks
# each photo against the congress's own limits.
photos_body_limit = limit_request_body(max_bytes=request_max_bytes,
                                       template_name="opinions/too_big.html")


def _add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _year(request: HttpRequest) -> int:
    return forms.parse_year(request.GET.get("year")) or timezone.localdate().year


# The deputy's own pages --------------------------------------------------------------------------


def _my_congress(request: HttpRequest) -> Congress:
    congresses = sel.recording_congresses(user=request.user)
    congress = sel.congress_chosen(congresses, request.GET.get("congress"))
    if congress is None:
        raise PermissionDenied
    return congress


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的履职记录: the year's records, newest first, with what each brought."""
    congress, year = _my_congress(request), _year(request)
    records = sel.labelled(sel.records_mine(user=request.user, congress=congress, year=year),
                           congress)
    card_total = (ScoreCard.objects.filter(congress=congress, deputy_id=request.user.deputy_id,
                                           year=year).values_list("total", flat=True).first())
    return render(request, "duties/records/mine.html", {
        "congress": congress, "year": year, "records": records, "card_total": card_total,
        "years": forms.year_choices(),
        "card_url": reverse("duties:card", args=[request.user.deputy_id, year]),
    })


@photos_body_limit
@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    congress = _my_congress(request)
    deputy = Deputy.objects.get(pk=request.user.deputy_id)
    types = services.recordable_types(congress=congress, actor=request.user, deputy=deputy)
    form = forms.DutyRecordForm(request.POST or None, request.FILES or None, congress=congress,
                                types=types, label_suffix="",
                                initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        record = _create(request, form, congress, deputy)
        if record is not None:
            return redirect(record)
    return render(request, "duties/records/form.html", {
        "form": form, "congress": congress, "files_dropped": bool(request.FILES),
        "back": reverse("duties:mine")}, status=400 if form.is_bound else 200)


def _create(request: HttpRequest, form: forms.DutyRecordForm, congress: Congress,
            deputy: Deputy) -> DutyRecord | None:
    try:
        record = services.duty_record_create(
            actor=request.user, congress=congress, deputy=deputy, data=form.service_data(),
            photos=form.cleaned_data["photos"])
    except ValidationError as error:
        _add_errors(form, error)
        return None
    messages.success(request, _("已登记，本条记录计 %(points)s 分") % {
        "points": sel.points_text(record.points)})
    return record


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "deputy_id", None):
        raise PermissionDenied
    return redirect("duties:card", deputy_id=request.user.deputy_id,
                    year=timezone.localdate().year)


# One record --------------------------------------------------------------------------------------


def _get_record(request: HttpRequest, pk: int) -> DutyRecord:
    try:
        return sel.record_get_for(user=request.user, pk=pk)
    except DutyRecord.DoesNotExist:
        raise Http404 from None


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk)
    user = request.user
    reject = forms.RejectForm(prefix="reject", label_suffix="")
    withdraw = forms.WithdrawForm(prefix="withdraw", label_suffix="")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reject" and sel.may_reject(user=user, record=record):
            reject = forms.RejectForm(request.POST, prefix="reject", label_suffix="")
            call = lambda data: services.duty_record_reject(  # noqa: E731
                actor=user, record_id=pk, reason=data["reason"])
            form, done = reject, _("已退回，这条记录不再计分")
        elif action == "withdraw" and sel.may_change(user=user, record=record):
            withdraw = forms.WithdrawForm(request.POST, prefix="withdraw", label_suffix="")
            call = lambda data: services.duty_record_withdraw(  # noqa: E731
                actor=user, record_id=pk, reason=data["reason"])
            form, done = withdraw, _("已撤回，这条记录不再计分")
        else:
            messages.error(request, _("这条记录已经退回或撤回，或者您不能进行这项操作"))
            return redirect(record)
        if form.is_valid():
            try:
                call(form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                _add_errors(form, error if isinstance(error, ValidationError)
                            else ValidationError(_("您不能进行这项操作")))
            else:
                messages.success(request, done)
                return redirect(record)
        status = 400
    return render(request, "duties/records/detail.html", {
        "record": record, "label": activity_labels(congress=record.congress).get(
            record.activity_type, record.activity_type),
        "photos": sel.photos_of(user=user, record=record),
        "source_url": sel.source_link(user=user, record=record),
        "may_change": sel.may_change(user=user, record=record),
        "may_reject": sel.may_reject(user=user, record=record),
        "reject_form": reject, "withdraw_form": withdraw,
        "card_url": reverse("duties:card", args=[record.deputy_id, record.date.year])
        + "?" + urlencode({"congress": record.congress_id}),
        "own": user.deputy_id == record.deputy_id,
    }, status=status)


@photos_body_limit
@login_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk)
    if not sel.may_change(user=request.user, record=record):
        messages.error(request, _("只能修改登记的、有效的记录；系统自动记录的活动随来源变化"))
        return redirect(record)
    types = services.recordable_types(congress=record.congress, actor=request.user,
                                      deputy=record.deputy)
    initial = {name: getattr(record, name) for name in services.EDITABLE_FIELDS}
    form = forms.DutyRecordForm(request.POST or None, request.FILES or None,
                                congress=record.congress, types=types, initial=initial,
                                label_suffix="")
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_record_update(actor=request.user, record_id=pk,
                                        data=form.service_data(),
                                        photos=form.cleaned_data["photos"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("修改已保存"))
            return redirect(record)
    return render(request, "duties/records/form.html", {
        "form": form, "record": record, "congress": record.congress,
        "photos": sel.photos_of(user=request.user, record=record),
        "files_dropped": bool(request.FILES), "back": record.get_absolute_url(),
    }, status=400 if form.is_bound else 200)


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of a record the reader may see; a 404 to anyone else, signed in or not."""
    try:
        item = sel.photo_get_for(user=request.user, pk=pk)
        handle = item.file.open("rb")
    except (DutyPhoto.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    content_type = PHOTO_TYPES.get(item.file.name.rpartition(".")[2].lower(),
                                   "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Staff: the list and recording for a deputy ------------------------------------------------------


def _staff_congress(request: HttpRequest, perm: str, source: Any) -> tuple[Congress,
                                                                              list[Congress]]:
    congresses = sel.congresses_for(user=request.user, perm=perm)
    congress = sel.congress_chosen(congresses, source.get("congress"))
    if congress is None:
        raise PermissionDenied
    return congress, congresses


@login_required
def records(request: HttpRequest) -> HttpResponse:
    """履职记录 for staff: the records they may see, filtered."""
    congress, congresses = _staff_congress(request, sel.VIEW_RECORD, request.GET)
    if not sel.congresses_for(user=request.user, perm=RECORD_FOR_OTHERS) and \
            getattr(request.user, "deputy_id", None):
        return redirect("duties:mine")
    deputies = list(sel.deputies_reachable(user=request.user, perm=sel.VIEW_RECORD,
                                           congress=congress))
    form = forms.RecordFiltersForm(request.GET or None, congresses=congresses,
                                   deputies=deputies, types=activity_types(congress=congress),
                                   label_suffix="")
    data = form.cleaned_data if form.is_valid() else {}
    filters = sel.RecordFilters(
        congress=congress, year=data.get("year"), deputy_id=data.get("deputy"),
        activity_type=data.get("activity_type", ""), source=data.get("source", ""),
        status=data.get("status", ""))
    page = Paginator(sel.records_filtered(user=request.user, filters=filters),
                     sel.RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "duties/records/list.html", {
        "form": form, "page": page, "rows": sel.labelled(page.object_list, congress),
        "congress": congress,
        "may_record": bool(sel.congresses_for(user=request.user, perm=RECORD_FOR_OTHERS)),
    })


@photos_body_limit
@login_required
def record_for(request: HttpRequest) -> HttpResponse:
    """Staff record an activity, a bonus or a deduction for a deputy they serve."""
    source = request.POST if request.method == "POST" else request.GET
    congress, _congresses = _staff_congress(request, RECORD_FOR_OTHERS, source)
    deputies = list(sel.deputies_reachable(user=request.user, perm=RECORD_FOR_OTHERS,
                                           congress=congress))
    if not deputies:
        raise PermissionDenied
    types = services.recordable_types(congress=congress, actor=request.user, deputy=deputies[0])
    form = forms.DutyRecordForm(request.POST or None, request.FILES or None, congress=congress,
                                types=types, deputies=deputies, label_suffix="",
                                initial={"date": timezone.localdate(),
                                         "deputy": request.GET.get("deputy")})
    if request.method == "POST" and form.is_valid():
        deputy = next(d for d in deputies if d.pk == form.cleaned_data["deputy"])
        record = _create(request, form, congress, deputy)
        if record is not None:
            return redirect(record)
    return render(request, "duties/records/form.html", {
        "form": form, "congress": congress, "files_dropped": bool(request.FILES),
        "staff": True, "back": reverse("duties:records"),
    }, status=400 if form.is_bound else 200)


# Score cards -------------------------------------------------------------------------------------


@login_required
def card(request: HttpRequest, deputy_id: int, year: int) -> HttpResponse:
    """A deputy's score card of a year, with the evidence behind every point."""
    if forms.parse_year(year) is None:
        raise Http404
    congresses = sel.card_congresses(user=request.user, deputy_id=deputy_id, year=year)
    congress = sel.congress_chosen(congresses, request.GET.get("congress"))
    if congress is None:
        raise Http404
    if not ScoreCard.objects.filter(congress=congress, deputy_id=deputy_id, year=year).exists():
        # Cards are derived data: one not yet computed (no record yet) is computed now.
        scorecards_recompute(congress=congress, year=year, deputy_ids=[deputy_id])
    item = sel.card_get_for(user=request.user, congress=congress, deputy_id=deputy_id, year=year)
    return render(request, "duties/cards/card.html", {
        "card": item, **sel.card_detail(card=item), "congresses": congresses,
        "years": forms.year_choices(), "own": request.user.deputy_id == deputy_id,
        "labels": activity_labels(congress=congress),
    })


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    """积分排名: the year's cards ranked, by deputy group and by area; Excel on request."""
    congress, congresses = _staff_congress(request, sel.VIEW_CARD, request.GET)
    if getattr(request.user, "deputy_id", None) and not has_perm(request.user, RECORD_FOR_OTHERS):
        return redirect("duties:my_card")
    groups, areas = list(sel.ranking_groups(congress=congress)), \
        list(sel.ranking_areas(congress=congress))
    form = forms.RankingsForm(request.GET or None, congresses=congresses, groups=groups,
                              areas=areas, label_suffix="")
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    group = next((g for g in groups if g.pk == data.get("group")), None)
    area = next((a for a in areas if a.pk == data.get("area")), None)
    missing = sel.deputies_without_card(congress=congress, year=year)
    if missing:
        scorecards_recompute(congress=congress, year=year, deputy_ids=missing)
    rows = sel.ranking_rows(user=request.user, congress=congress, year=year, group=group,
                            area=area)
    if request.GET.get("export") == "xlsx":
        return _rankings_export(request, congress, year, rows, group, area)
    return render(request, "duties/cards/rankings.html", {
        "form": form, "rows": rows, "year": year, "congress": congress,
        "may_collect": sel.may_manage_points(user=request.user, congress=congress),
        "export_query": urlencode({**{k: v for k, v in request.GET.items() if k != "export"},
                                   "export": "xlsx"}),
    })


def _rankings_export(request: HttpRequest, congress: Congress, year: int, rows: list[dict],
                     group: Any, area: Any) -> HttpResponse:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("积分排名")
    sheet.append([_("%(congress)s %(year)s 年度代表履职积分排名") % {
        "congress": congress.name, "year": year}])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("排名"), _("代表"), _("总分"), _("等次"), _("定额未达进度")])
    for row in rows:
        values = [row["rank"], row["card"].deputy.name, float(row["card"].total), row["grade"],
                  "、".join(item["label"] for item in row["behind"])]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever a name starts with
    buffer = io.BytesIO()
    workbook.save(buffer)
    event_append(target=congress, action="export_duty_rankings", actor=request.user, data={
        "year": year, "rows": len(rows), "group": getattr(group, "pk", None),
        "area": getattr(area, "pk", None)})
    return xlsx_response(buffer.getvalue(), f"{congress.short_name or congress.name}-"
                         f"{year}-{_('履职积分排名')}.xlsx")


@require_POST
@login_required
def collect(request: HttpRequest) -> HttpResponse:
    """The office brings the automatic records (reception days, opinions, suggestions) up to
    date now rather than at the next hourly run."""
    congress, _congresses = _staff_congress(request, MANAGE_POINTS, request.POST)
    year = forms.parse_year(request.POST.get("year")) or timezone.localdate().year
    if not sel.may_manage_points(user=request.user, congress=congress):
        raise PermissionDenied
    result = collectors.duty_records_collect(congress=congress, year=year)
    event_append(target=congress, action="collect_duty_records", actor=request.user, data={
        "year": year, "created": result.created, "withdrawn": result.withdrawn,
        "restored": result.restored})
    messages.success(request, _("自动记录已更新：新增 %(created)d 条，撤回 %(withdrawn)d 条，"
                                "恢复 %(restored)d 条") % {
        "created": result.created, "withdrawn": result.withdrawn, "restored": result.restored})
    return redirect(reverse("duties:rankings") + "?" + urlencode(
        {"congress": congress.pk, "year": year}))


# The points scheme -------------------------------------------------------------------------------


@login_required
def scheme_current(request: HttpRequest) -> HttpResponse:
    return redirect("duties:scheme", year=timezone.localdate().year)


@login_required
def scheme(request: HttpRequest, year: int) -> HttpResponse:
    """积分办法 of a year: its rules, quotas, title and ceiling; any change recomputes the
    year's cards."""
    if forms.parse_year(year) is None:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    congress, congresses = _staff_congress(request, MANAGE_POINTS, source)
    if not sel.may_manage_points(user=request.user, congress=congress):
        raise PermissionDenied
    item = scheme_for(congress=congress, year=year)
    failed: dict[str, Form] = {}
    if request.method == "POST":
        response = _scheme_post(request, item, failed)
        if response is not None:
            return response
    return render(request, "duties/scheme/scheme.html", {
        **_scheme_context(item, failed), "congresses": congresses,
        "years": forms.year_choices(),
    }, status=400 if failed else 200)


def _scheme_context(item: PointsScheme, failed: dict[str, Form]) -> dict[str, Any]:
    types = activity_types(congress=item.congress)
    rows = []
    for row in sel.scheme_rows(scheme=item):
        code, rule = row["type"]["code"], row["rule"]
        initial = {"activity_type": code, "points": sel.points_text(rule.points) if rule else "",
                   "cap": sel.points_text(rule.cap) if rule and rule.cap is not None else ""}
        rows.append({**row, "form": failed.get(f"rule:{code}") or forms.RuleForm(
            prefix=f"rule-{code}", initial=initial, label_suffix="")})
    quotas = [{"quota": quota, "form": failed.get(f"quota:{quota.code}") or forms.QuotaForm(
        prefix=f"quota-{quota.code}", types=types, label_suffix="", initial={
            "code": quota.code, "label": quota.label, "activity_types": quota.activity_types,
            "measure": quota.measure, "minimum": quota.minimum})}
        for quota in item.quotas.all()]
    return {
        "scheme": item, "rows": rows, "quotas": quotas,
        "scheme_form": failed.get("scheme") or forms.SchemeForm(prefix="scheme", initial={
            "title": item.title, "note": item.note,
            "max_total": "" if item.max_total is None else sel.points_text(item.max_total)},
            label_suffix=""),
        "new_quota": failed.get("quota:") or forms.QuotaForm(prefix="quota-new", types=types,
                                                             label_suffix=""),
        "cards": ScoreCard.objects.filter(congress=item.congress, year=item.year).count(),
    }


def _scheme_post(request: HttpRequest, item: PointsScheme,
                 failed: dict[str, Form]) -> HttpResponse | None:
    action, code = request.POST.get("action", ""), request.POST.get("code", "")
    types = activity_types(congress=item.congress)
    if action in ("rule", "rule_delete") and code not in {t["code"] for t in types}:
        messages.error(request, _("没有这个活动类型"))
        return _back_to_scheme(item)
    if action == "rule_delete":
        services.points_rule_delete(actor=request.user, scheme_id=item.pk, activity_type=code)
        return _scheme_done(request, item, _("已删除该类活动的积分规则"))
    key, form, call = _scheme_form(request, item, action, code, types)
    if form is None:
        messages.error(request, _("未知的操作"))
        return _back_to_scheme(item)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _scheme_done(request, item, _("已保存"))
    failed[key] = form
    return None


def _scheme_form(request: HttpRequest, item: PointsScheme, action: str, code: str,
                 types: list[dict]) -> tuple[str, Form | None, Any]:
    user, post = request.user, request.POST
    if action == "scheme":
        return "scheme", forms.SchemeForm(post, prefix="scheme", label_suffix=""), \
            lambda d: services.scheme_update(actor=user, scheme_id=item.pk, title=d["title"],
                                             note=d["note"], max_total=d["max_total"])
    if action == "rule":
        return f"rule:{code}", forms.RuleForm(post, prefix=f"rule-{code}", label_suffix=""), \
            lambda d: services.points_rule_save(actor=user, scheme_id=item.pk,
                                                activity_type=code, points=d["points"],
                                                cap=d["cap"])
    if action == "quota":
        prefix = f"quota-{code}" if code else "quota-new"
        return f"quota:{code}", forms.QuotaForm(post, prefix=prefix, types=types,
                                                label_suffix=""), \
            lambda d: _quota_save(user, item, code, d)
    return "", None, None


def _quota_save(user: Any, item: PointsScheme, code: str, data: dict) -> None:
    """An existing quota is saved under its own code; a new one must not take another's."""
    if not code and item.quotas.filter(code=data["code"]).exists():
        raise ValidationError({"code": _("已有代码相同的定额，请换一个代码")})
    services.quota_save(actor=user, scheme_id=item.pk, code=code or data["code"],
                        label=data["label"], activity_types_=data["activity_types"],
                        measure=data["measure"], minimum=data["minimum"])


def _scheme_done(request: HttpRequest, item: PointsScheme, done: str) -> HttpResponse:
    count = ScoreCard.objects.filter(congress=item.congress, year=item.year).count()
    messages.success(request, _("%(done)s。%(count)d 张积分卡已重新计算") % {
        "done": done, "count": count})
    return _back_to_scheme(item)


def _back_to_scheme(item: PointsScheme) -> HttpResponse:
    return redirect(reverse("duties:scheme", args=[item.year]) + "?" + urlencode(
        {"congress": item.congress_id}))


urlpatterns = [
    path("mine/", mine, name="mine"),
    path("mine/new/", record_new, name="record_new"),
    path("mine/card/", my_card, name="my_card"),
    path("records/", records, name="records"),
    path("records/<int:pk>/", record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", record_edit, name="record_edit"),
    path("photos/<int:pk>/", photo, name="photo"),
    path("staff/new/", record_for, name="record_for"),
    path("cards/<int:deputy_id>/<int:year>/", card, name="card"),
    path("rankings/", rankings, name="rankings"),
    path("rankings/collect/", collect, name="collect"),
    path("scheme/", scheme_current, name="scheme_current"),
    path("scheme/<int:year>/", scheme, name="scheme"),
]

