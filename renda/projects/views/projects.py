"""Pages of the projects' implementation and supervision (实施和监督) and of the final report
(通报).

Staff pages: the workbench list of the projects a user works on (the office's of its congress,
a unit's own, a deputy's through his or her supervision groups), one project with its plan,
milestones, progress reports and inspections, the office's plan form, the unit's progress
report with photos, the office's supervision groups and the members' inspection records, and
the office's final report. Public pages (no account): each project's progress, its photos, and
the final report once published.

Thin adapters: reads through the selectors of `renda.projects.implementation`, writes
through its services, which check permissions and states again. A project the user does not
work on is a 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from renda.accounts.access import has_perm
from renda.core.uploads import IMAGE_TYPES, limit_request_body
from renda.core.workflow import TransitionNotAllowed
from renda.opinions.attachments import request_max_bytes
from renda.projects import implementation as impl
from renda.projects import survey
from renda.projects.forms_projects import (
    FinalReportForm,
    GroupForm,
    InspectionForm,
    MilestoneForm,
    PlanForm,
    ProgressReportForm,
    add_service_error,
)
from renda.projects.models import (
    Milestone,
    ProgressPhoto,
    Project,
    ProjectCycle,
    SupervisionGroup,
)
from renda.projects.permissions import MANAGE, REPORT, SUPERVISE

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
PUBLIC_REPORTS = 5

# The same ceiling on a request's body as every other form with files; the service checks
# each photo's content, size and number.
photos_body_limit = limit_request_body(max_bytes=request_max_bytes,
                                       template_name="opinions/too_big.html")


def _project_or_404(request: HttpRequest, pk: int) -> Project:
    try:
        return impl.project_get_for(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def _group_or_404(request: HttpRequest, pk: int) -> SupervisionGroup:
    try:
        return impl.group_get_for(user=request.user, pk=pk)
    except SupervisionGroup.DoesNotExist:
        raise Http404 from None


def _managed_cycle(request: HttpRequest, pk: int) -> ProjectCycle:
    try:
        return impl.cycles_managed(user=request.user).get(pk=pk)
    except ProjectCycle.DoesNotExist:
        raise Http404 from None


# --- The workbench ---------------------------------------------------------------------------

@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """民生实事项目: the projects the user works on by year, and the supervision groups."""
    if not any(has_perm(request.user, perm) for perm in (MANAGE, REPORT, SUPERVISE)):
        raise PermissionDenied
    projects = list(impl.projects_for(user=request.user).order_by(
        "-cycle__year", "proposal__ballot_order", "id"))
    cycles: dict[int, dict[str, Any]] = {}
    for project in projects:
        cycles.setdefault(project.cycle_id, {"cycle": project.cycle, "projects": []})[
            "projects"].append(project)
    managed = [cycle for cycle in impl.cycles_managed(user=request.user)
               if cycle.status in (*impl.ACTIVE, ProjectCycle.Status.REPORTED)]
    for cycle in managed:
        cycles.setdefault(cycle.pk, {"cycle": cycle, "projects": []})["managed"] = True
    return render(request, "projects/projects/list.html", {
        "cycles": sorted(cycles.values(), key=lambda row: (-row["cycle"].year, row["cycle"].pk)),
        "groups": list(impl.groups_for(user=request.user).order_by("-cycle__year", "id")),
    })


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    user = request.user
    may_report = impl.may_report(user=user, project=project)
    return render(request, "projects/projects/detail.html", {
        "project": project, "milestones": list(project.milestones.all()),
        "reports": impl.reports_of(project=project),
        "inspections": impl.inspections_of(project=project),
        "groups": list(project.groups.all()),
        "visible_groups": set(impl.groups_for(user=user).filter(projects=project)
                              .values_list("pk", flat=True)),
        "may_plan": impl.may_plan(user=user, project=project), "may_report": may_report,
        "milestone_form": MilestoneForm(label_suffix="") if may_report else None,
        "time_progress": impl.time_progress(year=project.cycle.year, on=timezone.localdate()),
    })


@login_required
def project_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    if not impl.may_plan(user=request.user, project=project):
        raise PermissionDenied
    initial = {"lead_unit": project.lead_unit, "budget": project.budget, "plan": project.plan,
               "government_report": project.government_report}
    form = PlanForm(request.POST or None, units=impl.congress_units(cycle=project.cycle),
                    initial=initial, label_suffix="")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            impl.project_plan_save(
                actor=request.user, project_id=project.pk,
                lead_unit_id=data["lead_unit"].pk if data["lead_unit"] else None,
                plan=data["plan"], budget=data["budget"],
                government_report=data["government_report"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("实施方案已保存"))
            return redirect("projects:project", pk=project.pk)
    return render(request, "projects/projects/plan.html", {"project": project, "form": form},
                  status=400 if form.is_bound else 200)


@photos_body_limit
@login_required
def progress_report_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    if not impl.may_report(user=request.user, project=project):
        raise PermissionDenied
    form = ProgressReportForm(request.POST or None, request.FILES or None, project=project,
                              label_suffix="")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = impl.progress_report_add(
                actor=request.user, project_id=project.pk, progress=data["progress"],
                spent=data["spent"], note=data["note"], photos=data["photos"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("进度已填报：完成 %(progress)d%%") % {
                "progress": report.progress})
            return redirect("projects:project", pk=project.pk)
    return render(request, "projects/projects/report_form.html", {
        "project": project, "form": form, "files_dropped": bool(request.FILES)},
        status=400 if form.is_bound else 200)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    if not impl.may_report(user=request.user, project=project):
        raise PermissionDenied
    form = MilestoneForm(request.POST, label_suffix="")
    if form.is_valid():
        try:
            impl.milestone_add(actor=request.user, project_id=project.pk, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已添加节点"))
            return redirect(f"{reverse('projects:project', args=[project.pk])}#milestones")
    return render(request, "projects/projects/milestone_form.html",
                  {"project": project, "form": form}, status=400)


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = Milestone.objects.filter(pk=pk).first()
    if milestone is None:
        raise Http404
    project = _project_or_404(request, milestone.project_id)
    try:
        impl.milestone_done(actor=request.user, milestone_id=milestone.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("节点“%(title)s”已标记完成") % {"title": milestone.title})
    return redirect(f"{reverse('projects:project', args=[project.pk])}#milestones")


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A progress photo: public for a public project (works, not people); otherwise only to
    those in scope; a 404 to anyone else."""
    try:
        item = impl.photo_get_for(user=request.user, pk=pk)
        handle = item.file.open("rb")
    except (ProgressPhoto.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    content_type = PHOTO_TYPES.get(item.file.name.rpartition(".")[2].lower(),
                                   "application/octet-stream")
    if content_type not in IMAGE_TYPES:
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Supervision groups and inspections -------------------------------------------------------

def _group_form(request: HttpRequest, cycle: ProjectCycle,
                group: SupervisionGroup | None) -> GroupForm:
    initial = {}
    if group is not None:
        initial = {"name": group.name, "leader": group.leader_id,
                   "members": [d.pk for d in group.members.all()],
                   "projects": [p.pk for p in group.projects.all()]}
    return GroupForm(request.POST or None, deputies=impl.group_deputies(cycle=cycle),
                     projects=list(cycle.projects.all()), initial=initial, label_suffix="")


def _group_page(request: HttpRequest, cycle: ProjectCycle,
                group: SupervisionGroup | None) -> HttpResponse:
    if cycle.status not in impl.ACTIVE:
        messages.error(request, _("本年度项目已经通报，不能再修改"))
        return redirect("projects:project_list")
    form = _group_form(request, cycle, group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = impl.group_save(actor=request.user, cycle_id=cycle.pk, name=data["name"],
                                    leader_id=data["leader"], member_ids=data["members"],
                                    project_ids=data["projects"],
                                    group_id=group.pk if group else None)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("监督小组“%(name)s”已保存") % {"name": saved.name})
            return redirect("projects:group", pk=saved.pk)
    return render(request, "projects/projects/group_form.html",
                  {"cycle": cycle, "group": group, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
def group_new(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _group_page(request, _managed_cycle(request, cycle_pk), None)


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    if not has_perm(request.user, MANAGE, group.cycle):
        raise PermissionDenied
    return _group_page(request, group.cycle, group)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    return render(request, "projects/projects/group.html", {
        "group": group, "members": list(group.members.all()),
        "projects": list(group.projects.select_related("lead_unit")),
        "inspections": list(group.inspections.select_related("project")
                            .prefetch_related("participants")),
        "may_inspect": impl.may_inspect(user=request.user, group=group),
        "may_edit": group.cycle.status in impl.ACTIVE
        and has_perm(request.user, MANAGE, group.cycle),
    })


@login_required
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    if not impl.may_inspect(user=request.user, group=group):
        raise PermissionDenied
    members = list(group.members.all())
    own = [d.pk for d in members if d.pk == getattr(request.user, "deputy_id", None)]
    form = InspectionForm(request.POST or None, projects=list(group.projects.all()),
                          members=members, label_suffix="",
                          initial={"date": timezone.localdate(), "participants": own,
                                   "project": request.GET.get("project")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = impl.inspection_record(
                actor=request.user, group_id=group.pk, project_id=data["project"],
                date=data["date"], participant_ids=data["participants"],
                findings=data["findings"], recommendations=data["recommendations"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("检查记录已保存"))
            return redirect(f"{reverse('projects:group', args=[group.pk])}"
                            f"#inspection-{inspection.pk}")
    return render(request, "projects/projects/inspection_form.html",
                  {"group": group, "form": form}, status=400 if form.is_bound else 200)


# --- The final report ------------------------------------------------------------------------

def final_report(request: HttpRequest, pk: int) -> HttpResponse:
    """通报: the office's page from evaluation on (figures, the text, publication); the
    public's once published."""
    cycle = ProjectCycle.objects.select_related("congress").filter(pk=pk).first()
    if cycle is None:
        raise Http404
    office = has_perm(request.user, MANAGE, cycle)
    statuses = (ProjectCycle.Status.EVALUATING, ProjectCycle.Status.REPORTED)
    if cycle.status not in (statuses if office else statuses[1:]):
        raise Http404
    form = None
    if office and cycle.status == ProjectCycle.Status.EVALUATING:
        form = FinalReportForm(request.POST or None, label_suffix="",
                               initial={"final_report": cycle.final_report})
        if request.method == "POST" and form.is_valid() and \
                _final_report_save(request, cycle, form):
            return redirect("projects:final_report", pk=cycle.pk)
    elif request.method == "POST":
        messages.error(request, _("通报已经发布，不能再修改"))
        return redirect("projects:final_report", pk=cycle.pk)
    return render(request, "projects/projects/final_report.html", {
        "cycle": cycle, **impl.final_report_figures(cycle=cycle), "office": office,
        "form": form,
        "comments": survey.survey_comments(cycle=cycle) if office else {},
    }, status=400 if form is not None and form.is_bound else 200)


def _final_report_save(request: HttpRequest, cycle: ProjectCycle, form: FinalReportForm) -> bool:
    publish = request.POST.get("action") == "publish"
    try:
        impl.final_report_save(actor=request.user, cycle_id=cycle.pk,
                               text=form.cleaned_data["final_report"], publish=publish)
    except (ValidationError, TransitionNotAllowed) as error:
        if isinstance(error, ValidationError):
            add_service_error(form, error)
        else:
            form.add_error(None, str(error))
        return False
    messages.success(request, _("通报已发布") if publish else _("通报草稿已保存"))
    return True


# --- Public pages ----------------------------------------------------------------------------

def project_public(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's public progress page: the plan, the lead unit, progress, milestones, the
    latest reports with photos and the supervision groups' findings."""
    try:
        project = impl.project_public_get(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    return render(request, "projects/projects/public.html", {
        "project": project, "milestones": list(project.milestones.all()),
        "reports": impl.reports_of(project=project, limit=PUBLIC_REPORTS),
        "inspections": impl.inspections_of(project=project),
        "time_progress": impl.time_progress(year=project.cycle.year, on=timezone.localdate()),
        "survey_open": survey.survey_is_open(project.cycle),
    })


urlpatterns = [
    path("work/", project_list, name="project_list"),
    path("work/<int:pk>/", project_detail, name="project"),
    path("work/<int:pk>/plan/", project_plan, name="project_plan"),
    path("work/<int:pk>/report/", progress_report_new, name="progress_report_new"),
    path("work/<int:pk>/milestones/", milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", milestone_done, name="milestone_done"),
    path("photos/<int:pk>/", photo, name="photo"),
    path("groups/new/<int:cycle_pk>/", group_new, name="group_new"),
    path("groups/<int:pk>/", group_detail, name="group"),
    path("groups/<int:pk>/edit/", group_edit, name="group_edit"),
    path("groups/<int:pk>/inspections/new/", inspection_new, name="inspection_new"),
    path("final-report/<int:pk>/", final_report, name="final_report"),
    path("progress/<int:pk>/", project_public, name="project_public"),
]
