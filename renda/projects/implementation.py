"""Carrying out the chosen projects (实施和监督) and the final report (通报), DOMAIN §5.

The office sets each project's lead unit, plan and budget; the lead unit adds milestones and
files progress reports (per cent done, money spent, what was done, photos), and the project's
progress, spending and status follow its latest report; the office forms the deputies'
supervision groups, whose members record their inspections; at the end the office reads the
deputies' evaluation ballot and the public survey side by side, writes the final report and
publishes it.

Services write (checked against the permission layer, one `core.Event` each, history on the
models); selectors read through the user, so that a unit sees only its own projects and a
deputy only those of his or her groups. The projects themselves, their reports, photos and
inspections' findings are public once the deputies have chosen them: they are works paid for
with public money, not anybody's personal data.
"""

import datetime
import uuid
from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.access import has_perm, scope_filter
from renda.core.text import clean_text
from renda.core.uploads import EXTENSIONS, check_image, clean_file_name, files_removed_on_failure
from renda.core.workflow import event_append, permission_checker, workflow_move
from renda.directory.models import Deputy, HandlingUnit
from renda.directory.selectors import setting_value
from renda.projects.ballots import seated_deputies
from renda.projects.models import (
    Ballot,
    Inspection,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCycle,
    SupervisionGroup,
    SurveyResponse,
)
from renda.projects.permissions import MANAGE, REPORT, SUPERVISE
from renda.projects.workflow import CYCLE

C = ProjectCycle.Status
VIEW_PROJECT = "projects.view_project"
VIEW_GROUP = "projects.view_supervisiongroup"
VIEW_PHOTO = "projects.view_progressphoto"
# A project lags (进度滞后) when its per cent done is more than this many points behind the
# share of its year already gone: the default of `status_for`; the congress's own value is the
# setting `projects.delay_threshold`.
DELAY_POINTS = 20
# The cycle's states in which projects exist and their work goes on.
ACTIVE = (C.VOTING, C.IMPLEMENTING, C.EVALUATING)
# The states in which the projects are public: from the publication of the ballot that chose
# them (a tie for the last place leaves the cycle in voting, with the others chosen).
PUBLIC = (C.VOTING, C.IMPLEMENTING, C.EVALUATING, C.REPORTED)


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not permission_checker()(actor, perm, obj):
        raise PermissionDenied


def _active(project: Project) -> None:
    if project.cycle.status not in ACTIVE:
        raise ValidationError(_("本年度项目已经通报，不能再修改"))


def _locked_project(project_id: int) -> Project:
    return Project.objects.select_for_update().select_related("cycle__congress").get(
        pk=project_id)


# --- Reading ----------------------------------------------------------------------------------

def projects_for(*, user: Any) -> QuerySet[Project]:
    """The projects a user works on: the office's of its congress, a unit's own (as lead
    unit), a deputy's through his or her supervision groups."""
    visible = scope_filter(user, VIEW_PROJECT, Project.objects.all()).values("pk")
    deputy_id = getattr(user, "deputy_id", None)
    condition = Q(pk__in=visible)
    if deputy_id and has_perm(user, SUPERVISE):
        condition |= Q(groups__members__id=deputy_id)
    allowed = Project.objects.filter(condition).values("pk")
    return (Project.objects.filter(pk__in=allowed)
            .select_related("cycle__congress", "lead_unit", "proposal"))


def project_get_for(*, user: Any, pk: int) -> Project:
    """One project the user works on; DoesNotExist for any other, whether it exists or not."""
    return projects_for(user=user).get(pk=pk)


def public_projects(*, cycle: ProjectCycle) -> QuerySet[Project]:
    if cycle.status not in PUBLIC:
        return Project.objects.none()
    return cycle.projects.select_related("lead_unit", "proposal")


def project_public_get(*, pk: int) -> Project:
    return (Project.objects.select_related("cycle__congress", "lead_unit", "proposal")
            .filter(cycle__status__in=PUBLIC).get(pk=pk))


def photo_get_for(*, user: Any, pk: int) -> ProgressPhoto:
    """A photo of a public project for anyone; of another project, only to those in scope."""
    photos = ProgressPhoto.objects.select_related("report__project")
    public = photos.filter(report__project__cycle__status__in=PUBLIC)
    photo = public.filter(pk=pk).first()
    return photo or scope_filter(user, VIEW_PHOTO, photos).get(pk=pk)


def reports_of(*, project: Project, limit: int | None = None) -> list[ProgressReport]:
    reports = project.reports.select_related("reported_by").prefetch_related("photos")
    return list(reports[:limit] if limit else reports)


def inspections_of(*, project: Project) -> list[Inspection]:
    return list(project.inspections.select_related("group").prefetch_related("participants"))


def may_plan(*, user: Any, project: Project) -> bool:
    return project.cycle.status in ACTIVE and has_perm(user, MANAGE, project)


def may_report(*, user: Any, project: Project) -> bool:
    return (project.cycle.status in ACTIVE and project.lead_unit_id is not None
            and has_perm(user, REPORT, project))


def groups_for(*, user: Any) -> QuerySet[SupervisionGroup]:
    return (scope_filter(user, VIEW_GROUP, SupervisionGroup.objects.all())
            .select_related("cycle__congress", "leader").prefetch_related("projects", "members"))


def group_get_for(*, user: Any, pk: int) -> SupervisionGroup:
    return groups_for(user=user).get(pk=pk)


def may_inspect(*, user: Any, group: SupervisionGroup) -> bool:
    return group.cycle.status in ACTIVE and has_perm(user, SUPERVISE, group)


def cycles_managed(*, user: Any) -> QuerySet[ProjectCycle]:
    return (scope_filter(user, MANAGE, ProjectCycle.objects.all())
            .select_related("congress").order_by("-year", "id"))


def congress_units(*, cycle: ProjectCycle) -> QuerySet[HandlingUnit]:
    """The units that may lead a project: those of the congress's area, in use."""
    return HandlingUnit.objects.filter(is_active=True,
                                       area__path__startswith=cycle.congress.area.path)


def time_progress(*, year: int, on: datetime.date) -> int:
    """The share of the year gone on `on`, in per cent (0 before it starts, 100 after)."""
    if on.year < year:
        return 0
    if on.year > year:
        return 100
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return round(((on - start).days + 1) * 100 / ((end - start).days + 1))


def status_for(*, progress: int, year: int, on: datetime.date,
               threshold: int = DELAY_POINTS) -> str:
    if progress >= 100:
        return Project.Status.COMPLETED
    if time_progress(year=year, on=on) - progress > threshold:
        return Project.Status.DELAYED
    return Project.Status.IN_PROGRESS


# --- The plan and milestones ------------------------------------------------------------------

def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: _("请填写金额（万元）")}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError({field: _("金额应为 0 到 9999999999.99 万元")})
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def project_plan_save(*, actor: Any, project_id: int, lead_unit_id: int | None, plan: str,
                      budget: Any, government_report: str = "") -> Project:
    """The office sets the lead unit, the plan, the budget and (at evaluation) the
    government's report on the project."""
    with transaction.atomic():
        project = _locked_project(project_id)
        _require(actor, MANAGE, project)
        _active(project)
        errors: dict[str, Any] = {}
        unit = None
        if lead_unit_id:
            unit = congress_units(cycle=project.cycle).filter(pk=lead_unit_id).first()
            if unit is None:
                errors["lead_unit"] = _("请从本级承办单位中选择牵头单位")
        fields = {"lead_unit": unit}
        for name, limit, value in (("plan", 10000, plan),
                                   ("government_report", 10000, government_report)):
            try:
                fields[name] = clean_text(value, field=name, max_length=limit)
            except ValidationError as error:
                errors.update(error.message_dict)
        try:
            fields["budget"] = _money(budget, "budget")
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        changed = sorted(name for name, value in fields.items()
                         if getattr(project, name) != value)
        for name in changed:
            setattr(project, name, fields[name])
        project._history_user = actor
        project.save(update_fields=[*changed, "updated_at"])
        event_append(target=project, action="plan", actor=actor,
                     data={"fields": changed, "lead_unit": unit.pk if unit else None})
    return project


def milestone_add(*, actor: Any, project_id: int, title: str, due_on: datetime.date) -> Milestone:
    """The lead unit (or the office) adds a milestone of the plan."""
    with transaction.atomic():
        project = _locked_project(project_id)
        _require(actor, REPORT, project)
        _active(project)
        title = clean_text(title, field="title", max_length=120, required=True)
        if not isinstance(due_on, datetime.date):
            raise ValidationError({"due_on": _("请填写计划完成日期")})
        milestone = Milestone(project=project, title=title, due_on=due_on)
        milestone._history_user = actor
        milestone.save()
        event_append(target=project, action="milestone_add", actor=actor,
                     data={"milestone": milestone.pk, "due_on": due_on.isoformat()})
    return milestone


def milestone_done(*, actor: Any, milestone_id: int,
                   done_on: datetime.date | None = None) -> Milestone:
    """The lead unit marks a milestone reached (today unless told)."""
    done_on = done_on or timezone.localdate()
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
        project = _locked_project(milestone.project_id)
        _require(actor, REPORT, project)
        _active(project)
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": _("完成日期不能晚于今天")})
        milestone.done_on = done_on
        milestone._history_user = actor
        milestone.save(update_fields=["done_on", "updated_at"])
        event_append(target=project, action="milestone_done", actor=actor,
                     data={"milestone": milestone.pk, "done_on": done_on.isoformat()})
    return milestone


# --- Progress reports -------------------------------------------------------------------------

def _report_clean(progress: Any, spent: Any, note: str, on: datetime.date) -> dict:
    errors: dict[str, Any] = {}
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        errors["progress"] = _("进度应为 0 到 100 之间的整数")
    try:
        spent = _money(spent, "spent") or Decimal("0.00")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        note = clean_text(note, field="note", max_length=5000, required=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    if on > timezone.localdate():
        errors["reported_on"] = _("填报日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    return {"progress": progress, "spent": spent, "note": note}


def photo_limits(congress) -> tuple[int, int]:
    """How many photos a report may carry and how many MB each."""
    return (setting_value(congress=congress, key="projects.photo_max_count"),
            setting_value(congress=congress, key="projects.photo_max_mb"))


def _photos_check(files: Sequence[File], congress) -> list[tuple[File, str]]:
    max_count, max_mb = photo_limits(congress)
    if len(files) > max_count:
        raise ValidationError({"photos": _("每次最多上传 %(max)d 张照片") % {"max": max_count}})
    checked = []
    for file in files:
        try:
            checked.append((file, check_image(file, max_bytes=max_mb * 1024 * 1024)))
        except ValidationError as error:
            name = clean_file_name(file.name or "")
            raise ValidationError({"photos": [
                _("%(name)s：%(message)s") % {"name": name, "message": message} if name
                else message for message in error.messages]}) from None
    return checked


def _photos_store(report: ProgressReport, checked: list[tuple[File, str]], actor: Any,
                  written: list[str]) -> None:
    for file, content_type in checked:
        photo = ProgressPhoto(report=report, original_name=clean_file_name(file.name or ""))
        file.seek(0)
        photo.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS.get(content_type, 'jpg')}", file,
                        save=False)
        written.append(photo.file.name)
        photo._history_user = actor
        photo.save()


def project_refresh(*, project: Project) -> Project:
    """Progress, spending and status from the latest report (by date, then by filing)."""
    latest = project.reports.order_by("-reported_on", "-id").first()
    if latest is None:
        return project
    project.progress, project.spent = latest.progress, latest.spent
    threshold = setting_value(congress=project.cycle.congress, key="projects.delay_threshold",
                              on=latest.reported_on)
    project.status = status_for(progress=latest.progress, year=project.cycle.year,
                                on=latest.reported_on, threshold=threshold)
    project.save(update_fields=["progress", "spent", "status", "updated_at"])
    return project


def progress_report_add(*, actor: Any, project_id: int, progress: Any, spent: Any, note: str,
                        photos: Sequence[File] = (),
                        reported_on: datetime.date | None = None) -> ProgressReport:
    """The lead unit reports progress with photos; the project follows its latest report."""
    on = reported_on or timezone.localdate()
    project = Project.objects.select_related("cycle").get(pk=project_id)
    _require(actor, REPORT, project)
    _active(project)
    if project.lead_unit_id is None:
        raise ValidationError(_("人大常委会办公室确定牵头单位后才能填报进度"))
    fields = _report_clean(progress, spent, note, on)
    checked = _photos_check(photos, project.cycle.congress)
    with files_removed_on_failure() as written, transaction.atomic():
        project = _locked_project(project_id)
        report = ProgressReport(project=project, reported_on=on, reported_by=actor, **fields)
        report._history_user = actor
        report.save()
        _photos_store(report, checked, actor, written)
        before = project.status
        project._history_user = actor
        project_refresh(project=project)
        event_append(target=project, action="progress", actor=actor, from_status=before,
                     to_status=project.status,
                     data={"report": report.pk, "progress": report.progress,
                           "spent": str(report.spent), "photos": len(checked)})
    return report


# --- Supervision groups and inspections -------------------------------------------------------

def group_deputies(*, cycle: ProjectCycle) -> list[Deputy]:
    """The deputies who may sit in a group: those with a seat in the congress today."""
    return seated_deputies(cycle=cycle, on=timezone.localdate())


def _group_clean(cycle: ProjectCycle, name: str, leader_id: int | None,
                 member_ids: Sequence[int], project_ids: Sequence[int]) -> dict:
    errors: dict[str, Any] = {}
    try:
        name = clean_text(name, field="name", max_length=80, required=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    seated = {deputy.pk for deputy in group_deputies(cycle=cycle)}
    members = {int(pk) for pk in member_ids}
    if leader_id:
        members.add(int(leader_id))
    if not members:
        errors["members"] = _("请至少选择一位代表")
    elif members - seated:
        errors["members"] = _("只能选择本级人大代表")
    projects = {int(pk) for pk in project_ids}
    if projects - set(cycle.projects.values_list("pk", flat=True)):
        errors["projects"] = _("只能选择本年度的项目")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "leader_id": int(leader_id) if leader_id else None,
            "members": sorted(members), "projects": sorted(projects)}


def group_save(*, actor: Any, cycle_id: int, name: str, leader_id: int | None,
               member_ids: Sequence[int], project_ids: Sequence[int],
               group_id: int | None = None) -> SupervisionGroup:
    """The office forms (or changes) a supervision group: its leader, members and projects.
    The leader is always a member."""
    with transaction.atomic():
        cycle = ProjectCycle.objects.select_for_update().select_related("congress").get(
            pk=cycle_id)
        _require(actor, MANAGE, cycle)
        if cycle.status not in ACTIVE:
            raise ValidationError(_("本年度项目已经通报，不能再修改"))
        fields = _group_clean(cycle, name, leader_id, member_ids, project_ids)
        group = (SupervisionGroup(cycle=cycle) if group_id is None
                 else cycle.groups.select_for_update().get(pk=group_id))
        group.name, group.leader_id = fields["name"], fields["leader_id"]
        group._history_user = actor
        group.save()
        group.members.set(fields["members"])
        group.projects.set(fields["projects"])
        event_append(target=group, action="create" if group_id is None else "edit",
                     actor=actor, data={key: fields[key] for key in ("members", "projects")})
    return group


def inspection_record(*, actor: Any, group_id: int, project_id: int, date: datetime.date,
                      participant_ids: Sequence[int], findings: str,
                      recommendations: str = "") -> Inspection:
    """A member of the group (or the office) records the group's visit to one of its
    projects; deputies outside the group may not."""
    group = SupervisionGroup.objects.select_related("cycle").get(pk=group_id)
    _require(actor, SUPERVISE, group)
    if group.cycle.status not in ACTIVE:
        raise ValidationError(_("本年度项目已经通报，不能再修改"))
    errors: dict[str, Any] = {}
    project = group.projects.filter(pk=project_id).first()
    if project is None:
        errors["project"] = _("请选择本小组监督的项目")
    if not isinstance(date, datetime.date):
        errors["date"] = _("请填写检查日期")
    elif date > timezone.localdate():
        errors["date"] = _("检查日期不能晚于今天")
    members = set(group.members.values_list("pk", flat=True))
    participants = {int(pk) for pk in participant_ids}
    if not participants:
        errors["participants"] = _("请选择参加检查的代表")
    elif participants - members:
        errors["participants"] = _("只能选择本小组的代表")
    texts = {}
    for name, value, required in (("findings", findings, True),
                                  ("recommendations", recommendations, False)):
        try:
            texts[name] = clean_text(value, field=name, max_length=5000, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = Inspection(group=group, project=project, date=date, recorded_by=actor,
                                **texts)
        inspection._history_user = actor
        inspection.save()
        inspection.participants.set(sorted(participants))
        event_append(target=inspection, action="record", actor=actor,
                     data={"group": group.pk, "project": project.pk,
                           "participants": sorted(participants)})
    return inspection


# --- The final report -------------------------------------------------------------------------

def rate_of(good: int, total: int) -> str | None:
    """A share in per cent with two decimals ("98.56"), None with nothing to share."""
    if not total:
        return None
    value = Decimal(good) * 100 / Decimal(total)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def evaluation_ballot(*, cycle: ProjectCycle) -> Ballot | None:
    """The cycle's published evaluation ballot (a failed one has no result to report)."""
    return (cycle.ballots.filter(kind=Ballot.Kind.EVALUATION, status=Ballot.Status.PUBLISHED)
            .order_by("-id").first())


def survey_choices(*, cycle: ProjectCycle) -> list[dict]:
    return list(setting_value(congress=cycle.congress, key="projects.evaluation_choices",
                              on=timezone.localdate()))


def _tally(choices: list[dict], counts: dict[str, int]) -> dict:
    answered = sum(counts.get(choice["code"], 0) for choice in choices)
    good = sum(counts.get(choice["code"], 0) for choice in choices if choice.get("counts"))
    return {"counts": [{"code": c["code"], "label": c["label"], "count": counts.get(c["code"], 0)}
                       for c in choices],
            "answered": answered, "good": good, "rate": rate_of(good, answered)}


def final_report_figures(*, cycle: ProjectCycle) -> dict:
    """Per project the deputies' evaluation (from the published ballot's result) and the
    public survey's counts and rates, and the overall rates of both."""
    ballot = evaluation_ballot(cycle=cycle)
    result = ballot.result if ballot else {}
    ballot_choices = list((ballot.rules if ballot else {}).get("choices", []))
    by_proposal = {row["proposal"]: row for row in result.get("items", [])}
    choices = survey_choices(cycle=cycle)
    survey: dict[int, Counter] = {}
    for project_id, rating in SurveyResponse.objects.filter(project__cycle=cycle).values_list(
            "project_id", "rating"):
        survey.setdefault(project_id, Counter())[rating] += 1
    rows, survey_all = [], Counter()
    for project in cycle.projects.select_related("lead_unit", "proposal"):
        item = by_proposal.get(project.proposal_id)
        counts = survey.get(project.pk, Counter())
        survey_all.update(counts)
        rows.append({"project": project,
                     "ballot": _tally(ballot_choices, item["counts"]) if item else None,
                     "survey": _tally(choices, counts)})
    answered = sum(row["ballot"]["answered"] for row in rows if row["ballot"])
    good = sum(row["ballot"]["good"] for row in rows if row["ballot"])
    return {"ballot": ballot, "ballot_result": result, "rows": rows,
            "ballot_rate": rate_of(good, answered), "ballot_choices": ballot_choices,
            "survey_choices": choices, "survey": _tally(choices, survey_all)}


def final_report_save(*, actor: Any, cycle_id: int, text: str,
                      publish: bool = False) -> ProjectCycle:
    """The office writes the final report (通报) and, with `publish`, moves the cycle to
    reported, which makes the report public and closes the survey."""
    text = clean_text(text, field="final_report", max_length=20000, required=publish)
    with transaction.atomic():
        cycle = ProjectCycle.objects.select_for_update().get(pk=cycle_id)
        _require(actor, MANAGE, cycle)
        if cycle.status != C.EVALUATING:
            raise ValidationError(_("只有测评阶段的年度才能撰写和发布通报"))
        if publish:
            if evaluation_ballot(cycle=cycle) is None:
                raise ValidationError(_("代表满意度测评结果公布后才能发布通报"))
            return workflow_move(workflow=CYCLE, obj=cycle, action="report", actor=actor,
                                 changes={"final_report": text})
        cycle.final_report = text
        cycle._history_user = actor
        cycle.save(update_fields=["final_report", "updated_at"])
        event_append(target=cycle, action="final_report_draft", actor=actor,
                     data={"length": len(text)})
    return cycle
