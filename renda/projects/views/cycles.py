"""The staff's pages of a cycle's first stages: the office creates the year's cycle and moves
it along; stations, deputies and the office enter proposals; the office records the
government's screening; the standing committee's shortlist and ballot order.

Thin adapters: reads through `renda.projects.selectors` (a cycle or a proposal out of reach is
a 404), writes through `renda.projects.services`, which check everything again.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from renda.accounts.access import has_perm, scope_filter
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import Congress
from renda.projects import forms, services
from renda.projects import selectors as sel
from renda.projects.models import ProjectCycle, Proposal
from renda.projects.permissions import MANAGE
from renda.projects.workflow import CYCLE, PROPOSAL

P = Proposal.Status
S = Proposal.Source
MOVES = ("close_collection", "close_screening", "fix_shortlist")


def add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _cycle(request: HttpRequest, pk: int) -> ProjectCycle:
    try:
        return sel.cycle_get_for(user=request.user, pk=pk)
    except ProjectCycle.DoesNotExist:
        raise Http404 from None


# Cycles --------------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, sel.VIEW_CYCLE):
        raise PermissionDenied
    cycles = list(sel.cycles_for(user=request.user))
    may_create = scope_filter(request.user, MANAGE, Congress.objects.all()).exists()
    return render(request, "projects/cycles/list.html",
                  {"cycles": cycles, "may_create": may_create})


@login_required
def cycle_new(request: HttpRequest) -> HttpResponse:
    congresses = list(scope_filter(request.user, MANAGE, Congress.objects.all())
                      .order_by("area__path"))
    if not congresses:
        raise PermissionDenied
    form = forms.CycleForm(request.POST or None, congresses=congresses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_create(
                actor=request.user, congress_id=data.get("congress", congresses[0].pk),
                year=data["year"], places=data["places"], title=data["title"],
                collect_opens_on=data["collect_opens_on"],
                collect_closes_on=data["collect_closes_on"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已建立%(title)s，开始征集项目") % {"title": cycle.title})
            return redirect("projects:cycle", pk=cycle.pk)
    return render(request, "projects/cycles/new.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    powers = sel.staff_powers(user=request.user, cycle=cycle)
    moves = [t for t in CYCLE.available(cycle, request.user) if t.action in MOVES]
    return render(request, "projects/cycles/detail.html", {
        "cycle": cycle, "counts": sel.cycle_counts(cycle=cycle), "moves": moves,
        "powers": powers, "sources": _entry_sources(request.user, cycle),
        "refusal": services.collection_refusal(cycle=cycle, source=S.STATION),
        "events": _labelled_events(cycle, CYCLE),
        "stages": ProjectCycle.Status.choices,
    })


EVENT_LABELS = {"create": _lazy("建立年度"), "submit": _lazy("提交项目"),
                "ballot_order": _lazy("调整选票顺序")}


def _labelled_events(target: Any, workflow: Any) -> list[tuple[Any, str]]:
    labels = {**EVENT_LABELS, **{t.action: t.label for t in workflow.transitions}}
    return [(event, labels.get(event.action, event.action))
            for event in events_of(target).order_by("-created_at")[:30]]


@login_required
@require_POST
def cycle_move(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    action = request.POST.get("action", "")
    if action not in MOVES:
        raise Http404
    try:
        services.cycle_move(actor=request.user, cycle_id=cycle.pk, action=action)
    except (ValidationError, TransitionNotAllowed) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("已完成：%(label)s") % {"label": CYCLE.get(action).label})
    target = "projects:shortlist" if action == "close_screening" else "projects:cycle"
    return redirect(target, pk=cycle.pk)


# Proposals -----------------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    rows = sel.proposals_for(user=request.user, cycle=cycle).order_by("id")
    status = request.GET.get("status", "")
    if status in P.values:
        rows = rows.filter(status=status)
    source = request.GET.get("source", "")
    if source in S.values:
        rows = rows.filter(source=source)
    # The office's scope is the congress: one check for the page, not one per row.
    private = has_perm(request.user, sel.PRIVATE, cycle)
    rows = list(rows)
    for row in rows:
        row.shown = sel.proposer_shown(user=request.user, proposal=row, private=private)
    return render(request, "projects/cycles/proposals.html", {
        "cycle": cycle, "rows": rows, "status": status, "source": source,
        "statuses": P.choices, "source_choices": S.choices,
        "categories": services.categories_of(congress=cycle.congress)})


def _entry_sources(user: Any, cycle: ProjectCycle) -> list[tuple[str, str]]:
    """The sources this user may enter proposals under."""
    labels = dict(S.choices)
    sources = []
    if sel.entry_stations(user=user, cycle=cycle).exists():
        sources.append(S.STATION)
    if services.deputy_may_propose(user=user, congress=cycle.congress):
        sources.append(S.DEPUTY)
    if sel.staff_powers(user=user, cycle=cycle)["manage"]:
        sources += [S.COMMITTEE, S.GOVERNMENT]
    return [(value, labels[value]) for value in sources]


@login_required
def proposal_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Stations enter what they collected, deputies propose, the office enters the standing
    committee's and the government's proposals."""
    cycle = _cycle(request, pk)
    sources = _entry_sources(request.user, cycle)
    if not sources:
        raise PermissionDenied
    stations = [(s.pk, s.name) for s in sel.entry_stations(user=request.user, cycle=cycle)]
    form = forms.ProposalForm(
        request.POST or None, categories=services.categories_of(congress=cycle.congress),
        areas=list(services.areas_of(congress=cycle.congress)),
        sources=sources if len(sources) > 1 else None, stations=stations or None)
    source = sources[0][0] if len(sources) == 1 else request.POST.get("source", "")
    refusal = services.collection_refusal(cycle=cycle, source=source or S.STATION)
    if request.method == "POST" and form.is_valid():
        try:
            proposal, created = services.proposal_submit(
                actor=request.user, cycle_id=cycle.pk, source=form.cleaned_data.get(
                    "source", source), data=form.proposal_data(),
                station_id=form.cleaned_data.get("station"),
                idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(request, _("已录入，编号 %(number)s") % {
                    "number": proposal.number})
            return redirect("projects:proposal", pk=proposal.pk)
    return render(request, "projects/cycles/enter.html", {
        "cycle": cycle, "form": form, "refusal": refusal},
        status=400 if form.is_bound else 200)


@login_required
def proposal_start(request: HttpRequest) -> HttpResponse:
    """The workbench's "提出民生实事项目": straight to the form of the one cycle collecting
    where the user may propose, else the list of cycles with a word why."""
    collecting = [cycle for cycle in sel.cycles_for(user=request.user)
                  .filter(status=ProjectCycle.Status.COLLECTING)
                  if _entry_sources(request.user, cycle)]
    if len(collecting) == 1:
        return redirect("projects:proposal_enter", pk=collecting[0].pk)
    if not collecting:
        messages.info(request, _("目前没有正在征集的民生实事项目"))
    return redirect("projects:cycles")


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    try:
        return sel.proposal_get_for(user=request.user, pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal; during screening, the form that records the government's decision."""
    proposal = _proposal(request, pk)
    cycle = proposal.cycle
    powers = sel.staff_powers(user=request.user, cycle=cycle)
    form = None
    if powers["screen"] and cycle.status == ProjectCycle.Status.SCREENING:
        others = list(cycle.proposals.filter(status__in=(P.SUBMITTED, P.ACCEPTED),
                                             merged_into__isnull=True)
                      .exclude(pk=proposal.pk).order_by("id"))
        form = forms.ScreenForm(request.POST or None, others=others)
        if request.method == "POST" and form.is_valid() and _screen(request, proposal, form):
            return redirect("projects:proposal", pk=proposal.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "projects/cycles/proposal.html", {
        "proposal": proposal, "cycle": cycle, "form": form,
        "shown": sel.proposer_shown(user=request.user, proposal=proposal),
        "category": services.categories_of(congress=cycle.congress).get(
            proposal.category, proposal.category),
        "merged": list(proposal.merged.order_by("id")),
        "events": _labelled_events(proposal, PROPOSAL)},
        status=400 if form is not None and form.is_bound else 200)


def _screen(request: HttpRequest, proposal: Proposal, form: forms.ScreenForm) -> bool:
    data = form.cleaned_data
    try:
        if data["action"] == "accept":
            services.proposal_accept(actor=request.user, proposal_id=proposal.pk,
                                     note=data["note"])
        elif data["action"] == "reject":
            services.proposal_reject(actor=request.user, proposal_id=proposal.pk,
                                     reason=data["note"])
        else:
            services.proposal_merge(actor=request.user, proposal_id=proposal.pk,
                                    into_id=data["into"])
    except ValidationError as error:
        add_errors(form, error)
        return False
    except TransitionNotAllowed as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("初选结果已记录"))
    return True


# The shortlist -------------------------------------------------------------------------------


@login_required
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    if not sel.staff_powers(user=request.user, cycle=cycle)["manage"]:
        raise PermissionDenied
    if request.method == "POST":
        _shortlist_step(request, cycle)
        return redirect("projects:shortlist", pk=cycle.pk)
    proposals = cycle.proposals.select_related("area")
    return render(request, "projects/cycles/shortlist.html", {
        "cycle": cycle,
        "candidates": list(proposals.filter(status=P.CANDIDATE).order_by("ballot_order", "id")),
        "accepted": list(proposals.filter(status=P.ACCEPTED).order_by("id")),
        "editable": cycle.status == ProjectCycle.Status.SHORTLISTING,
        "fix": [t for t in CYCLE.available(cycle, request.user) if t.action == "fix_shortlist"],
        "categories": services.categories_of(congress=cycle.congress)})


def _shortlist_step(request: HttpRequest, cycle: ProjectCycle) -> None:
    try:
        proposal_id = int(request.POST.get("proposal", ""))
    except ValueError:
        raise Http404 from None
    if not cycle.proposals.filter(pk=proposal_id).exists():
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "add":
            services.proposal_shortlist(actor=request.user, proposal_id=proposal_id)
        elif action == "remove":
            services.proposal_unshortlist(actor=request.user, proposal_id=proposal_id)
        elif action in ("up", "down"):
            services.shortlist_move(actor=request.user, proposal_id=proposal_id,
                                    step=-1 if action == "up" else 1)
        else:
            raise Http404
    except (ValidationError, TransitionNotAllowed) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


urlpatterns = [
    path("cycles/", cycle_list, name="cycles"),
    path("cycles/new/", cycle_new, name="cycle_new"),
    path("cycles/propose/", proposal_start, name="proposal_start"),
    path("cycles/<int:pk>/", cycle_detail, name="cycle"),
    path("cycles/<int:pk>/move/", cycle_move, name="cycle_move"),
    path("cycles/<int:pk>/proposals/", proposal_list, name="cycle_proposals"),
    path("cycles/<int:pk>/proposals/new/", proposal_enter, name="proposal_enter"),
    path("cycles/<int:pk>/shortlist/", shortlist, name="shortlist"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal"),
]
