"""The public's pages of the livelihood projects (no account): the cycles, a cycle's page by
stage, every proposal with the screening's result and reason, the candidates, the result of
the deputies' ballot with a chart, and the proposal form while the call is open.

Nothing here shows a proposer's name or mobile number (the selectors read `values()` without
them), and a ballot's result is totals only: nothing stored links a deputy to a choice.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from renda.projects import forms, services
from renda.projects import selectors as sel
from renda.projects.models import Ballot, ProjectCycle, Proposal
from renda.projects.views.cycles import add_errors

PER_PAGE = 50
C = ProjectCycle.Status


def _cycle(pk: int) -> ProjectCycle:
    try:
        return sel.public_cycle_get(pk=pk)
    except ProjectCycle.DoesNotExist:
        raise Http404 from None


def _labelled(rows, cycle: ProjectCycle) -> list[dict]:
    categories = services.categories_of(congress=cycle.congress)
    statuses, sources = dict(Proposal.Status.choices), dict(Proposal.Source.choices)
    return [{**row, "category_label": categories.get(row["category"], row["category"]),
             "status_label": statuses.get(row["status"], row["status"]),
             "source_label": sources.get(row["source"], row["source"])} for row in rows]


def home(request: HttpRequest) -> HttpResponse:
    """民生实事项目: every congress's cycles, the newest first."""
    return render(request, "projects/public/home.html", {"cycles": list(sel.public_cycles())})


def cycle_page(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    ballot = sel.selection_ballot(cycle=cycle)
    counts = sel.cycle_counts(cycle=cycle)
    reached = [value for value, _label in C.choices].index(cycle.status)
    return render(request, "projects/public/cycle.html", {
        "cycle": cycle, "counts": counts, "ballot": ballot,
        "stages": [(label, n < reached, n == reached)
                   for n, (_value, label) in enumerate(C.choices)],
        "collecting": services.collection_refusal(cycle=cycle, source=Proposal.Source.PUBLIC)
        is None,
        "candidates": _labelled(sel.public_candidates(cycle=cycle), cycle),
        "screened": cycle.status != C.COLLECTING,
    })


def proposals(request: HttpRequest, pk: int) -> HttpResponse:
    """Every proposal of the cycle: title, category, area, source, status and the screening's
    reason, without names or phones."""
    cycle = _cycle(pk)
    rows = sel.public_proposals(cycle=cycle)
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/public/proposals.html", {
        "cycle": cycle, "page": page, "rows": _labelled(page.object_list, cycle),
        "status": status, "statuses": Proposal.Status.choices})


@ratelimit(key="ip", rate="10/m", method="POST", block=True)
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The public's proposal form, made for phones; one proposal per rendering of the form."""
    cycle = _cycle(pk)
    refusal = services.collection_refusal(cycle=cycle, source=Proposal.Source.PUBLIC)
    form = forms.ProposalForm(request.POST or None,
                              categories=services.categories_of(congress=cycle.congress),
                              areas=list(services.areas_of(congress=cycle.congress)))
    if request.method == "POST" and form.is_valid():
        try:
            proposal, created = services.proposal_submit(
                actor=None, cycle_id=cycle.pk, source=Proposal.Source.PUBLIC,
                data=form.proposal_data(),
                idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not created:
                messages.info(request, _("该表单已经提交过，没有重复提交"))
            return redirect("projects:proposed", pk=cycle.pk, number=proposal.number)
    return render(request, "projects/public/propose.html", {
        "cycle": cycle, "form": form, "refusal": refusal},
        status=400 if form.is_bound else 200)


def proposed(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    cycle = _cycle(pk)
    row = sel.public_proposals(cycle=cycle).filter(number=number).first()
    if row is None:
        raise Http404
    return render(request, "projects/public/proposed.html",
                  {"cycle": cycle, "proposal": _labelled([row], cycle)[0]})


def result(request: HttpRequest, pk: int) -> HttpResponse:
    """The deputies' ballot: each candidate's votes, the chosen marked, with a chart; a ballot
    below the quorum is shown as void."""
    cycle = _cycle(pk)
    ballot = sel.selection_ballot(cycle=cycle)
    if ballot is None:
        raise Http404
    rows = sel.ballot_rows(ballot=ballot) if ballot.status == Ballot.Status.PUBLISHED else []
    chart = {"votes": {"labels": [row["title"] for row in rows],
                       "values": [row["votes"] for row in rows]}}
    return render(request, "projects/public/result.html", {
        "cycle": cycle, "ballot": ballot, "rows": rows, "chart": chart,
        "failed": ballot.status == Ballot.Status.FAILED, "result": ballot.result,
        "approve": ballot.method == Ballot.Method.APPROVE})


urlpatterns = [
    path("", home, name="home"),
    path("cycle/<int:pk>/", cycle_page, name="public_cycle"),
    path("cycle/<int:pk>/proposals/", proposals, name="public_proposals"),
    path("cycle/<int:pk>/propose/", propose, name="propose"),
    path("cycle/<int:pk>/proposed/<str:number>/", proposed, name="proposed"),
    path("cycle/<int:pk>/result/", result, name="public_result"),
]
