"""The deputies' secret ballots: choosing the projects (票决) and rating them (测评).

Secrecy by construction:

- the roll (`Attendance`) says who is present and who has voted, with no time and no history;
- a stored ballot (`CastBallot`) holds the choices under a random id, with no deputy and no time;
- a vote writes both in one transaction under a lock on the ballot, and the roll update
  touches *every* row of the ballot's roll (setting the voter's flag, keeping the others), so
  that PostgreSQL's `xmin` marks all of them alike and cannot tie the voter to the new ballot;
- no event and no history row is written per vote (the ballot's opening, closing, recount and
  publication are logged);
- paper ballots: the tellers hand one to a deputy (the roll marks him as voting on paper) and
  enter the papers later, in any order, with no deputy.

The lock on the ballot row serialises votes, so a deputy who submits twice at the same moment
is counted once. The result is computed from the stored ballots by `ballot_count`, a pure
function of the ballots and the rules copied onto the ballot, so a recount gives the published
result; a ballot whose attendance is below the quorum is reported as failed, with no result.
"""

import datetime
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.workflow import event_append, permission_checker, workflow_move
from renda.directory.models import Deputy, Mandate
from renda.directory.selectors import setting_value
from renda.projects.models import (
    Attendance,
    Ballot,
    BallotItem,
    CastBallot,
    Project,
    ProjectCycle,
    Proposal,
)
from renda.projects.permissions import CAST, RUN_BALLOT
from renda.projects.workflow import BALLOT, CYCLE, PROPOSAL

APPROVE_CHOICES = ("for", "against", "abstain")


class VoteRefused(Exception):
    """A vote that cannot be counted; `status` is the HTTP status a page answers with."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not permission_checker()(actor, perm, obj):
        raise PermissionDenied


def seated_deputies(*, cycle: ProjectCycle, on: datetime.date) -> list[Deputy]:
    """The deputies with a seat in the congress on the day of the ballot."""
    return list(
        Deputy.objects.filter(mandates__term__congress=cycle.congress,
                              mandates__status=Mandate.Status.ACTIVE,
                              mandates__start_date__lte=on)
        .filter(Q(mandates__end_date__isnull=True) | Q(mandates__end_date__gte=on))
        .distinct().order_by("id"))


# --- Preparing and running a ballot --------------------------------------------------------

def ballot_prepare(*, actor: Any, cycle_id: int, kind: str, title: str = "",
                   on: datetime.date | None = None) -> Ballot:
    """The ballot with its items (the candidates in ballot order, or the projects), its rules
    copied from the settings and its roll of the deputies with a seat."""
    cycle = ProjectCycle.objects.select_related("congress").get(pk=cycle_id)
    _require(actor, RUN_BALLOT, cycle)
    on = on or timezone.localdate()
    if kind == Ballot.Kind.SELECTION:
        if cycle.status != ProjectCycle.Status.VOTING:
            raise ValidationError(_("候选项目确定后才能准备票决"))
        proposals = list(cycle.proposals.filter(status=Proposal.Status.CANDIDATE)
                         .order_by("ballot_order", "id"))
        # After a published ballot that left a tie for the last places, a second ballot among
        # the tied candidates for the places left.
        places = cycle.places - cycle.proposals.filter(status=Proposal.Status.CHOSEN).count()
        if len(proposals) <= places:
            raise ValidationError(_("候选项目（%(count)d 个）应多于确定项目数（%(places)d 个），"
                                    "实行差额票决") % {"count": len(proposals),
                                                  "places": places})
        rules = dict(setting_value(congress=cycle.congress, key="projects.selection_rules",
                                   on=on))
        rules["places"] = places
        method = rules.pop("method", Ballot.Method.APPROVE)
        title = title or _("%(year)s 年民生实事项目票决") % {"year": cycle.year}
    elif kind == Ballot.Kind.EVALUATION:
        if cycle.status != ProjectCycle.Status.EVALUATING:
            raise ValidationError(_("进入测评阶段后才能准备满意度测评"))
        proposals = [project.proposal for project in
                     cycle.projects.select_related("proposal").order_by("proposal__ballot_order",
                                                                         "id")]
        if not proposals:
            raise ValidationError(_("没有可测评的项目"))
        rules = {
            "choices": setting_value(congress=cycle.congress,
                                     key="projects.evaluation_choices", on=on),
            "quorum": setting_value(congress=cycle.congress, key="projects.evaluation_quorum",
                                    on=on),
        }
        method = Ballot.Method.RATE
        title = title or _("%(year)s 年民生实事项目满意度测评") % {"year": cycle.year}
    else:
        raise ValueError(kind)
    if method not in Ballot.Method.values:
        raise ValidationError(_("票决规则中的表决方式无效"))
    with transaction.atomic():
        earlier = cycle.ballots.filter(kind=kind).exclude(status=Ballot.Status.FAILED)
        last = earlier.order_by("-id").first()
        runoff = (kind == Ballot.Kind.SELECTION and last is not None
                  and last.status == Ballot.Status.PUBLISHED and last.result.get("tied"))
        if last is not None and not runoff:
            raise ValidationError(_("本年度已有这项投票；只有未达法定人数或末位同票需另行投票时"
                                    "才能重新准备"))
        deputies = seated_deputies(cycle=cycle, on=on)
        ballot = Ballot.objects.create(cycle=cycle, kind=kind, method=method, title=title,
                                       rules=rules, eligible=len(deputies))
        BallotItem.objects.bulk_create([BallotItem(ballot=ballot, proposal=proposal, order=n)
                                        for n, proposal in enumerate(proposals, start=1)])
        Attendance.objects.bulk_create([Attendance(ballot=ballot, deputy=deputy)
                                        for deputy in deputies])
        event_append(target=ballot, action="prepare", actor=actor,
                     data={"items": len(proposals), "eligible": len(deputies), "rules": rules,
                           "method": method})
    return ballot


def attendance_mark(*, actor: Any, ballot_id: int, deputy_ids: list[int],
                    present: bool = True) -> int:
    """The tellers check deputies in (or out, before they vote); the ballot's present count."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
        _require(actor, RUN_BALLOT, ballot)
        if ballot.status not in (Ballot.Status.PREPARED, Ballot.Status.OPEN):
            raise ValidationError(_("投票已经结束"))
        rows = Attendance.objects.filter(ballot=ballot, deputy_id__in=deputy_ids)
        if not present and rows.filter(voted=True).exists():
            raise ValidationError(_("已投票的代表不能取消出席"))
        rows.update(present=present)
        ballot.present = Attendance.objects.filter(ballot=ballot, present=True).count()
        ballot.save(update_fields=["present", "updated_at"])
        event_append(target=ballot, action="attendance", actor=actor,
                     data={"deputies": sorted(deputy_ids), "present": present,
                           "total_present": ballot.present})
    return ballot.present


def ballot_open(*, actor: Any, ballot_id: int) -> Ballot:
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
        return workflow_move(workflow=BALLOT, obj=ballot, action="open", actor=actor,
                             changes={"opened_at": timezone.now()},
                             data={"present": ballot.present, "eligible": ballot.eligible})


def _clean_choices(ballot: Ballot, items: list[BallotItem], choices: dict) -> dict:
    """The choices in their stored form, or ValidationError: every item answered (approve,
    rate), at most `places` chosen (choose)."""
    ids = {str(item.pk) for item in items}
    if not isinstance(choices, dict):
        raise ValidationError(_("选票无效"))
    if ballot.method == Ballot.Method.CHOOSE:
        chosen = choices.get("chosen")
        if not isinstance(chosen, list) or not all(str(c) in ids for c in chosen):
            raise ValidationError(_("选票无效"))
        chosen = sorted({str(c) for c in chosen}, key=int)
        places = ballot.rules.get("places", 0)
        if len(chosen) > places:
            raise ValidationError(_("最多选择 %(places)d 个项目，您选了 %(count)d 个")
                                  % {"places": places, "count": len(chosen)})
        return {"chosen": chosen}
    allowed = (APPROVE_CHOICES if ballot.method == Ballot.Method.APPROVE
               else tuple(item["code"] for item in ballot.rules.get("choices", [])))
    cleaned = {str(key): value for key, value in choices.items()}
    missing = ids - set(cleaned)
    if missing:
        raise ValidationError(_("还有 %(count)d 个项目没有选择") % {"count": len(missing)})
    if set(cleaned) - ids or any(value not in allowed for value in cleaned.values()):
        raise ValidationError(_("选票无效"))
    return {key: cleaned[key] for key in sorted(cleaned, key=int)}


def _mark_voted(ballot: Ballot, row: Attendance, channel: str) -> None:
    """Set one deputy's flag by an update of the whole roll of the ballot (see the module)."""
    Attendance.objects.filter(ballot=ballot).update(
        voted=Case(When(pk=row.pk, then=Value(True)), default=F("voted")),
        channel=Case(When(pk=row.pk, then=Value(channel)), default=F("channel")))


def _locked_open(ballot_id: int) -> Ballot:
    ballot = Ballot.objects.select_for_update().filter(pk=ballot_id).first()
    if ballot is None:
        raise VoteRefused(_("没有这项投票"), status=404)
    if ballot.status != Ballot.Status.OPEN:
        raise VoteRefused(_("投票尚未开始或已经结束"), status=403)
    return ballot


def ballot_cast(*, actor: Any, ballot_id: int, choices: dict) -> None:
    """A present deputy's electronic vote, counted once."""
    deputy_id = getattr(actor, "deputy_id", None)
    with transaction.atomic():
        ballot = _locked_open(ballot_id)
        if not deputy_id or not permission_checker()(actor, CAST, ballot):
            raise VoteRefused(_("只有本级人大代表才能投票"), status=403)
        row = Attendance.objects.filter(ballot=ballot, deputy_id=deputy_id).first()
        if row is None:
            raise VoteRefused(_("您不在本次投票的代表名单中"), status=403)
        if row.voted:
            raise VoteRefused(_("您已经投过票，每位代表只能投一次"))
        if not row.present:
            raise VoteRefused(_("请先到计票人处签到，签到后才能投票"), status=403)
        cleaned = _clean_choices(ballot, list(ballot.items.all()), choices)
        _mark_voted(ballot, row, Attendance.Channel.DEVICE)
        CastBallot.objects.create(ballot=ballot, choices=cleaned)


def paper_ballot_issue(*, actor: Any, ballot_id: int, deputy_id: int) -> None:
    """The tellers hand a paper ballot to a present deputy without a device; he or she can no
    longer vote electronically."""
    with transaction.atomic():
        ballot = _locked_open(ballot_id)
        _require(actor, RUN_BALLOT, ballot)
        row = Attendance.objects.filter(ballot=ballot, deputy_id=deputy_id).first()
        if row is None or not row.present:
            raise VoteRefused(_("该代表未签到"), status=403)
        if row.voted:
            raise VoteRefused(_("该代表已经投票或已领取纸质选票"))
        _mark_voted(ballot, row, Attendance.Channel.PAPER)
        event_append(target=ballot, action="paper_issue", actor=actor,
                     data={"issued": Attendance.objects.filter(
                         ballot=ballot, channel=Attendance.Channel.PAPER).count()})


def paper_ballot_enter(*, actor: Any, ballot_id: int, choices: dict | None) -> None:
    """The tellers enter one collected paper ballot (None: a spoilt paper, counted invalid);
    never more papers than were handed out."""
    with transaction.atomic():
        ballot = _locked_open(ballot_id)
        _require(actor, RUN_BALLOT, ballot)
        issued = Attendance.objects.filter(ballot=ballot,
                                           channel=Attendance.Channel.PAPER).count()
        if CastBallot.objects.filter(ballot=ballot, paper=True).count() >= issued:
            raise VoteRefused(_("录入的纸质选票已达到发出的张数（%(issued)d 张）")
                              % {"issued": issued})
        cleaned = ({"invalid": True} if choices is None
                   else _clean_choices(ballot, list(ballot.items.all()), choices))
        CastBallot.objects.create(ballot=ballot, choices=cleaned, paper=True)


# --- Counting ---------------------------------------------------------------------------------

def _share(numerator: int, denominator: int) -> str | None:
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def ballot_count(ballot: Ballot) -> dict:
    """The result from the stored ballots and the ballot's rules alone."""
    items = list(ballot.items.select_related("proposal").order_by("order"))
    papers = [cast.choices for cast in ballot.cast.all()]
    valid = [paper for paper in papers if not paper.get("invalid")]
    present = Attendance.objects.filter(ballot=ballot, present=True).count()
    result: dict[str, Any] = {
        "eligible": ballot.eligible, "present": present, "cast": len(papers),
        "valid": len(valid), "invalid": len(papers) - len(valid), "method": ballot.method,
    }
    quorum = Decimal(str(ballot.rules.get("quorum", 0)))
    result["quorum_needed"] = int((quorum * ballot.eligible).to_integral_value(
        rounding="ROUND_FLOOR")) + 1 if quorum else 0
    result["quorate"] = present >= result["quorum_needed"]
    rows = []
    if ballot.method == Ballot.Method.RATE:
        counting = {c["code"] for c in ballot.rules.get("choices", []) if c.get("counts")}
        for item in items:
            tally = Counter(paper.get(str(item.pk)) for paper in valid)
            answered = sum(tally[c["code"]] for c in ballot.rules.get("choices", []))
            good = sum(tally[code] for code in counting)
            rows.append({"item": item.pk, "proposal": item.proposal_id,
                         "title": item.proposal.title, "order": item.order,
                         "counts": {c["code"]: tally[c["code"]]
                                    for c in ballot.rules.get("choices", [])},
                         "answered": answered, "rate": _share(good, answered)})
        total_good = sum(sum(row["counts"].get(code, 0) for code in counting) for row in rows)
        result["rate"] = _share(total_good, sum(row["answered"] for row in rows))
        result["items"] = rows
        return result
    base_kind = ballot.rules.get("base", "all")
    base = {"all": ballot.eligible, "present": present, "valid": len(valid)}[base_kind]
    threshold = Decimal(str(ballot.rules.get("threshold", 0.5)))
    needed = int((threshold * base).to_integral_value(rounding="ROUND_FLOOR")) + 1
    result.update({"base": base_kind, "base_count": base, "votes_needed": needed})
    for item in items:
        key = str(item.pk)
        if ballot.method == Ballot.Method.CHOOSE:
            votes = sum(key in paper.get("chosen", []) for paper in valid)
            row = {"votes": votes}
        else:
            tally = Counter(paper.get(key) for paper in valid)
            votes = tally["for"]
            row = {"votes": votes, "for": votes, "against": tally["against"],
                   "abstain": tally["abstain"]}
        row.update({"item": item.pk, "proposal": item.proposal_id, "title": item.proposal.title,
                    "order": item.order, "passed": votes >= needed})
        rows.append(row)
    ranked = sorted(rows, key=lambda row: (-row["votes"], row["order"]))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    places = ballot.rules.get("places", 0)
    passing = [row for row in ranked if row["passed"]]
    chosen, tied = passing[:places], []
    if len(passing) > places and places:
        boundary = passing[places - 1]["votes"]
        if passing[places]["votes"] == boundary and ballot.rules.get("tie_break") != \
                "ballot_order":
            tied = [row for row in passing if row["votes"] == boundary]
            chosen = [row for row in passing if row["votes"] > boundary]
    for row in rows:
        row["chosen"] = row in chosen
        row["tied"] = row in tied
    result.update({"items": rows, "chosen": [row["proposal"] for row in chosen],
                   "tied": [row["proposal"] for row in tied]})
    return result


def ballot_close(*, actor: Any, ballot_id: int) -> Ballot:
    """End the vote and count it: a ballot below the quorum is recorded as failed, with the
    attendance but no result."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
        _require(actor, RUN_BALLOT, ballot)
        paper_out = Attendance.objects.filter(ballot=ballot,
                                              channel=Attendance.Channel.PAPER).count()
        paper_in = CastBallot.objects.filter(ballot=ballot, paper=True).count()
        if ballot.status == Ballot.Status.OPEN and paper_in < paper_out:
            raise ValidationError(_("还有 %(count)d 张纸质选票没有录入")
                                  % {"count": paper_out - paper_in})
        result = ballot_count(ballot)
        if not result["quorate"]:
            failed = {key: result[key] for key in ("eligible", "present", "quorum_needed")}
            return workflow_move(workflow=BALLOT, obj=ballot, action="fail", actor=actor,
                                 changes={"closed_at": timezone.now(), "result": failed,
                                          "present": result["present"]}, data=failed)
        return workflow_move(workflow=BALLOT, obj=ballot, action="close", actor=actor,
                             changes={"closed_at": timezone.now(), "result": result,
                                      "present": result["present"]},
                             data={"valid": result["valid"], "cast": result["cast"]})


def _comparable(result: dict) -> dict:
    """A result without the candidates' titles: a title corrected after the count is no
    disagreement of the count."""
    items = [{key: value for key, value in item.items() if key != "title"}
             for item in result.get("items", [])]
    return {**result, "items": items}


def ballot_recount(*, actor: Any, ballot_id: int) -> tuple[dict, bool]:
    """Count again from the stored ballots; whether it agrees with the recorded result."""
    ballot = Ballot.objects.get(pk=ballot_id)
    _require(actor, RUN_BALLOT, ballot)
    if ballot.status not in (Ballot.Status.CLOSED, Ballot.Status.PUBLISHED):
        raise ValidationError(_("计票后才能复核"))
    result = ballot_count(ballot)
    same = _comparable(result) == _comparable(ballot.result)
    event_append(target=ballot, action="recount", actor=actor, data={"agrees": same})
    return result, same


def ballot_publish(*, actor: Any, ballot_id: int) -> Ballot:
    """Publish the result; a selection ballot's chosen candidates become projects and the
    cycle moves to implementation (the others are marked not chosen, the tied stay
    candidates for a second ballot)."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("cycle").get(pk=ballot_id)
        ballot = workflow_move(workflow=BALLOT, obj=ballot, action="publish", actor=actor)
        if ballot.kind != Ballot.Kind.SELECTION:
            return ballot
        chosen = set(ballot.result.get("chosen", []))
        tied = set(ballot.result.get("tied", []))
        for item in ballot.items.select_related("proposal"):
            proposal = item.proposal
            if proposal.pk in tied:
                continue
            action = "chosen" if proposal.pk in chosen else "not_chosen"
            workflow_move(workflow=PROPOSAL, obj=proposal, action=action, actor=actor,
                          check_permission=False)
            if action == "chosen":
                Project.objects.create(cycle=ballot.cycle, proposal=proposal,
                                       title=proposal.title, budget=proposal.estimated_cost)
        if not tied:
            cycle = ProjectCycle.objects.select_for_update().get(pk=ballot.cycle_id)
            workflow_move(workflow=CYCLE, obj=cycle, action="chosen", actor=actor,
                          check_permission=False)
    return ballot


# --- Duty records ---------------------------------------------------------------------------

def ballots_cast_collector(congress, year: int):
    """For the duty records (`renda.duties.collectors`): each deputy who voted in a ballot
    held in `year` (that he or she voted, never how)."""
    from renda.duties.collectors import Found

    rows = (Attendance.objects.filter(voted=True, ballot__cycle__congress=congress,
                                      ballot__opened_at__isnull=False)
            .select_related("ballot"))
    for row in rows:
        day = timezone.localtime(row.ballot.opened_at).date()
        if day.year != year:
            continue
        yield Found(key=f"projects.attendance:{row.pk}", deputy_id=row.deputy_id,
                    activity_type="ballot", date=day, title=row.ballot.title,
                    source=row.ballot)
