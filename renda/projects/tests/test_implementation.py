"""Carrying out the projects: the office's plan, the lead unit's milestones and progress reports
with photos, the supervision groups' inspections, the public progress page, and the final
report's figures from hand-built ballots and survey responses.

`project_world()` gives 平房区's cycle with two chosen projects: 老旧小区改造 led by the
住房和城乡建设局 (whose handler is `unit_handler`) and 社区卫生服务站 led by the 卫生健康局.
"""

import dataclasses
import datetime
import io
import shutil
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from renda.core.models import Event
from renda.directory.testing import World, build_world
from renda.projects import ballots
from renda.projects import implementation as impl
from renda.projects.models import (
    Ballot,
    Inspection,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCycle,
    Proposal,
    SupervisionGroup,
    SurveyResponse,
)
from renda.suggestions.tests.test_drafting_base import deputy_user

NOTE = "完成 3 栋楼外墙保温和屋面防水，正在更换供暖管网。"


def png(size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclasses.dataclass
class ProjectWorld:
    world: World
    cycle: ProjectCycle
    housing: Project
    health: Project


def project_world(*, status: str = ProjectCycle.Status.IMPLEMENTING,
                  year: int | None = None) -> ProjectWorld:
    """The cycle with its two projects, as the selection ballot's publication leaves them, and
    their lead units set."""
    world = build_world()
    year = year or timezone.localdate().year
    cycle = ProjectCycle.objects.create(
        congress=world.congresses["pingfang"], year=year, title=f"{year} 年平房区民生实事项目",
        places=2, collect_opens_on=datetime.date(year - 1, 9, 1),
        collect_closes_on=datetime.date(year - 1, 10, 31), status=status)
    projects = []
    for order, (title, unit) in enumerate((("兴建街道老旧小区改造", "housing"),
                                           ("友协社区卫生服务站", "health")), start=1):
        proposal = Proposal.objects.create(
            cycle=cycle, number=f"PF-{year}-{order:03d}", source=Proposal.Source.PUBLIC,
            title=title, description=f"{title}的建设内容", category="housing",
            status=Proposal.Status.CHOSEN, ballot_order=order, estimated_cost=800)
        projects.append(Project.objects.create(cycle=cycle, proposal=proposal, title=title,
                                               budget=800, lead_unit=world.units[unit]))
    return ProjectWorld(world=world, cycle=cycle, housing=projects[0], health=projects[1])


class ProjectTestCase(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="renda-projects-")
        self.addCleanup(shutil.rmtree, media, True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.pw = project_world()
        self.world = self.pw.world
        self.office = self.world.users["office_staff"]
        self.handler = self.world.users["unit_handler"]

    def sign_in(self, user) -> None:
        self.client.force_login(user)


class PlanTests(ProjectTestCase):
    def test_the_office_sets_the_lead_unit_plan_and_budget(self) -> None:
        self.sign_in(self.office)
        response = self.client.post(reverse("projects:project_plan", args=[self.pw.health.pk]), {
            "lead_unit": self.world.units["housing"].pk, "budget": "650.5",
            "plan": "改造友协社区卫生服务站 600 平方米", "government_report": ""})
        self.assertRedirects(response, reverse("projects:project", args=[self.pw.health.pk]))
        project = Project.objects.get(pk=self.pw.health.pk)
        self.assertEqual(project.lead_unit, self.world.units["housing"])
        self.assertEqual(str(project.budget), "650.50")
        self.assertTrue(Event.objects.filter(action="plan", object_id=project.pk).exists())

    def test_a_unit_of_another_district_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            impl.project_plan_save(actor=self.office, project_id=self.pw.housing.pk,
                                   lead_unit_id=self.world.units["songbei_gov"].pk, plan="",
                                   budget=None)
        self.assertIn("lead_unit", caught.exception.message_dict)

    def test_a_unit_may_not_change_the_plan(self) -> None:
        self.sign_in(self.handler)
        response = self.client.get(reverse("projects:project_plan", args=[self.pw.housing.pk]))
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(PermissionDenied):
            impl.project_plan_save(actor=self.handler, project_id=self.pw.housing.pk,
                                   lead_unit_id=None, plan="", budget=None)


class ListTests(ProjectTestCase):
    def test_the_list_costs_the_same_queries_however_many_projects(self) -> None:
        self.client.force_login(self.office)
        url = reverse("projects:project_list")
        with CaptureQueriesContext(connection) as before:
            self.assertContains(self.client.get(url), self.pw.health.title)
        for order in range(3, 6):
            proposal = Proposal.objects.create(
                cycle=self.pw.cycle, number=f"PF-X-{order}", source=Proposal.Source.DEPUTY,
                title=f"项目{order}", description="内容", category="other",
                status=Proposal.Status.CHOSEN, ballot_order=order)
            Project.objects.create(cycle=self.pw.cycle, proposal=proposal, title=f"项目{order}",
                                   lead_unit=self.world.units["health"])
        with CaptureQueriesContext(connection) as after:
            self.assertContains(self.client.get(url), "项目5")
        self.assertEqual(len(after), len(before))


class UnitScopeTests(ProjectTestCase):
    def test_a_unit_sees_only_its_own_projects(self) -> None:
        self.sign_in(self.handler)
        response = self.client.get(reverse("projects:project_list"))
        self.assertContains(response, self.pw.housing.title)
        self.assertNotContains(response, self.pw.health.title)
        self.assertEqual(self.client.get(
            reverse("projects:project", args=[self.pw.health.pk])).status_code, 404)

    def test_a_unit_reports_only_on_its_own_projects(self) -> None:
        self.sign_in(self.handler)
        response = self.client.post(
            reverse("projects:progress_report_new", args=[self.pw.health.pk]),
            {"progress": "30", "spent": "10", "note": NOTE})
        self.assertEqual(response.status_code, 404)
        with self.assertRaises(PermissionDenied):
            impl.progress_report_add(actor=self.handler, project_id=self.pw.health.pk,
                                     progress=30, spent=10, note=NOTE)
        self.assertFalse(ProgressReport.objects.exists())

    def test_the_unit_reports_progress_with_a_photo(self) -> None:
        self.sign_in(self.handler)
        photo = SimpleUploadedFile("现场.png", png(), content_type="image/png")
        response = self.client.post(
            reverse("projects:progress_report_new", args=[self.pw.housing.pk]),
            {"progress": "45", "spent": "320.5", "note": NOTE, "photos": [photo]})
        self.assertRedirects(response, reverse("projects:project", args=[self.pw.housing.pk]))
        project = Project.objects.get(pk=self.pw.housing.pk)
        self.assertEqual((project.progress, str(project.spent)), (45, "320.50"))
        self.assertNotEqual(project.status, Project.Status.PLANNING)
        item = ProgressPhoto.objects.get()
        self.assertEqual(item.original_name, "现场.png")
        self.client.logout()
        # Photos of works are public, served through the view, never under /media/.
        served = self.client.get(reverse("projects:photo", args=[item.pk]))
        self.assertEqual(served["Content-Type"], "image/png")
        self.assertEqual(b"".join(served.streaming_content), png())
        page = self.client.get(reverse("projects:project_public", args=[project.pk]))
        self.assertContains(page, NOTE)
        self.assertContains(page, reverse("projects:photo", args=[item.pk]))
        self.assertNotContains(page, "/media/")

    def test_a_percent_over_100_keeps_what_was_typed(self) -> None:
        self.sign_in(self.handler)
        response = self.client.post(
            reverse("projects:progress_report_new", args=[self.pw.housing.pk]),
            {"progress": "120", "spent": "10", "note": NOTE})
        self.assertContains(response, "进度应为 0 到 100 之间的整数", status_code=400)
        self.assertContains(response, NOTE, status_code=400)
        self.assertContains(response, 'value="120"', status_code=400)
        self.assertFalse(ProgressReport.objects.exists())

    def test_a_file_that_is_not_a_picture_is_refused(self) -> None:
        self.sign_in(self.handler)
        fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a picture at all",
                                  content_type="image/jpeg")
        response = self.client.post(
            reverse("projects:progress_report_new", args=[self.pw.housing.pk]),
            {"progress": "50", "spent": "10", "note": NOTE, "photos": [fake]})
        self.assertContains(response, "只能上传", status_code=400)
        self.assertContains(response, NOTE, status_code=400)
        self.assertContains(response, "请重新选择", status_code=400)
        self.assertFalse(ProgressReport.objects.exists())
        self.assertEqual(Project.objects.get(pk=self.pw.housing.pk).progress, 0)

    def test_milestones_added_and_reached_by_the_unit(self) -> None:
        self.sign_in(self.handler)
        due = timezone.localdate() + datetime.timedelta(days=30)
        response = self.client.post(reverse("projects:milestone_add", args=[self.pw.housing.pk]),
                                    {"title": "完成招标", "due_on": due.isoformat()})
        self.assertEqual(response.status_code, 302)
        milestone = self.pw.housing.milestones.get()
        self.client.post(reverse("projects:milestone_done", args=[milestone.pk]))
        milestone.refresh_from_db()
        self.assertEqual(milestone.done_on, timezone.localdate())
        bad = self.client.post(reverse("projects:milestone_add", args=[self.pw.housing.pk]),
                               {"title": "主体完工", "due_on": "明年"})
        self.assertContains(bad, "请按“年-月-日”填写日期", status_code=400)
        self.assertContains(bad, "主体完工", status_code=400)


class StatusTests(TestCase):
    def test_progress_status_follows_the_latest_report(self) -> None:
        last_year = timezone.localdate().year - 1
        pw = project_world(year=last_year)
        handler = pw.world.users["unit_handler"]
        report = lambda percent, day: impl.progress_report_add(  # noqa: E731
            actor=handler, project_id=pw.housing.pk, progress=percent, spent=percent * 5,
            note=NOTE, reported_on=day)
        # 1 December: 92 % of the year gone; 60 % done is more than 20 points behind.
        report(60, datetime.date(last_year, 12, 1))
        pw.housing.refresh_from_db()
        self.assertEqual((pw.housing.progress, pw.housing.status), (60, Project.Status.DELAYED))
        # A report dated earlier does not replace the latest one.
        report(80, datetime.date(last_year, 6, 1))
        pw.housing.refresh_from_db()
        self.assertEqual(pw.housing.progress, 60)
        report(75, datetime.date(last_year, 12, 2))
        pw.housing.refresh_from_db()
        self.assertEqual(pw.housing.status, Project.Status.IN_PROGRESS)
        report(100, datetime.date(last_year, 12, 20))
        pw.housing.refresh_from_db()
        self.assertEqual((pw.housing.progress, str(pw.housing.spent), pw.housing.status),
                         (100, "500.00", Project.Status.COMPLETED))

    def test_time_progress_of_the_year(self) -> None:
        self.assertEqual(impl.time_progress(year=2026, on=datetime.date(2025, 12, 31)), 0)
        self.assertEqual(impl.time_progress(year=2026, on=datetime.date(2026, 7, 2)), 50)
        self.assertEqual(impl.time_progress(year=2026, on=datetime.date(2027, 1, 1)), 100)


class SupervisionTests(ProjectTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.li = deputy_user(self.world, "li")
        self.zhao = deputy_user(self.world, "zhao")
        self.wang = self.world.users["deputy"]

    def make_group(self) -> SupervisionGroup:
        self.sign_in(self.office)
        response = self.client.post(reverse("projects:group_new", args=[self.pw.cycle.pk]), {
            "name": "第一监督小组", "leader": self.world.deputies["li"].pk,
            "members": [self.world.deputies["zhao"].pk], "projects": [self.pw.housing.pk]})
        group = SupervisionGroup.objects.get()
        self.assertRedirects(response, reverse("projects:group", args=[group.pk]))
        self.client.logout()
        return group

    def test_the_office_forms_a_group_with_its_leader_among_the_members(self) -> None:
        group = self.make_group()
        self.assertEqual({d.name for d in group.members.all()}, {"李秀英", "赵志强"})
        self.assertEqual(list(group.projects.all()), [self.pw.housing])

    def test_a_deputy_of_another_district_cannot_join(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            impl.group_save(actor=self.office, cycle_id=self.pw.cycle.pk, name="小组",
                            leader_id=None, member_ids=[self.world.deputies["sun"].pk],
                            project_ids=[])
        self.assertIn("members", caught.exception.message_dict)

    def test_a_member_records_an_inspection_that_the_unit_and_public_see(self) -> None:
        group = self.make_group()
        self.sign_in(self.li)
        findings = "外墙保温施工质量良好，个别楼栋施工围挡占用消防通道。"
        response = self.client.post(reverse("projects:inspection_new", args=[group.pk]), {
            "project": self.pw.housing.pk, "date": timezone.localdate().isoformat(),
            "participants": [self.world.deputies["li"].pk, self.world.deputies["zhao"].pk],
            "findings": findings, "recommendations": "尽快清理消防通道"})
        self.assertEqual(response.status_code, 302)
        inspection = Inspection.objects.get()
        self.assertEqual(inspection.recorded_by, self.li)
        # The deputy's workbench lists the group's project.
        self.assertContains(self.client.get(reverse("projects:project_list")),
                            self.pw.housing.title)
        self.client.logout()
        self.sign_in(self.handler)
        page = self.client.get(reverse("projects:project", args=[self.pw.housing.pk]))
        self.assertContains(page, findings)
        # The unit reads the group's name; the group's own page is for the office and members.
        self.assertContains(page, "第一监督小组")
        self.assertNotContains(page, reverse("projects:group", args=[group.pk]))
        self.client.logout()
        self.assertContains(self.client.get(
            reverse("projects:project_public", args=[self.pw.housing.pk])), findings)

    def test_a_deputy_outside_the_group_cannot_record_an_inspection(self) -> None:
        group = self.make_group()
        self.sign_in(self.wang)
        response = self.client.post(reverse("projects:inspection_new", args=[group.pk]), {
            "project": self.pw.housing.pk, "date": timezone.localdate().isoformat(),
            "participants": [self.world.deputies["wang"].pk], "findings": "看过了"})
        self.assertEqual(response.status_code, 404)
        with self.assertRaises(PermissionDenied):
            impl.inspection_record(actor=self.wang, group_id=group.pk,
                                   project_id=self.pw.housing.pk, date=timezone.localdate(),
                                   participant_ids=[self.world.deputies["wang"].pk],
                                   findings="看过了")
        self.assertFalse(Inspection.objects.exists())

    def test_an_inspection_of_a_project_outside_the_group_is_refused(self) -> None:
        group = self.make_group()
        self.sign_in(self.zhao)
        response = self.client.post(reverse("projects:inspection_new", args=[group.pk]), {
            "project": self.pw.health.pk, "date": timezone.localdate().isoformat(),
            "participants": [self.world.deputies["zhao"].pk], "findings": "看过了"})
        self.assertContains(response, "请选择本小组监督的项目", status_code=400)
        self.assertContains(response, "看过了", status_code=400)


def evaluation_published(pw: ProjectWorld, papers: list[dict[str, str]]) -> Ballot:
    """The deputies' evaluation ballot of the cycle, voted on paper (the tellers hand a paper
    to each present deputy and enter the papers, keyed "housing"/"health"), counted and
    published through the ballot services."""
    office = pw.world.users["office_staff"]
    ballot = ballots.ballot_prepare(actor=office, cycle_id=pw.cycle.pk,
                                    kind=Ballot.Kind.EVALUATION)
    deputies = [pw.world.deputies[key] for key in ("wang", "li", "zhao")][:len(papers)]
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk,
                            deputy_ids=[deputy.pk for deputy in deputies])
    ballots.ballot_open(actor=office, ballot_id=ballot.pk)
    items = {item.proposal_id: str(item.pk) for item in ballot.items.all()}
    keys = {"housing": items[pw.housing.proposal_id], "health": items[pw.health.proposal_id]}
    for deputy, paper in zip(deputies, papers, strict=True):
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk, deputy_id=deputy.pk)
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk,
                                   choices={keys[key]: code for key, code in paper.items()})
    ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    return ballots.ballot_publish(actor=office, ballot_id=ballot.pk)


def survey_answers(project: Project, ratings: list[str]) -> None:
    for n, rating in enumerate(ratings):
        SurveyResponse.objects.create(project=project, phone_digest=f"{project.pk}-{n}",
                                      rating=rating)


class FinalReportTests(TestCase):
    def setUp(self) -> None:
        self.pw = project_world(status=ProjectCycle.Status.EVALUATING)
        self.office = self.pw.world.users["office_staff"]
        evaluation_published(self.pw, [
            {"housing": "satisfied", "health": "basic"},
            {"housing": "satisfied", "health": "satisfied"},
            {"housing": "dissatisfied", "health": "satisfied"},
        ])
        survey_answers(self.pw.housing, ["satisfied", "satisfied", "basic", "dissatisfied"])
        survey_answers(self.pw.health, ["dissatisfied"])

    def test_the_figures_of_each_project_and_overall(self) -> None:
        figures = impl.final_report_figures(cycle=self.pw.cycle)
        rows = {row["project"].pk: row for row in figures["rows"]}
        housing, health = rows[self.pw.housing.pk], rows[self.pw.health.pk]
        self.assertEqual([c["count"] for c in housing["ballot"]["counts"]], [2, 0, 1])
        self.assertEqual(housing["ballot"]["rate"], "66.67")
        self.assertEqual(health["ballot"]["rate"], "100.00")
        self.assertEqual(figures["ballot_rate"], "83.33")
        self.assertEqual([c["count"] for c in housing["survey"]["counts"]], [2, 1, 1])
        self.assertEqual(housing["survey"]["rate"], "75.00")
        self.assertEqual(health["survey"]["rate"], "0.00")
        self.assertEqual((figures["survey"]["answered"], figures["survey"]["rate"]),
                         (5, "60.00"))
        # The ballot's own overall rate is the same figure.
        self.assertEqual(figures["ballot_result"]["rate"], "83.33")

    def test_the_office_publishes_the_report_and_the_public_reads_it(self) -> None:
        url = reverse("projects:final_report", args=[self.pw.cycle.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.office)
        page = self.client.get(url)
        self.assertContains(page, "83.33%")
        self.assertContains(page, "60.00%")
        refused = self.client.post(url, {"final_report": "  ", "action": "publish"})
        self.assertContains(refused, "此项不能为空", status_code=400)
        self.assertEqual(ProjectCycle.objects.get(pk=self.pw.cycle.pk).status,
                         ProjectCycle.Status.EVALUATING)
        text = "2026 年 2 个民生实事项目全部按期推进，代表测评总体满意率 83.33%。"
        self.assertRedirects(self.client.post(url, {"final_report": text, "action": "publish"}),
                             url)
        cycle = ProjectCycle.objects.get(pk=self.pw.cycle.pk)
        self.assertEqual((cycle.status, cycle.final_report),
                         (ProjectCycle.Status.REPORTED, text))
        self.client.logout()
        public = self.client.get(url)
        self.assertContains(public, text)
        self.assertContains(public, "66.67%")
        self.assertContains(public, "75.00%")

    def test_a_draft_is_saved_without_publishing(self) -> None:
        impl.final_report_save(actor=self.office, cycle_id=self.pw.cycle.pk, text="草稿")
        cycle = ProjectCycle.objects.get(pk=self.pw.cycle.pk)
        self.assertEqual((cycle.status, cycle.final_report),
                         (ProjectCycle.Status.EVALUATING, "草稿"))
        with self.assertRaises(PermissionDenied):
            impl.final_report_save(actor=self.pw.world.outsider, cycle_id=self.pw.cycle.pk,
                                   text="x", publish=True)
