"""Writes of the livelihood projects' first stages (DOMAIN §5): the year's cycle, the call for
proposals (征集), the government's screening (初选) and the standing committee's shortlist
(审议备选). Every function is keyword-only, atomic, checks the actor's permission itself and
appends one event per step; views are thin adapters over them.

Numbering: a proposal's number ("2027-015") is taken under a lock on the cycle's row, so two
proposals sent at the same moment never get the same number. A public form carries an
idempotency key (one per rendering); the key is kept in the submission's event, and a second
submission with the same key, checked under the same lock, returns the first proposal.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.access import has_perm, scope_filter
from renda.core.models import Event
from renda.core.text import clean_text
from renda.core.verification import phone_normalise
from renda.core.workflow import event_append, workflow_move
from renda.directory.models import Area, Congress, Mandate, Station
from renda.directory.selectors import setting_value
from renda.projects.models import ProjectCycle, Proposal
from renda.projects.permissions import MANAGE, PROPOSE
from renda.projects.workflow import CYCLE, PROPOSAL

C = ProjectCycle.Status
P = Proposal.Status
S = Proposal.Source
STAFF_SOURCES = (S.STATION, S.DEPUTY, S.COMMITTEE, S.GOVERNMENT)


# The cycle ----------------------------------------------------------------------------------


def cycle_create(*, actor: Any, congress_id: int, year: int, places: int,
                 collect_opens_on: datetime.date, collect_closes_on: datetime.date,
                 title: str = "") -> ProjectCycle:
    """The year's cycle of a congress, open for proposals between the two dates (at least
    `projects.collection_min_days` days, both counted)."""
    congress = Congress.objects.get(pk=congress_id)
    if not has_perm(actor, MANAGE, congress):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if places < 1:
        errors["places"] = [_("确定项目数至少为 1")]
    minimum = int(setting_value(congress=congress, key="projects.collection_min_days",
                                on=collect_opens_on))
    days = (collect_closes_on - collect_opens_on).days + 1
    if days < minimum:
        errors["collect_closes_on"] = [_("征集期至少 %(min)d 天，现在是 %(days)d 天")
                                       % {"min": minimum, "days": days}]
    if ProjectCycle.objects.filter(congress=congress, year=year).exists():
        errors["year"] = [_("%(year)d 年度的民生实事项目已经建立") % {"year": year}]
    if errors:
        raise ValidationError(errors)
    title = clean_text(title, field="title", max_length=120) or (
        _("%(year)d 年%(congress)s民生实事项目") % {"year": year, "congress": congress})
    with transaction.atomic():
        cycle = ProjectCycle(congress=congress, year=year, title=title, places=places,
                             collect_opens_on=collect_opens_on,
                             collect_closes_on=collect_closes_on)
        cycle._history_user = actor
        cycle.save()
        event_append(target=cycle, action="create", actor=actor,
                     data={"places": places, "opens": collect_opens_on.isoformat(),
                           "closes": collect_closes_on.isoformat()})
    return cycle


def cycle_move(*, actor: Any, cycle_id: int, action: str, note: str = "") -> ProjectCycle:
    """One of the office's steps of the cycle (close_collection, close_screening,
    fix_shortlist), with the checks each needs."""
    if action not in ("close_collection", "close_screening", "fix_shortlist",
                      "start_evaluation", "report"):
        raise ValidationError(_("无效的操作"))
    with transaction.atomic():
        cycle = ProjectCycle.objects.select_for_update().get(pk=cycle_id)
        if not has_perm(actor, CYCLE.get(action).permission, cycle):
            raise PermissionDenied
        if action == "close_screening":
            waiting = cycle.proposals.filter(status=P.SUBMITTED).count()
            if waiting:
                raise ValidationError(_("还有 %(count)d 个项目没有初选，请先处理完")
                                      % {"count": waiting})
        if action == "fix_shortlist":
            _check_shortlist(cycle)
        cycle = workflow_move(workflow=CYCLE, obj=cycle, action=action, actor=actor, note=note)
        if action == "fix_shortlist":
            _renumber(cycle)
    return cycle


def _check_shortlist(cycle: ProjectCycle) -> None:
    count = cycle.proposals.filter(status=P.CANDIDATE).count()
    if count <= cycle.places:
        raise ValidationError(_("候选项目（%(count)d 个）应多于确定项目数（%(places)d 个），"
                                "实行差额票决") % {"count": count, "places": cycle.places})


def _renumber(cycle: ProjectCycle) -> None:
    """The candidates' ballot order as 1, 2, 3… in their current order."""
    candidates = cycle.proposals.filter(status=P.CANDIDATE).order_by("ballot_order", "id")
    for n, proposal in enumerate(candidates, start=1):
        if proposal.ballot_order != n:
            proposal.ballot_order = n
            proposal.save(update_fields=["ballot_order", "updated_at"])


# Collection -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ProposalData:
    """What a proposal says, as typed in a form (the service cleans it again)."""

    title: str
    description: str
    category: str
    reasons: str = ""
    area_id: int | None = None
    estimated_cost: Decimal | None = None
    proposer_name: str = ""
    proposer_mobile: str = ""


def categories_of(*, congress: Congress, on: datetime.date | None = None) -> dict[str, str]:
    """The categories of `projects.categories`: code → label."""
    items = setting_value(congress=congress, key="projects.categories", on=on)
    return {item["code"]: item.get("label", item["code"]) for item in items}


def areas_of(*, congress: Congress):
    """Where a project may be carried out: the congress's own area and the areas one level
    below it (the streets and townships of a district)."""
    root = congress.area
    return Area.objects.filter(path__startswith=root.path, depth__lte=root.depth + 1
                               ).order_by("depth", "path")


def collection_refusal(*, cycle: ProjectCycle, source: str,
                       on: datetime.date | None = None) -> str | None:
    """Why proposals cannot be sent now, or None. The public and the deputies propose
    between the two dates; stations and the office may enter what they collected on time
    until the office closes the collection."""
    on = on or timezone.localdate()
    if cycle.status != C.COLLECTING:
        return _("本年度项目征集已经结束，不再接收新的项目")
    if on < cycle.collect_opens_on:
        return _("项目征集将于 %(day)s 开始") % {"day": cycle.collect_opens_on.isoformat()}
    if on > cycle.collect_closes_on and source in (S.PUBLIC, S.DEPUTY):
        return _("项目征集已于 %(day)s 截止") % {"day": cycle.collect_closes_on.isoformat()}
    return None


def _authorise_source(actor: Any, cycle: ProjectCycle, source: str,
                      station_id: int | None) -> dict[str, Any]:
    """Who the proposal is from, once the actor is allowed to propose from `source`."""
    if source == S.PUBLIC:
        return {}
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if source == S.STATION:
        station = scope_filter(actor, PROPOSE, Station.objects.filter(
            congress=cycle.congress, pk=station_id or 0)).first()
        if station is None:
            raise ValidationError({"station": _("请选择您所在的联络站")})
        return {"station": station}
    if source == S.DEPUTY:
        if not deputy_may_propose(user=actor, congress=cycle.congress):
            raise PermissionDenied
        return {"deputy_id": actor.deputy_id}
    if source in (S.COMMITTEE, S.GOVERNMENT):
        if not has_perm(actor, MANAGE, cycle):
            raise PermissionDenied
        return {}
    raise ValidationError({"source": _("来源无效")})


def deputy_may_propose(*, user: Any, congress: Congress) -> bool:
    """A deputy with a seat in the congress and a role there that lets him or her propose."""
    from renda.accounts.access import role_perms
    from renda.accounts.models import RoleAssignment

    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return False
    roles = RoleAssignment.objects.in_force().filter(user=user, congress=congress)
    if not any(PROPOSE in role_perms(a.role) for a in roles):
        return False
    return Mandate.objects.filter(deputy_id=deputy_id, term__congress=congress,
                                  status=Mandate.Status.ACTIVE).exists()


def _clean_proposal(cycle: ProjectCycle, data: ProposalData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for field, limit, required in (("title", 120, True), ("description", 5000, True),
                                   ("reasons", 5000, False), ("proposer_name", 40, False)):
        try:
            cleaned[field] = clean_text(getattr(data, field), field=field, max_length=limit,
                                        required=required)
        except ValidationError as error:
            errors.update(error.error_dict)
    if data.category not in categories_of(congress=cycle.congress):
        errors["category"] = [_("请选择项目类别")]
    cleaned["category"] = data.category
    cleaned["area"] = None
    if data.area_id:
        cleaned["area"] = areas_of(congress=cycle.congress).filter(pk=data.area_id).first()
        if cleaned["area"] is None:
            errors["area"] = [_("实施地点不在本行政区域内")]
    cost = data.estimated_cost
    if cost is not None and (cost < 0 or cost >= Decimal("1e10")):
        errors["estimated_cost"] = [_("请填写合理的估算投资（万元）")]
    cleaned["estimated_cost"] = cost
    cleaned["proposer_mobile"] = ""
    if data.proposer_mobile.strip():
        try:
            cleaned["proposer_mobile"] = phone_normalise(data.proposer_mobile)
        except ValidationError as error:
            errors["proposer_mobile"] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _next_number(cycle: ProjectCycle) -> str:
    """The next number of the cycle; the caller holds the lock on the cycle's row."""
    numbers = cycle.proposals.values_list("number", flat=True)
    last = max((int(n.rsplit("-", 1)[-1]) for n in numbers if n.rsplit("-", 1)[-1].isdigit()),
               default=0)
    return f"{cycle.year}-{last + 1:03d}"


def _submitted_with(cycle: ProjectCycle, key: str) -> Proposal | None:
    ids = Event.objects.filter(content_type=ContentType.objects.get_for_model(Proposal),
                               action="submit", data__key=key).values("object_id")
    return cycle.proposals.filter(pk__in=ids).first()


def proposal_submit(*, actor: Any, cycle_id: int, source: str, data: ProposalData,
                    station_id: int | None = None, idempotency_key: str = "",
                    on: datetime.date | None = None) -> tuple[Proposal, bool]:
    """A proposal from the public (actor None or anyone), a station's staff, a deputy or the
    office (committee or government); the proposal and whether it is new (False: the same
    form was sent before, and this is the proposal it made)."""
    if source not in S.values:
        raise ValidationError({"source": _("来源无效")})
    with transaction.atomic():
        cycle = ProjectCycle.objects.select_for_update().select_related(
            "congress__area").get(pk=cycle_id)
        if idempotency_key:
            existing = _submitted_with(cycle, idempotency_key)
            if existing is not None:
                return existing, False
        refusal = collection_refusal(cycle=cycle, source=source, on=on)
        if refusal:
            raise ValidationError(refusal, code="closed")
        who = _authorise_source(actor, cycle, source, station_id)
        cleaned = _clean_proposal(cycle, data)
        actor_user = actor if getattr(actor, "pk", None) else None
        proposal = Proposal(cycle=cycle, number=_next_number(cycle), source=source,
                            submitted_by=actor_user, **cleaned, **who)
        proposal._history_user = actor_user
        proposal.save()
        event_append(target=proposal, action="submit", actor=actor_user,
                     to_status=proposal.status,
                     data={"source": source, **({"key": idempotency_key}
                                                if idempotency_key else {})})
    return proposal, True


# Screening ----------------------------------------------------------------------------------


def _screening_proposal(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("cycle").get(pk=proposal_id)
    if proposal.cycle.status != C.SCREENING:
        raise ValidationError(_("只有在初选阶段才能初选项目"))
    return proposal


def proposal_accept(*, actor: Any, proposal_id: int, note: str = "") -> Proposal:
    """The government puts the proposal through screening (an earlier rejection or merger
    undone)."""
    note = clean_text(note, field="note", max_length=2000)
    with transaction.atomic():
        proposal = _screening_proposal(proposal_id)
        return workflow_move(workflow=PROPOSAL, obj=proposal, action="accept", actor=actor,
                             note=note,
                             changes={"screening_note": note, "merged_into": None})


def proposal_reject(*, actor: Any, proposal_id: int, reason: str) -> Proposal:
    """The government rejects the proposal, with the reason that is published."""
    reason = clean_text(reason, field="reason", max_length=2000, required=True)
    with transaction.atomic():
        proposal = _screening_proposal(proposal_id)
        return workflow_move(workflow=PROPOSAL, obj=proposal, action="reject", actor=actor,
                             note=reason,
                             changes={"screening_note": reason, "merged_into": None})


def proposal_merge(*, actor: Any, proposal_id: int, into_id: int) -> Proposal:
    """A duplicate merged into another proposal of the cycle: it counts as rejected, with the
    reason "已合并到 …"; proposals merged into it before follow it to the new one."""
    with transaction.atomic():
        proposal = _screening_proposal(proposal_id)
        target = Proposal.objects.select_for_update().filter(
            pk=into_id, cycle_id=proposal.cycle_id).first()
        if target is None or target.pk == proposal.pk:
            raise ValidationError({"into": _("请选择本年度的另一个项目")})
        if target.merged_into_id or target.status not in (P.SUBMITTED, P.ACCEPTED):
            raise ValidationError({"into": _("只能合并到待初选或已通过初选的项目")})
        reason = _("已合并到 %(number)s %(title)s") % {"number": target.number,
                                                   "title": target.title}
        for child in proposal.merged.select_for_update():
            child.merged_into, child.screening_note = target, reason
            child.save(update_fields=["merged_into", "screening_note", "updated_at"])
        return workflow_move(workflow=PROPOSAL, obj=proposal, action="reject", actor=actor,
                             note=reason, data={"merged_into": target.pk},
                             changes={"screening_note": reason, "merged_into": target})


# The shortlist ------------------------------------------------------------------------------


def _shortlisting_proposal(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("cycle").get(pk=proposal_id)
    if proposal.cycle.status != C.SHORTLISTING:
        raise ValidationError(_("只有在审议备选阶段才能调整候选项目"))
    return proposal


def proposal_shortlist(*, actor: Any, proposal_id: int) -> Proposal:
    """An accepted proposal becomes a candidate, last on the ballot."""
    with transaction.atomic():
        proposal = _shortlisting_proposal(proposal_id)
        ProjectCycle.objects.select_for_update().get(pk=proposal.cycle_id)
        last = proposal.cycle.proposals.filter(status=P.CANDIDATE).aggregate(
            n=Max("ballot_order"))["n"] or 0
        return workflow_move(workflow=PROPOSAL, obj=proposal, action="shortlist", actor=actor,
                             changes={"ballot_order": last + 1})


def proposal_unshortlist(*, actor: Any, proposal_id: int) -> Proposal:
    with transaction.atomic():
        proposal = _shortlisting_proposal(proposal_id)
        return workflow_move(workflow=PROPOSAL, obj=proposal, action="unshortlist",
                             actor=actor, changes={"ballot_order": None})


def shortlist_move(*, actor: Any, proposal_id: int, step: int) -> None:
    """Move a candidate one place up (step -1) or down (step 1) on the ballot."""
    with transaction.atomic():
        proposal = _shortlisting_proposal(proposal_id)
        cycle = ProjectCycle.objects.select_for_update().get(pk=proposal.cycle_id)
        if not has_perm(actor, MANAGE, cycle) or proposal.status != P.CANDIDATE:
            raise PermissionDenied
        _renumber(cycle)
        order = list(cycle.proposals.filter(status=P.CANDIDATE).order_by("ballot_order"))
        index = next(i for i, p in enumerate(order) if p.pk == proposal.pk)
        other = index + (1 if step > 0 else -1)
        if not 0 <= other < len(order):
            return
        order[index], order[other] = order[other], order[index]
        for n, item in enumerate(order, start=1):
            if item.ballot_order != n:
                item.ballot_order = n
                item._history_user = actor
                item.save(update_fields=["ballot_order", "updated_at"])
        event_append(target=cycle, action="ballot_order", actor=actor,
                     data={"order": [item.pk for item in order]})

