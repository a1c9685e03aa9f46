"""Pages of the deputies' secret ballots: the tellers' console, the deputy's ballot on the
phone and the result.

- The console (the office, `projects.run_ballot`): prepare a ballot for a cycle, check the
  deputies in, open the vote, follow how many have voted (never how), hand out and enter paper
  ballots, close and count, recount, publish. Every step is a call of
  `renda.projects.ballots`, which logs it.
- The deputy's ballot (`projects.cast_ballot`): the items in ballot order, a confirmation
  step, and a page that says the vote was counted. The choices live only in the form posted
  and in the stored ballot: never in the session, a message or the page after the vote.
- The result (`projects:ballot`): public once published; the staff see it once counted.
"""

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from renda.accounts.access import has_perm, scope_filter
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.projects import ballots as service
from renda.projects.forms_ballots import BallotForm, PrepareForm, RollSearchForm
from renda.projects.models import Attendance, Ballot, CastBallot, ProjectCycle
from renda.projects.permissions import CAST, RUN_BALLOT
from renda.projects.workflow import BALLOT

B = Ballot.Status
COUNTED = (B.CLOSED, B.PUBLISHED, B.FAILED)
# Who reads a counted result before it is published: the tellers and the leaders.
STAFF_RESULT_PERMS = (RUN_BALLOT, "projects.view_attendance")
REFUSALS = (ValidationError, TransitionNotAllowed, PermissionDenied, service.VoteRefused)


# The list --------------------------------------------------------------------------------------


@login_required
def ballot_home(request: HttpRequest) -> HttpResponse:
    """票决和测评: the cycles whose ballots the user runs, and the deputy's own ballots."""
    cycles = list(scope_filter(request.user, RUN_BALLOT, ProjectCycle.objects.all())
                  .select_related("congress").prefetch_related("ballots")
                  .order_by("-year", "congress"))
    mine = _my_rolls(request.user)
    if not cycles and not has_perm(request.user, CAST):
        raise PermissionDenied
    return render(request, "projects/ballots/home.html", {
        "cycles": [{"cycle": cycle, "ballots": list(cycle.ballots.all()),
                    "preparable": _preparable(cycle)} for cycle in cycles],
        "mine": mine,
    })


def _my_rolls(user: Any) -> list[Attendance]:
    if not getattr(user, "deputy_id", None) or not has_perm(user, CAST):
        return []
    return list(Attendance.objects.filter(deputy_id=user.deputy_id,
                                          ballot__status__in=(B.PREPARED, B.OPEN, B.PUBLISHED))
                .select_related("ballot__cycle").order_by("-ballot__created_at"))


def _preparable(cycle: ProjectCycle) -> list[tuple[str, str]]:
    """The kinds of ballot the cycle's stage allows (the service checks again)."""
    taken = {b.kind for b in cycle.ballots.all() if b.status != B.FAILED}
    kinds = []
    if cycle.status == ProjectCycle.Status.VOTING:
        kinds.append(Ballot.Kind.SELECTION)
    if cycle.status == ProjectCycle.Status.EVALUATING:
        kinds.append(Ballot.Kind.EVALUATION)
    return [(kind.value, kind.label) for kind in kinds if kind not in taken]


@require_POST
@login_required
def ballot_prepare(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = (scope_filter(request.user, RUN_BALLOT, ProjectCycle.objects.all())
             .filter(pk=cycle_pk).first())
    if cycle is None:
        raise Http404
    form = PrepareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择投票类别"))
        return redirect("projects:ballots")
    try:
        ballot = service.ballot_prepare(actor=request.user, cycle_id=cycle.pk,
                                        kind=form.cleaned_data["kind"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
        return redirect("projects:ballots")
    messages.success(request, _("已准备%(title)s，请签到后开始投票") % {"title": ballot.title})
    return redirect("projects:ballot_console", pk=ballot.pk)


# The tellers' console --------------------------------------------------------------------------


def _run_get(request: HttpRequest, pk: int) -> Ballot:
    ballot = (scope_filter(request.user, RUN_BALLOT, Ballot.objects.all())
              .select_related("cycle__congress").filter(pk=pk).first())
    if ballot is None:
        raise Http404
    return ballot


def _roll(ballot: Ballot, query: str) -> QuerySet[Attendance]:
    rows = Attendance.objects.filter(ballot=ballot).select_related("deputy")
    if query:
        rows = rows.filter(deputy__name__icontains=query)
    return rows.order_by("deputy__name", "deputy_id")


def _progress(ballot: Ballot) -> dict[str, Any]:
    """How many have voted and how many papers are in: never how anybody voted."""
    roll = Attendance.objects.filter(ballot=ballot)
    return {
        "present": roll.filter(present=True).count(),
        "voted": roll.filter(voted=True).count(),
        "device": roll.filter(channel=Attendance.Channel.DEVICE).count(),
        "paper_out": roll.filter(channel=Attendance.Channel.PAPER).count(),
        "paper_in": CastBallot.objects.filter(ballot=ballot, paper=True).count(),
        "quorum_needed": _quorum_needed(ballot),
    }


def _quorum_needed(ballot: Ballot) -> int:
    """As `ballot_count` reckons it: more than the quorum's share of the deputies with a seat."""
    quorum = Decimal(str(ballot.rules.get("quorum", 0)))
    if not quorum:
        return 0
    return int((quorum * ballot.eligible).to_integral_value(rounding=ROUND_FLOOR)) + 1


CONSOLE_ACTIONS = ("mark", "unmark", "mark_all", "open", "issue_paper", "close", "recount",
                   "publish")


@login_required
def ballot_console(request: HttpRequest, pk: int) -> HttpResponse:
    """计票: the roll with check-in, the count of votes cast, and the steps of the ballot."""
    ballot = _run_get(request, pk)
    search = RollSearchForm(request.GET or request.POST or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CONSOLE_ACTIONS:
            messages.error(request, _("当前状态下不能执行该操作，请刷新后重试"))
        else:
            _console_act(request, ballot, action, query)
        url = reverse("projects:ballot_console", args=[ballot.pk])
        return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    rows = list(_roll(ballot, query))
    return render(request, "projects/ballots/console.html", {
        "ballot": ballot, "rows": rows, "search": search, "query": query,
        "progress": _progress(ballot),
        "listed_absent": sum(not row.present for row in rows),
        "timeline": _timeline(ballot),
    })


EVENT_LABELS = {"prepare": gettext_lazy("准备投票"), "attendance": gettext_lazy("签到"),
                "paper_issue": gettext_lazy("发出纸质选票"), "recount": gettext_lazy("复核计票")}


def _timeline(ballot: Ballot) -> list[dict[str, Any]]:
    labels = {step.action: step.label for step in BALLOT.transitions}
    labels.update(EVENT_LABELS)
    return [{"created_at": event.created_at, "label": labels.get(event.action, event.action),
             "actor": event.actor}
            for event in events_of(ballot).select_related("actor").order_by("created_at", "id")]


def _console_act(request: HttpRequest, ballot: Ballot, action: str, query: str) -> None:
    actor, post = request.user, request.POST
    try:
        if action in ("mark", "unmark"):
            deputy = _deputy_on_roll(ballot, post.get("deputy"))
            service.attendance_mark(actor=actor, ballot_id=ballot.pk, deputy_ids=[deputy.pk],
                                    present=action == "mark")
            done = (_("已签到：%(name)s") if action == "mark" else _("已取消签到：%(name)s")) % {
                "name": deputy.name}
        elif action == "mark_all":
            ids = list(_roll(ballot, query).filter(present=False)
                       .values_list("deputy_id", flat=True))
            present = service.attendance_mark(actor=actor, ballot_id=ballot.pk,
                                              deputy_ids=ids)
            done = _("已为列出的 %(count)d 位代表签到，实到 %(present)d 人") % {
                "count": len(ids), "present": present}
        elif action == "issue_paper":
            deputy = _deputy_on_roll(ballot, post.get("deputy"))
            service.paper_ballot_issue(actor=actor, ballot_id=ballot.pk, deputy_id=deputy.pk)
            done = _("已向 %(name)s 发出纸质选票，该代表不能再电子投票") % {"name": deputy.name}
        else:
            done = _ballot_step(actor, ballot, action)
    except REFUSALS as error:
        messages.error(request, _message(error))
        return
    messages.success(request, done)


def _ballot_step(actor: Any, ballot: Ballot, action: str) -> str:
    if action == "open":
        service.ballot_open(actor=actor, ballot_id=ballot.pk)
        return _("投票已开始")
    if action == "close":
        closed = service.ballot_close(actor=actor, ballot_id=ballot.pk)
        if closed.status == B.FAILED:
            return _("投票已结束：未达法定人数，投票无效")
        return _("投票已结束，计票完成")
    if action == "recount":
        _result, agrees = service.ballot_recount(actor=actor, ballot_id=ballot.pk)
        return (_("复核一致：从存储的选票重新计票，结果与记录的结果相同") if agrees
                else _("复核不一致：重新计票的结果与记录的结果不同，请立即核查"))
    service.ballot_publish(actor=actor, ballot_id=ballot.pk)
    return _("结果已公布")


def _deputy_on_roll(ballot: Ballot, deputy_id: str | None) -> Any:
    row = (Attendance.objects.filter(ballot=ballot, deputy_id=deputy_id).select_related("deputy")
           .first() if (deputy_id or "").isdigit() else None)
    if row is None:
        raise ValidationError(_("该代表不在本次投票的代表名单中"))
    return row.deputy


@login_required
def ballot_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The console's live count, polled by htmx while the vote is open."""
    ballot = _run_get(request, pk)
    return render(request, "projects/ballots/_progress.html", {
        "ballot": ballot, "progress": _progress(ballot)})


@login_required
def ballot_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """录入纸质选票: one collected paper at a time, or a spoilt one; never more than were
    handed out (the service counts)."""
    ballot = _run_get(request, pk)
    items = _items(ballot)
    spoilt = request.method == "POST" and "spoilt" in request.POST
    form = BallotForm(request.POST if request.method == "POST" and not spoilt else None,
                      ballot=ballot, items=items, prefix="paper")
    if request.method == "POST" and (spoilt or form.is_valid()):
        try:
            service.paper_ballot_enter(actor=request.user, ballot_id=ballot.pk,
                                       choices=None if spoilt else form.choices())
        except REFUSALS as error:
            if spoilt or not isinstance(error, ValidationError):
                messages.error(request, _message(error))
                return redirect("projects:ballot_paper", pk=ballot.pk)
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("已录入一张废票") if spoilt else _("已录入一张纸质选票"))
            return redirect("projects:ballot_paper", pk=ballot.pk)
    return render(request, "projects/ballots/paper.html", {
        "ballot": ballot, "form": form, "progress": _progress(ballot),
    }, status=400 if form.is_bound else 200)


# The deputy's ballot ---------------------------------------------------------------------------


def _my_row(request: HttpRequest, pk: int) -> Attendance:
    """The deputy's line on the ballot's roll; 404 for anybody not on it."""
    user = request.user
    if not getattr(user, "deputy_id", None) or not has_perm(user, CAST):
        raise PermissionDenied
    row = (Attendance.objects.filter(ballot_id=pk, deputy_id=user.deputy_id)
           .select_related("ballot__cycle").first())
    if row is None:
        raise Http404
    return row


def _items(ballot: Ballot) -> list:
    return list(ballot.items.select_related("proposal").order_by("order"))


def _refused(request: HttpRequest, ballot: Ballot, message: str, status: int) -> HttpResponse:
    return render(request, "projects/ballots/refused.html",
                  {"ballot": ballot, "message": message}, status=status)


def _closed_to_me(request: HttpRequest, row: Attendance) -> HttpResponse | None:
    """The refusal a deputy who may not vote now sees (the service says the same)."""
    if row.ballot.status != B.OPEN:
        return _refused(request, row.ballot, _("投票尚未开始或已经结束"), 403)
    if row.voted:
        return _refused(request, row.ballot, _("您已经投过票，每位代表只能投一次"), 409)
    if not row.present:
        return _refused(request, row.ballot, _("请先到计票人处签到，签到后才能投票"), 403)
    return None


@never_cache
@login_required
def ballot_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballot on the deputy's phone: fill it in, check it, submit it once."""
    row = _my_row(request, pk)
    ballot = row.ballot
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step != "confirm":
        refusal = _closed_to_me(request, row)
        if refusal is not None:
            return refusal
    form = BallotForm(request.POST if step in ("review", "confirm", "edit") else None,
                      ballot=ballot, items=_items(ballot))
    context = {"ballot": ballot, "form": form, "places": form.places,
               "chosen": len(form["chosen"].value() or []) if "chosen" in form.fields else 0}
    if step == "review" and form.is_valid():
        return render(request, "projects/ballots/confirm.html",
                      {**context, "summary": form.summary()})
    if step == "confirm":
        if not form.is_valid():
            return render(request, "projects/ballots/vote.html", context, status=400)
        try:
            service.ballot_cast(actor=request.user, ballot_id=ballot.pk, choices=form.choices())
        except service.VoteRefused as refusal:
            return _refused(request, ballot, refusal.message, refusal.status)
        except ValidationError as error:
            form.add_error(None, _message(error))
            return render(request, "projects/ballots/vote.html", context, status=400)
        return redirect("projects:ballot_voted", pk=ballot.pk)
    if step == "edit":
        form.errors.clear()  # back from the confirmation: the choices as they were, no errors
    return render(request, "projects/ballots/vote.html", context,
                  status=400 if step == "review" else 200)


@never_cache
@require_POST
@login_required
def ballot_vote_count(request: HttpRequest, pk: int) -> HttpResponse:
    """How many items the deputy has ticked (choose N), as he or she ticks them: counted from
    the form posted and forgotten (htmx swaps the line under the boxes)."""
    row = _my_row(request, pk)
    ids = {str(pk) for pk in row.ballot.items.values_list("pk", flat=True)}
    chosen = len(set(request.POST.getlist("chosen")) & ids)
    return render(request, "projects/ballots/_chosen_count.html", {
        "ballot": row.ballot, "chosen": chosen, "places": row.ballot.rules.get("places", 0)})


@never_cache
@login_required
def ballot_voted(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote was counted: nothing about the choices."""
    row = _my_row(request, pk)
    if not row.voted:
        return redirect("projects:ballot_vote", pk=pk)
    return render(request, "projects/ballots/voted.html", {"ballot": row.ballot})


# The result ------------------------------------------------------------------------------------


def ballot_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The result: public once published, for the tellers and leaders once counted."""
    ballot = Ballot.objects.select_related("cycle__congress").filter(pk=pk).first()
    if ballot is None:
        raise Http404
    staff = request.user.is_authenticated and any(
        has_perm(request.user, perm, ballot) for perm in STAFF_RESULT_PERMS)
    if ballot.status != B.PUBLISHED and not (staff and ballot.status in COUNTED):
        raise Http404
    result = ballot.result or {}
    rows = sorted(result.get("items", []), key=lambda row: row.get("rank", row["order"]))
    return render(request, "projects/ballots/result.html", {
        "ballot": ballot, "result": result, "rows": rows, "staff": staff,
        "runs": staff and has_perm(request.user, RUN_BALLOT, ballot),
        "choice_labels": _choice_labels(ballot),
        "chart_data": _chart(ballot, rows),
    })


def _choice_labels(ballot: Ballot) -> list[dict[str, str]]:
    return [{"code": c["code"], "label": c["label"]} for c in ballot.rules.get("choices", [])]


def _chart(ballot: Ballot, rows: list[dict]) -> dict[str, Any]:
    """The numbers of the chart (opinion-charts.js draws {key: {labels, values}})."""
    if not rows or ballot.status == B.FAILED:
        return {}
    if ballot.method == Ballot.Method.RATE:
        return {"result": {"labels": [row["title"] for row in rows],
                           "values": [float(row["rate"] or 0) for row in rows]}}
    return {"result": {"labels": [row["title"] for row in rows],
                       "values": [row["votes"] for row in rows]}}


# Helpers ---------------------------------------------------------------------------------------


def _message(error: Exception) -> str:
    if isinstance(error, service.VoteRefused):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("您没有权限执行该操作")


urlpatterns = [
    path("ballots/", ballot_home, name="ballots"),
    path("ballots/cycles/<int:cycle_pk>/prepare/", ballot_prepare, name="ballot_prepare"),
    path("ballots/<int:pk>/", ballot_result, name="ballot"),
    path("ballots/<int:pk>/console/", ballot_console, name="ballot_console"),
    path("ballots/<int:pk>/console/progress/", ballot_progress, name="ballot_progress"),
    path("ballots/<int:pk>/console/paper/", ballot_paper, name="ballot_paper"),
    path("ballots/<int:pk>/vote/", ballot_vote, name="ballot_vote"),
    path("ballots/<int:pk>/vote/count/", ballot_vote_count, name="ballot_vote_count"),
    path("ballots/<int:pk>/vote/done/", ballot_voted, name="ballot_voted"),
]
