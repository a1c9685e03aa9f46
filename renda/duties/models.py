"""Deputies' duty records (履职档案), the yearly points scheme and score cards (积分考评), duty
reports with their anonymous satisfaction vote (述职评议) and star ratings of stations and
deputies (星级评定). DOMAIN §2 and §6.

Activity types, default rules, grades, vote choices and criteria are per-congress settings
(`renda.duties.settings_registry`); a year's scheme is a `PointsScheme` row with its rules.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.directory.models import Congress, Deputy, Station

DEPUTY_SCOPES = {
    "area": ["congress__area__path"],
    "station": ["deputy__station_assignments__station__path"],
    "deputy": ["deputy_id"],
}


class DutyRecord(TimeStampedModel):
    """One duty activity of a deputy (履职登记): recorded by the deputy or by staff for the
    deputy, or written by the system from what the other loops already hold (a reception day on
    duty, an opinion triaged, a suggestion filed or co-signed, a ballot cast). An automatic
    record carries `source_key`, unique, so that collecting twice never records twice."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("登记")
        AUTOMATIC = "automatic", _("自动记录")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("有效")
        REJECTED = "rejected", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤回")

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.PROTECT,
                                 related_name="duty_records")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="duty_records")
    activity_type = models.CharField(_("活动类型"), max_length=40)
    date = models.DateField(_("日期"), db_index=True)
    title = models.CharField(_("活动名称"), max_length=200)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.CharField(_("参加人员"), max_length=500, blank=True,
                                    help_text=_("一起参加的代表和其他人员"))
    people_count = models.PositiveIntegerField(
        _("联系群众人数"), default=0, help_text=_("这次活动中联系、接待的选民和群众人数"))
    description = models.TextField(_("情况说明"), blank=True, max_length=5000)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices,
                              default=Source.MANUAL)
    # "<app>.<kind>:<id>[:<deputy id>]" for automatic records; null for manual ones.
    source_key = models.CharField(_("来源标识"), max_length=120, unique=True, null=True,
                                  blank=True, editable=False)
    source_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("来源对象类型"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", editable=False,
    )
    source_id = models.PositiveBigIntegerField(_("来源对象编号"), null=True, blank=True,
                                               editable=False)
    source_object = GenericForeignKey("source_type", "source_id")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.RECORDED)
    status_note = models.CharField(_("退回或撤回理由"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Set by the score card computation: what this record brought under the year's scheme
    # (0 once a cap is reached), so that the card can show the evidence behind every point.
    points = models.DecimalField(_("积分"), max_digits=7, decimal_places=2, default=0,
                                 editable=False)
    capped = models.BooleanField(_("超过上限"), default=False, editable=False)
    history = HistoricalRecords()

    ACCESS_SCOPES = DEPUTY_SCOPES

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = pgettext_lazy("plural", "履职记录")
        ordering = ["-date", "-id"]
        permissions = [
            ("record_duty", _("登记履职活动")),
            ("record_duty_for_others", _("为代表登记履职活动、奖励和扣分")),
            ("reject_duty", _("退回履职记录")),
        ]
        indexes = [models.Index(fields=["congress", "deputy", "date"],
                                name="duty_congress_deputy_date")]

    def __str__(self) -> str:
        return f"{self.deputy} {self.date} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("duties:record_detail", args=[self.pk])


class DutyPhoto(models.Model):
    """A photo of an activity, checked by content when it comes in; seen by those who may see
    the record, never from /media/."""

    record = models.ForeignKey(DutyRecord, verbose_name=_("履职记录"), on_delete=models.CASCADE,
                               related_name="photos")
    file = models.ImageField(_("照片"), upload_to="duties/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["record__congress__area__path"],
        "station": ["record__deputy__station_assignments__station__path"],
        "deputy": ["record__deputy_id"],
    }

    class Meta:
        verbose_name = _("履职照片")
        verbose_name_plural = pgettext_lazy("plural", "履职照片")
        ordering = ["record", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class PointsScheme(TimeStampedModel):
    """A congress's points scheme for one year (履职积分考评办法): its rules and quotas. Any
    change recomputes that year's score cards."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.PROTECT,
                                 related_name="points_schemes")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    note = models.TextField(_("说明"), blank=True)
    max_total = models.DecimalField(_("总分上限"), max_digits=7, decimal_places=2, null=True,
                                    blank=True, help_text=_("留空表示不设上限"))
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("积分办法")
        verbose_name_plural = pgettext_lazy("plural", "积分办法")
        ordering = ["congress", "-year"]
        permissions = [("manage_points", _("制定积分办法"))]
        constraints = [models.UniqueConstraint(fields=["congress", "year"],
                                               name="points_scheme_unique_year")]

    def __str__(self) -> str:
        return self.title


class PointsRule(TimeStampedModel):
    """Points for each record of one activity type, and the most a year may bring from it.
    A negative number is a deduction (absence without leave)."""

    scheme = models.ForeignKey(PointsScheme, verbose_name=_("积分办法"),
                               on_delete=models.CASCADE, related_name="rules")
    activity_type = models.CharField(_("活动类型"), max_length=40)
    points = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(_("全年上限"), max_digits=7, decimal_places=2, null=True,
                              blank=True, help_text=_("该类活动全年最多计多少分（扣分按绝对值）；"
                                                      "留空表示不设上限"))
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["scheme__congress__area__path"]}

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = pgettext_lazy("plural", "积分规则")
        ordering = ["scheme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "activity_type"],
                                    name="points_rule_unique_type"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0),
                                   name="points_rule_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type}: {self.points}"


class Quota(TimeStampedModel):
    """A yearly minimum (通河: every deputy contacts at least 10 constituents a year)."""

    class Measure(models.TextChoices):
        PEOPLE = "people", _("联系人数")
        RECORDS = "records", _("活动次数")

    scheme = models.ForeignKey(PointsScheme, verbose_name=_("积分办法"),
                               on_delete=models.CASCADE, related_name="quotas")
    code = models.SlugField(_("代码"), max_length=40)
    label = models.CharField(_("名称"), max_length=80)
    activity_types = models.JSONField(_("计入的活动类型"), default=list)
    measure = models.CharField(_("计量"), max_length=16, choices=Measure.choices,
                               default=Measure.PEOPLE)
    minimum = models.PositiveIntegerField(_("全年最低"))
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["scheme__congress__area__path"]}

    class Meta:
        verbose_name = _("履职定额")
        verbose_name_plural = pgettext_lazy("plural", "履职定额")
        ordering = ["scheme", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"],
                                               name="quota_unique_code")]

    def __str__(self) -> str:
        return self.label


class ScoreCard(models.Model):
    """A deputy's yearly score under the year's scheme; written only by the computation
    (`renda.duties.points`), never by hand, and rewritten whenever a record or a rule changes."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.CASCADE,
                                 related_name="score_cards")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="score_cards")
    year = models.PositiveSmallIntegerField(_("年度"))
    scheme = models.ForeignKey(PointsScheme, verbose_name=_("积分办法"),
                               on_delete=models.CASCADE, related_name="cards")
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, default=0)
    grade = models.CharField(_("等次"), max_length=40, blank=True)
    # {"<quota code>": {"label": …, "actual": n, "minimum": n}}
    quotas = models.JSONField(_("定额完成情况"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    ACCESS_SCOPES = DEPUTY_SCOPES

    class Meta:
        verbose_name = _("积分卡")
        verbose_name_plural = pgettext_lazy("plural", "积分卡")
        ordering = ["congress", "year", "-total", "deputy"]
        constraints = [models.UniqueConstraint(fields=["congress", "deputy", "year"],
                                               name="score_card_unique_year")]

    def __str__(self) -> str:
        return f"{self.deputy} {self.year}: {self.total}"


class ScoreLine(models.Model):
    """One activity type on a score card: how many records, what they would bring and what
    they brought under the cap."""

    card = models.ForeignKey(ScoreCard, verbose_name=_("积分卡"), on_delete=models.CASCADE,
                             related_name="lines")
    activity_type = models.CharField(_("活动类型"), max_length=40)
    count = models.PositiveIntegerField(_("次数"), default=0)
    people = models.PositiveIntegerField(_("联系人数"), default=0)
    raw_points = models.DecimalField(_("应计分"), max_digits=8, decimal_places=2, default=0)
    points = models.DecimalField(_("实计分"), max_digits=8, decimal_places=2, default=0)

    ACCESS_SCOPES = {
        "area": ["card__congress__area__path"],
        "station": ["card__deputy__station_assignments__station__path"],
        "deputy": ["card__deputy_id"],
    }

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = pgettext_lazy("plural", "积分明细")
        ordering = ["card", "-points", "activity_type"]
        constraints = [models.UniqueConstraint(fields=["card", "activity_type"],
                                               name="score_line_unique_type")]

    def __str__(self) -> str:
        return f"{self.card_id} {self.activity_type}: {self.points}"


# --- Duty reports (述职) and their anonymous vote ----------------------------------------------

class DutyReportRound(TimeStampedModel):
    """One year's duty reports of a congress: who reports (a share of the deputies, 房山 20 %)."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.PROTECT,
                                 related_name="duty_report_rounds")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    share = models.DecimalField(_("述职比例"), max_digits=4, decimal_places=3,
                                help_text=_("例如 0.2 表示 20% 的代表"))
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("年度述职安排")
        verbose_name_plural = pgettext_lazy("plural", "年度述职安排")
        ordering = ["congress", "-year"]
        permissions = [("manage_duty_reports", _("安排述职和组织测评"))]
        constraints = [models.UniqueConstraint(fields=["congress", "year"],
                                               name="duty_report_round_unique_year")]

    def __str__(self) -> str:
        return self.title


class DutyReport(TimeStampedModel):
    """One deputy's duty report (述职) to an audience, and the result of its anonymous vote.

    The vote itself lives in two tables that share nothing but the report: `ReportBallot`
    (which codes have been used, with no time) and `ReportTally` (a count per choice, no time,
    no history). Nothing stored joins a voter to a choice.
    """

    class Status(models.TextChoices):
        SELECTED = "selected", _("已确定述职")
        SUBMITTED = "submitted", _("已提交述职报告")
        VOTING = "voting", _("测评中")
        CLOSED = "closed", _("测评结束")
        PUBLISHED = "published", _("已公布")
        EXCUSED = "excused", _("不再述职")

    class Audience(models.TextChoices):
        COMMITTEE = "committee", _("常委会组成人员")
        STATION = "station", _("联络站选民")

    round = models.ForeignKey(DutyReportRound, verbose_name=_("年度述职安排"),
                              on_delete=models.CASCADE, related_name="reports")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="duty_reports")
    audience = models.CharField(_("测评对象"), max_length=16, choices=Audience.choices,
                                default=Audience.STATION)
    station = models.ForeignKey(Station, verbose_name=_("述职地点（联络站）"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="duty_reports")
    scheduled_on = models.DateField(_("述职日期"), null=True, blank=True)
    text = models.TextField(_("述职报告"), blank=True, max_length=20000)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.SELECTED)
    ballots_issued = models.PositiveIntegerField(_("发放测评码数"), default=0, editable=False)
    # Written when the vote closes, from the tally.
    votes_cast = models.PositiveIntegerField(_("有效票数"), default=0, editable=False)
    votes_satisfied = models.PositiveIntegerField(_("满意票数"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["votes_cast", "votes_satisfied"])

    ACCESS_SCOPES = {
        "area": ["round__congress__area__path"],
        "station": ["station__path"],
        "deputy": ["deputy_id"],
    }

    class Meta:
        verbose_name = _("述职")
        verbose_name_plural = pgettext_lazy("plural", "述职")
        ordering = ["round", "scheduled_on", "id"]
        permissions = [("submit_duty_report", _("提交本人的述职报告"))]
        constraints = [models.UniqueConstraint(fields=["round", "deputy"],
                                               name="duty_report_unique_deputy")]

    def __str__(self) -> str:
        return f"{self.deputy} {self.round.year}"

    @property
    def satisfaction_rate(self):
        if not self.votes_cast:
            return None
        return self.votes_satisfied / self.votes_cast


class ReportBallot(models.Model):
    """One voting code handed to one member of the audience: only whether it has been used.
    No time, no history, no user: the code's digest is all there is."""

    report = models.ForeignKey(DutyReport, verbose_name=_("述职"), on_delete=models.CASCADE,
                               related_name="ballots")
    code_digest = models.CharField(_("测评码摘要"), max_length=64, unique=True)
    used = models.BooleanField(_("已使用"), default=False)

    ACCESS_SCOPES = {"area": ["report__round__congress__area__path"]}

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = pgettext_lazy("plural", "测评码")

    def __str__(self) -> str:
        return f"{self.report_id}"


class ReportTally(models.Model):
    """How many votes one choice has received in one report's vote. Created with the vote, one
    row per choice, then only incremented: no time, no history."""

    report = models.ForeignKey(DutyReport, verbose_name=_("述职"), on_delete=models.CASCADE,
                               related_name="tallies")
    choice = models.CharField(_("选项"), max_length=40)
    label = models.CharField(_("选项名称"), max_length=80)
    counts = models.BooleanField(_("计入满意率"), default=False)
    votes = models.PositiveIntegerField(_("票数"), default=0)

    ACCESS_SCOPES = {"area": ["report__round__congress__area__path"]}

    class Meta:
        verbose_name = _("测评计票")
        verbose_name_plural = pgettext_lazy("plural", "测评计票")
        ordering = ["report", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "choice"],
                                               name="report_tally_unique_choice")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.choice}: {self.votes}"


# --- Star ratings (星级联络站, 明星代表) ----------------------------------------------------------

class StarRound(TimeStampedModel):
    """One year's star rating of stations or of deputies: nomination → review → public vote →
    panel decision → published."""

    class Kind(models.TextChoices):
        STATION = "station", _("星级联络站")
        DEPUTY = "deputy", _("明星代表")

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("推荐申报")
        REVIEWING = "reviewing", _("评审打分")
        VOTING = "voting", _("网络投票")
        DECIDING = "deciding", _("评审组评定")
        PUBLISHED = "published", _("已公布")

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.PROTECT,
                                 related_name="star_rounds")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=120)
    criteria = models.JSONField(_("评审标准"), default=list,
                                help_text=_("开始评审时从配置复制：代码、名称和满分"))
    vote_opens_on = models.DateField(_("投票开始日期"), null=True, blank=True)
    vote_closes_on = models.DateField(_("投票截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.NOMINATING)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = pgettext_lazy("plural", "星级评定")
        ordering = ["congress", "-year", "kind"]
        permissions = [
            ("manage_star_round", _("组织星级评定")),
            ("nominate_star", _("推荐或申报星级")),
            ("review_star", _("星级评审打分")),
            ("decide_star", _("评定星级")),
        ]
        constraints = [models.UniqueConstraint(fields=["congress", "year", "kind"],
                                               name="star_round_unique_year_kind")]

    def __str__(self) -> str:
        return self.title


class StarCandidate(TimeStampedModel):
    """A station or a deputy in a star round, with its review average, public votes and the
    panel's decision (1 to 3 stars, or none)."""

    round = models.ForeignKey(StarRound, verbose_name=_("星级评定"), on_delete=models.CASCADE,
                              related_name="candidates")
    station = models.ForeignKey(Station, verbose_name=_("联络站"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="star_candidacies")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="star_candidacies")
    self_nominated = models.BooleanField(_("自荐"), default=False)
    statement = models.TextField(_("申报材料"), max_length=5000)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"),
                                     on_delete=models.PROTECT, related_name="+")
    is_withdrawn = models.BooleanField(_("已撤回"), default=False)
    review_average = models.DecimalField(_("评审平均分"), max_digits=6, decimal_places=2,
                                         null=True, blank=True, editable=False)
    public_votes = models.PositiveIntegerField(_("网络票数"), default=0, editable=False)
    combined_score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2,
                                         null=True, blank=True, editable=False)
    stars = models.PositiveSmallIntegerField(_("评定星级"), null=True, blank=True,
                                             help_text=_("0 表示不评星"))
    decision_note = models.CharField(_("评定意见"), max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["public_votes"])

    ACCESS_SCOPES = {
        "area": ["round__congress__area__path"],
        "station": ["station__path"],
        "deputy": ["deputy_id"],
    }

    class Meta:
        verbose_name = _("星级候选")
        verbose_name_plural = pgettext_lazy("plural", "星级候选")
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(station__isnull=False, deputy__isnull=True)
                           | Q(station__isnull=True, deputy__isnull=False)),
                name="star_candidate_one_subject"),
            models.UniqueConstraint(fields=["round", "station"], name="star_candidate_station",
                                    condition=Q(station__isnull=False)),
            models.UniqueConstraint(fields=["round", "deputy"], name="star_candidate_deputy",
                                    condition=Q(deputy__isnull=False)),
            models.CheckConstraint(condition=Q(stars__isnull=True) | Q(stars__lte=3),
                                   name="star_candidate_stars_range"),
        ]

    def __str__(self) -> str:
        return str(self.station or self.deputy)


class StarReviewScore(models.Model):
    """One reviewer's score of one candidate on one criterion."""

    candidate = models.ForeignKey(StarCandidate, verbose_name=_("星级候选"),
                                  on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审人"),
                                 on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(_("评审项"), max_length=40)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("评分时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["candidate__round__congress__area__path"]}

    class Meta:
        verbose_name = _("评审打分")
        verbose_name_plural = pgettext_lazy("plural", "评审打分")
        ordering = ["candidate", "reviewer", "id"]
        constraints = [models.UniqueConstraint(fields=["candidate", "reviewer", "criterion"],
                                               name="star_score_unique")]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.criterion}: {self.score}"


class StarVote(models.Model):
    """One public vote: a confirmed phone number (kept only as its digest) for one candidate on
    one day. `duties.star_votes_per_day` sets how many a number may cast a day."""

    round = models.ForeignKey(StarRound, verbose_name=_("星级评定"), on_delete=models.CASCADE,
                              related_name="votes")
    candidate = models.ForeignKey(StarCandidate, verbose_name=_("星级候选"),
                                  on_delete=models.CASCADE, related_name="votes")
    phone_digest = models.CharField(_("手机号码摘要"), max_length=64)
    voted_on = models.DateField(_("投票日期"))
    created_at = models.DateTimeField(_("投票时间"), auto_now_add=True)

    ACCESS_SCOPES = {"area": ["round__congress__area__path"]}

    class Meta:
        verbose_name = _("网络投票")
        verbose_name_plural = pgettext_lazy("plural", "网络投票")
        ordering = ["round", "id"]
        indexes = [models.Index(fields=["round", "phone_digest", "voted_on"],
                                name="star_vote_phone_day")]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate", "phone_digest", "voted_on"],
                                    name="star_vote_once_per_candidate_day"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.voted_on}"
