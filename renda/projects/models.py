"""Livelihood projects voted by deputies (民生实事项目人大代表票决制), DOMAIN §5: one cycle a year,
征集 (proposals) → 初选 (the government's screening) → 审议备选 (the standing committee's
shortlist, more candidates than places) → 票决 (the deputies' secret ballot at the plenary
session) → 实施 (the government's plan and progress) → 监督 (deputies' supervision groups) →
测评 (the deputies' satisfaction ballot and the public's survey) → 通报 (the final report).

The secret ballots share one design (`renda.projects.ballots`): a roll of the deputies
(`Attendance`: present, voted, no time, no history) and the stored ballots (`CastBallot`: a
random id, the choices, no deputy, no time, no history), written in one transaction that
touches every roll row of the ballot, so that nothing stored joins a deputy to a choice and a
recount from the stored ballots gives the published result.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.directory.models import Area, Congress, Deputy, HandlingUnit, PlenarySession, Station


class ProjectCycle(TimeStampedModel):
    """One year's livelihood projects of a congress, from the call for proposals to the final
    report. `year` is the year the projects are carried out (proposals are collected the year
    before)."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集")
        SCREENING = "screening", _("初选")
        SHORTLISTING = "shortlisting", _("审议备选")
        VOTING = "voting", _("代表票决")
        IMPLEMENTING = "implementing", _("实施和监督")
        EVALUATING = "evaluating", _("测评")
        REPORTED = "reported", _("已通报")

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.PROTECT,
                                 related_name="project_cycles")
    year = models.PositiveSmallIntegerField(_("实施年度"))
    title = models.CharField(_("名称"), max_length=120)
    places = models.PositiveSmallIntegerField(_("确定项目数"),
                                              help_text=_("票决确定的正式项目个数"))
    collect_opens_on = models.DateField(_("征集开始日期"))
    collect_closes_on = models.DateField(_("征集截止日期"))
    session = models.ForeignKey(PlenarySession, verbose_name=_("票决的大会会议"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.COLLECTING)
    final_report = models.TextField(_("通报"), blank=True, max_length=20000)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("民生实事项目年度")
        verbose_name_plural = pgettext_lazy("plural", "民生实事项目年度")
        ordering = ["congress", "-year"]
        permissions = [
            ("manage_cycle", _("组织民生实事项目票决")),
            ("screen_proposal", _("初选民生实事项目")),
            ("run_ballot", _("主持票决和测评（计票、纸质票录入）")),
            ("cast_ballot", _("参加票决和测评")),
            ("report_progress", _("填报项目实施进度")),
            ("supervise_project", _("监督民生实事项目")),
        ]
        constraints = [models.UniqueConstraint(fields=["congress", "year"],
                                               name="project_cycle_unique_year")]

    def __str__(self) -> str:
        return self.title


class Proposal(TimeStampedModel):
    """A proposed project (征集): from the public online or through a station, from a deputy,
    or put forward by the standing committee or the government; screened, shortlisted and, if
    the deputies choose it, carried out as a `Project`."""

    class Source(models.TextChoices):
        PUBLIC = "public", _("群众网上提出")
        STATION = "station", _("联络站收集")
        DEPUTY = "deputy", _("代表提出")
        COMMITTEE = "committee", _("常委会提出")
        GOVERNMENT = "government", _("政府提出")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("通过初选")
        REJECTED = "rejected", _("未通过初选")
        CANDIDATE = "candidate", _("候选项目")
        CHOSEN = "chosen", _("票决确定")
        NOT_CHOSEN = "not_chosen", _("未当选")

    cycle = models.ForeignKey(ProjectCycle, verbose_name=_("年度"), on_delete=models.CASCADE,
                              related_name="proposals")
    number = models.CharField(_("编号"), max_length=30, editable=False)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    title = models.CharField(_("项目名称"), max_length=120)
    description = models.TextField(_("建设内容"), max_length=5000)
    reasons = models.TextField(_("理由"), max_length=5000, blank=True)
    category = models.CharField(_("类别"), max_length=40)
    area = models.ForeignKey(Area, verbose_name=_("实施地点"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    estimated_cost = models.DecimalField(_("估算投资（万元）"), max_digits=12, decimal_places=2,
                                         null=True, blank=True)
    proposer_name = models.CharField(_("提出人"), max_length=40, blank=True)
    proposer_mobile = models.CharField(_("提出人手机号码"), max_length=20, blank=True)
    deputy = models.ForeignKey(Deputy, verbose_name=_("提出的代表"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="project_proposals")
    station = models.ForeignKey(Station, verbose_name=_("收集的联络站"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="project_proposals")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED)
    # The government's reason, published with the rejection (初选 must say why).
    screening_note = models.TextField(_("初选意见"), blank=True, max_length=2000)
    ballot_order = models.PositiveSmallIntegerField(_("选票顺序"), null=True, blank=True)
    # Proposals merged into this one at screening (several people ask for the same thing).
    merged_into = models.ForeignKey("self", verbose_name=_("合并到"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged")
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["cycle__congress__area__path"],
        "station": ["station__path"],
        "deputy": ["deputy_id"],
    }
    PRIVATE_FIELDS = ("proposer_name", "proposer_mobile")

    class Meta:
        verbose_name = _("征集项目")
        verbose_name_plural = pgettext_lazy("plural", "征集项目")
        ordering = ["cycle", "ballot_order", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"],
                                               name="proposal_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Ballot(TimeStampedModel):
    """A secret ballot of the deputies at the plenary session: the vote that chooses the
    projects among the candidates (`selection`), or the satisfaction vote on each project a
    year later (`evaluation`). Its rules are copied from the settings when it is prepared, so
    that changing a setting never changes a result; the result is computed from the stored
    ballots when it closes and can be recounted from them at any time."""

    class Kind(models.TextChoices):
        SELECTION = "selection", _("项目票决")
        EVALUATION = "evaluation", _("满意度测评")

    class Method(models.TextChoices):
        APPROVE = "approve", _("逐项表决（赞成、反对、弃权）")
        CHOOSE = "choose", _("限额选择（最多选 N 项）")
        RATE = "rate", _("逐项测评（满意、基本满意、不满意）")

    class Status(models.TextChoices):
        PREPARED = "prepared", _("准备中")
        OPEN = "open", _("投票中")
        CLOSED = "closed", _("已计票")
        PUBLISHED = "published", _("已公布")
        FAILED = "failed", _("未达法定人数，投票无效")

    cycle = models.ForeignKey(ProjectCycle, verbose_name=_("年度"), on_delete=models.CASCADE,
                              related_name="ballots")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    method = models.CharField(_("表决方式"), max_length=16, choices=Method.choices)
    title = models.CharField(_("名称"), max_length=120)
    # {"base": "all"|"present"|"valid", "threshold": 0.5, "places": N, "tie_break": …,
    #  "quorum": 0.6667, "choices": […]}: see renda.projects.settings_registry.
    rules = models.JSONField(_("计票规则"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PREPARED)
    opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票时间"), null=True, blank=True)
    eligible = models.PositiveIntegerField(_("应到代表"), default=0)
    present = models.PositiveIntegerField(_("实到代表"), default=0)
    result = models.JSONField(_("计票结果"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["present"])

    # A deputy reaches the ballots whose roll lists him or her.
    ACCESS_SCOPES = {"area": ["cycle__congress__area__path"], "deputy": ["roll__deputy_id"]}

    class Meta:
        verbose_name = _("票决")
        verbose_name_plural = pgettext_lazy("plural", "票决")
        ordering = ["cycle", "kind", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:ballot", args=[self.pk])


class BallotItem(models.Model):
    """One line of a ballot: a candidate (selection) or a project (evaluation)."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE,
                               related_name="items")
    proposal = models.ForeignKey(Proposal, verbose_name=_("项目"), on_delete=models.PROTECT,
                                 related_name="ballot_items")
    order = models.PositiveSmallIntegerField(_("顺序"))

    ACCESS_SCOPES = {"area": ["ballot__cycle__congress__area__path"]}

    class Meta:
        verbose_name = _("选票项目")
        verbose_name_plural = pgettext_lazy("plural", "选票项目")
        ordering = ["ballot", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_item_unique"),
            models.UniqueConstraint(fields=["ballot", "order"], name="ballot_item_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.proposal.title}"


class Attendance(models.Model):
    """The roll of one ballot: each deputy with a seat, whether present (checked in by the
    tellers) and whether he or she has voted, electronically or on paper. No time, no
    history: the roll must not tell when anybody voted."""

    class Channel(models.TextChoices):
        DEVICE = "device", _("电子表决")
        PAPER = "paper", _("纸质选票")

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE,
                               related_name="roll")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="+")
    present = models.BooleanField(_("出席"), default=False)
    voted = models.BooleanField(_("已投票"), default=False)
    channel = models.CharField(_("投票方式"), max_length=8, choices=Channel.choices, blank=True)

    ACCESS_SCOPES = {"area": ["ballot__cycle__congress__area__path"], "deputy": ["deputy_id"]}

    class Meta:
        verbose_name = _("出席和投票情况")
        verbose_name_plural = pgettext_lazy("plural", "出席和投票情况")
        ordering = ["ballot", "deputy"]
        constraints = [models.UniqueConstraint(fields=["ballot", "deputy"],
                                               name="attendance_unique_deputy")]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.deputy_id}"


class CastBallot(models.Model):
    """One stored ballot paper, electronic or entered by the tellers from paper: the choices
    only. A random id, no deputy, no time, no history; kept for the recount."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE,
                               related_name="cast")
    # {"<item id>": "for"|"against"|"abstain"} (approve), {"chosen": [item ids]} (choose),
    # {"<item id>": "satisfied"|"basic"|"dissatisfied"} (rate).
    choices = models.JSONField(_("选择"))
    paper = models.BooleanField(_("纸质选票"), default=False)

    ACCESS_SCOPES = {"area": ["ballot__cycle__congress__area__path"]}

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = pgettext_lazy("plural", "选票")

    def __str__(self) -> str:
        return str(self.id)


class Project(TimeStampedModel):
    """A project the deputies chose, carried out by the government: the plan, the lead unit,
    the budget and the progress reported."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("制定方案")
        IN_PROGRESS = "in_progress", _("实施中")
        COMPLETED = "completed", pgettext_lazy("project status", "已完成")
        DELAYED = "delayed", _("进度滞后")

    cycle = models.ForeignKey(ProjectCycle, verbose_name=_("年度"), on_delete=models.CASCADE,
                              related_name="projects")
    proposal = models.OneToOneField(Proposal, verbose_name=_("候选项目"),
                                    on_delete=models.PROTECT, related_name="project")
    title = models.CharField(_("项目名称"), max_length=120)
    lead_unit = models.ForeignKey(HandlingUnit, verbose_name=_("牵头单位"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="livelihood_projects")
    plan = models.TextField(_("实施方案"), blank=True, max_length=10000)
    budget = models.DecimalField(_("预算（万元）"), max_digits=12, decimal_places=2, null=True,
                                 blank=True)
    spent = models.DecimalField(_("已支出（万元）"), max_digits=12, decimal_places=2, default=0)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PLANNING)
    government_report = models.TextField(_("政府完成情况报告"), blank=True, max_length=10000)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["cycle__congress__area__path"], "unit": ["lead_unit__path"]}

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = pgettext_lazy("plural", "民生实事项目")
        ordering = ["cycle", "proposal__ballot_order", "id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100),
                                              name="project_progress_percent")]

    def __str__(self) -> str:
        return self.title


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="milestones")
    title = models.CharField(_("节点"), max_length=120)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["project__cycle__congress__area__path"],
                     "unit": ["project__lead_unit__path"]}

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = pgettext_lazy("plural", "项目节点")
        ordering = ["project", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(TimeStampedModel):
    """The unit's report of progress: per cent done, money spent, what was done, photos."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="reports")
    reported_on = models.DateField(_("填报日期"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    spent = models.DecimalField(_("累计支出（万元）"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("进展情况"), max_length=5000)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                    on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["project__cycle__congress__area__path"],
                     "unit": ["project__lead_unit__path"]}

    class Meta:
        verbose_name = _("进度报告")
        verbose_name_plural = pgettext_lazy("plural", "进度报告")
        ordering = ["project", "-reported_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100),
                                              name="progress_report_percent")]

    def __str__(self) -> str:
        return f"{self.project} {self.reported_on} {self.progress}%"


class ProgressPhoto(models.Model):
    report = models.ForeignKey(ProgressReport, verbose_name=_("进度报告"),
                               on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("照片"), upload_to="projects/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["report__project__cycle__congress__area__path"],
                     "unit": ["report__project__lead_unit__path"]}

    class Meta:
        verbose_name = _("进度照片")
        verbose_name_plural = pgettext_lazy("plural", "进度照片")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class SupervisionGroup(TimeStampedModel):
    """A group of deputies following some of the projects (平房: 5 groups over 10 projects;
    宁国: one per project)."""

    cycle = models.ForeignKey(ProjectCycle, verbose_name=_("年度"), on_delete=models.CASCADE,
                              related_name="groups")
    name = models.CharField(_("名称"), max_length=80)
    leader = models.ForeignKey(Deputy, verbose_name=_("组长"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Deputy, verbose_name=_("成员"), blank=True,
                                     related_name="project_groups")
    projects = models.ManyToManyField(Project, verbose_name=_("监督的项目"), blank=True,
                                      related_name="groups")
    history = HistoricalRecords(m2m_fields=[members, projects])

    ACCESS_SCOPES = {"area": ["cycle__congress__area__path"], "deputy": ["members__id"]}

    class Meta:
        verbose_name = _("监督小组")
        verbose_name_plural = pgettext_lazy("plural", "监督小组")
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return self.name


class Inspection(TimeStampedModel):
    """A supervision group's visit to a project, with what it found and recommends."""

    group = models.ForeignKey(SupervisionGroup, verbose_name=_("监督小组"),
                              on_delete=models.CASCADE, related_name="inspections")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="inspections")
    date = models.DateField(_("日期"))
    participants = models.ManyToManyField(Deputy, verbose_name=_("参加的代表"), blank=True,
                                          related_name="project_inspections")
    findings = models.TextField(_("发现的问题"), max_length=5000)
    recommendations = models.TextField(_("意见建议"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                    on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[participants])

    ACCESS_SCOPES = {"area": ["project__cycle__congress__area__path"],
                     "unit": ["project__lead_unit__path"], "deputy": ["participants__id"]}

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = pgettext_lazy("plural", "监督检查")
        ordering = ["project", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.date}"


class SurveyResponse(models.Model):
    """One member of the public's rating of one project (群众测评): one per confirmed phone
    number (kept only as its digest) per project."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="survey")
    phone_digest = models.CharField(_("手机号码摘要"), max_length=64)
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    ACCESS_SCOPES = {"area": ["project__cycle__congress__area__path"]}

    class Meta:
        verbose_name = _("群众测评")
        verbose_name_plural = pgettext_lazy("plural", "群众测评")
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "phone_digest"],
                                               name="survey_once_per_phone")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.rating}"
