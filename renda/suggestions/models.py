"""Deputies' suggestions (代表建议) and motions (议案): the closed loop 提-交-办-督-评 of DOMAIN §4.

A deputy drafts, co-signers confirm, the office registers (with a number of its series) or
returns, units are assigned and reply, the deputy evaluates each reply, and the office
supervises throughout. Status changes only through `renda.suggestions.services`, which follow
the tables of `renda.suggestions.workflow` and append an `Event` per change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.directory.models import Congress, Deputy, HandlingUnit, PlenarySession, Term
from renda.opinions.models import Opinion

TITLE_MAX_LENGTH = 120
CONTENT_MAX_LENGTH = 20000
TEXT_MAX_LENGTH = 10000


class Suggestion(TimeStampedModel):
    """A suggestion, criticism or opinion (建议、批评和意见) or a motion (议案) by one deputy or
    several jointly; the first signature is the lead deputy's (领衔代表)."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("建议")
        MOTION = "motion", _("议案")

    class Series(models.TextChoices):
        SESSION = "session", _("大会期间")
        INTERIM = "interim", _("闭会期间")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        COSIGNING = "cosigning", _("待联名确认")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        REGISTERED = "registered", _("已立案")
        LETTER = "letter", _("转为来信处理")
        ASSIGNED = "assigned", _("办理中")
        REPLIED = "replied", _("已答复")
        REHANDLING = "rehandling", _("重新办理")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.PROTECT, related_name="suggestions"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="suggestions"
    )
    session = models.ForeignKey(
        PlenarySession, verbose_name=_("会议"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="suggestions", help_text=_("大会期间提出的建议所属的会议"),
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices,
                            default=Kind.SUGGESTION)
    series = models.CharField(_("提出时间"), max_length=12, choices=Series.choices,
                              default=Series.INTERIM)
    year = models.PositiveSmallIntegerField(_("年度"))
    # Given at registration, in the series of (congress, kind, numbering_key).
    numbering_key = models.CharField(_("编号序列"), max_length=30, blank=True, editable=False)
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True, editable=False)
    code = models.CharField(_("编号"), max_length=40, blank=True, editable=False)
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    content = models.TextField(_("内容"), max_length=CONTENT_MAX_LENGTH)
    category = models.CharField(
        _("分类"), max_length=30, help_text=_("取值见本级人大的“代表建议分类”配置")
    )
    lead_deputy = models.ForeignKey(
        Deputy, verbose_name=_("领衔代表"), on_delete=models.PROTECT,
        related_name="led_suggestions",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    is_public = models.BooleanField(_("可以公开"), default=True,
                                    help_text=_("涉及个人隐私或秘密的，不在公开页面显示"))
    source_opinion = models.ForeignKey(
        Opinion, verbose_name=_("来源民意"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="suggestions", help_text=_("由群众反映的民意转化而来时，记录来源"),
    )
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("重复提出的建议"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="repeats",
    )
    return_reason = models.TextField(_("退回理由"), blank=True, max_length=TEXT_MAX_LENGTH)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["congress__area__path"],
        "unit": ["assignments__unit__path"],
        "deputy": ["signatures__deputy_id"],
    }

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = pgettext_lazy("plural", "代表建议")
        ordering = ["-year", "-number", "-id"]
        permissions = [
            ("propose_suggestion", _("起草和提出代表建议")),
            ("review_suggestion", _("审查代表建议")),
            ("assign_suggestion", _("交办代表建议")),
            ("handle_suggestion", _("办理代表建议")),
            ("approve_suggestion_extension", _("批准代表建议延期")),
            ("evaluate_suggestion", _("评价代表建议的答复")),
            ("supervise_suggestion", _("督办代表建议")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind", "numbering_key", "number"],
                name="suggestion_unique_number", condition=Q(number__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["congress", "year", "status"],
                                name="suggestion_congress_year")]

    def __str__(self) -> str:
        code = self.code or _("未编号")
        return f"{code} {self.title}"


class SuggestionCounter(models.Model):
    """The last number given in one series (a session's suggestions, or a year's closed-period
    ones), locked while a number is allocated."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.CASCADE)
    kind = models.CharField(_("类别"), max_length=12, choices=Suggestion.Kind.choices)
    numbering_key = models.CharField(_("编号序列"), max_length=30)
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("建议编号计数器")
        verbose_name_plural = pgettext_lazy("plural", "建议编号计数器")
        constraints = [models.UniqueConstraint(fields=["congress", "kind", "numbering_key"],
                                               name="suggestion_counter_unique")]

    def __str__(self) -> str:
        return f"{self.congress} {self.kind} {self.numbering_key}: {self.last}"


SUGGESTION_CHILD_SCOPES = {
    "area": ["suggestion__congress__area__path"],
    "unit": ["suggestion__assignments__unit__path"],
    "deputy": ["suggestion__signatures__deputy_id"],
}


class Signature(models.Model):
    """A deputy's name on a suggestion: the lead deputy's (order 0, confirmed when submitted) or
    a co-signer's, who must confirm (联名) before the suggestion goes to the office."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("代表建议"),
                                   on_delete=models.CASCADE, related_name="signatures")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="suggestion_signatures")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_lead = models.BooleanField(_("领衔"), default=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    declined_at = models.DateTimeField(_("拒绝时间"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = SUGGESTION_CHILD_SCOPES

    class Meta:
        verbose_name = _("联名")
        verbose_name_plural = pgettext_lazy("plural", "联名")
        ordering = ["suggestion", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"],
                                               name="signature_unique_deputy")]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.deputy}"


class SuggestionAttachment(models.Model):
    """A file attached to a suggestion by its deputies or the office, checked by content."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("代表建议"),
                                   on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="suggestions/%Y/%m/", max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = SUGGESTION_CHILD_SCOPES

    class Meta:
        verbose_name = _("建议附件")
        verbose_name_plural = pgettext_lazy("plural", "建议附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class Assignment(TimeStampedModel):
    """One unit's part in handling a suggestion (交办): the lead unit (主办), an assisting unit
    (协办) that sends its view to the lead unit, or one of several units answering separately
    (分办). Each has its own deadline, acknowledgement and replies."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSISTING = "assisting", _("协办")
        SEPARATE = "separate", _("分办")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("办理中")
        REASSIGN_REQUESTED = "reassign_requested", _("申请调整")
        CANCELLED = "cancelled", _("已调整")
        OPINION_SENT = "opinion_sent", _("已送协办意见")
        REPLIED = "replied", _("已答复")
        REHANDLING = "rehandling", _("重新办理")

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("代表建议"),
                                   on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="suggestion_assignments")
    role = models.CharField(_("承办方式"), max_length=12, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.ASSIGNED)
    assigned_at = models.DateTimeField(_("交办时间"))
    due_at = models.DateTimeField(_("答复期限"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    extension_used = models.BooleanField(_("已延期"), default=False)
    reassign_reason = models.TextField(_("申请调整理由"), blank=True, max_length=TEXT_MAX_LENGTH)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    reminded_at = models.DateTimeField(_("催办时间"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["suggestion__congress__area__path"],
        "unit": ["unit__path"],
        "deputy": ["suggestion__signatures__deputy_id"],
    }

    OPEN_STATES = (Status.ASSIGNED, Status.ACKNOWLEDGED, Status.REASSIGN_REQUESTED,
                   Status.REHANDLING)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = pgettext_lazy("plural", "交办")
        ordering = ["suggestion", "role", "id"]
        indexes = [
            # The supervision sweep and the units' inboxes: open assignments by deadline.
            models.Index(fields=["due_at"], name="assignment_open_due_at",
                         condition=Q(status__in=["assigned", "acknowledged",
                                                 "reassign_requested", "rehandling"])),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.unit} ({self.get_role_display()})"


class ContactRecord(models.Model):
    """The unit's contact with the deputies before replying (沟通): how, when, who."""

    class Method(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("见面沟通")
        PHONE = "phone", _("电话沟通")
        WRITTEN = "written", _("书面沟通")
        OTHER = "other", _("其他方式")

    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE,
                                   related_name="contacts")
    method = models.CharField(_("沟通方式"), max_length=16, choices=Method.choices)
    contacted_on = models.DateField(_("沟通日期"))
    participants = models.CharField(_("参加人员"), max_length=500)
    note = models.TextField(_("沟通情况"), max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["assignment__suggestion__congress__area__path"],
        "unit": ["assignment__unit__path"],
        "deputy": ["assignment__suggestion__signatures__deputy_id"],
    }

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = pgettext_lazy("plural", "沟通记录")
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.contacted_on}"


class AssistOpinion(models.Model):
    """An assisting unit's written view, sent to the lead unit (协办意见)."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("协办交办"),
                                   on_delete=models.CASCADE, related_name="assist_opinions")
    body = models.TextField(_("协办意见"), max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填写人"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("送出时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["assignment__suggestion__congress__area__path"],
        # The lead unit reads it as well as the assisting unit that wrote it.
        "unit": ["assignment__suggestion__assignments__unit__path"],
        "deputy": ["assignment__suggestion__signatures__deputy_id"],
    }

    class Meta:
        verbose_name = _("协办意见")
        verbose_name_plural = pgettext_lazy("plural", "协办意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment}"


class Reply(models.Model):
    """A unit's written reply (答复) in one round of handling, classified by the congress's
    reply categories (A/B/C/D by default); B carries a promised date."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE,
                                   related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    category = models.CharField(_("答复分类"), max_length=10)
    body = models.TextField(_("答复内容"), max_length=CONTENT_MAX_LENGTH)
    signer = models.CharField(_("签发人"), max_length=40)
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    promised_date = models.DateField(_("承诺完成时间"), null=True, blank=True)
    is_public = models.BooleanField(_("可以公开"), default=True)
    letter_number = models.CharField(_("答复函文号"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["assignment__suggestion__congress__area__path"],
        "unit": ["assignment__unit__path"],
        "deputy": ["assignment__suggestion__signatures__deputy_id"],
    }

    class Meta:
        verbose_name = _("建议答复")
        verbose_name_plural = pgettext_lazy("plural", "建议答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.category} ({self.round})"


class Evaluation(models.Model):
    """The lead deputy's rating of a reply: the first evaluation of each round, or the
    follow-up evaluation at year end (二次评价, "回头看")."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("答复评价")
        FOLLOW_UP = "follow_up", _("二次评价")

    reply = models.ForeignKey(Reply, verbose_name=_("答复"), on_delete=models.CASCADE,
                              related_name="evaluations")
    deputy = models.ForeignKey(Deputy, verbose_name=_("评价代表"), on_delete=models.PROTECT,
                               related_name="suggestion_evaluations")
    kind = models.CharField(_("评价类型"), max_length=12, choices=Kind.choices,
                            default=Kind.INITIAL)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("评价意见"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["reply__assignment__suggestion__congress__area__path"],
        "unit": ["reply__assignment__unit__path"],
        "deputy": ["reply__assignment__suggestion__signatures__deputy_id"],
    }

    class Meta:
        verbose_name = _("答复评价")
        verbose_name_plural = pgettext_lazy("plural", "答复评价")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["reply", "deputy", "kind"],
                                               name="evaluation_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.reply} {self.get_rating_display()}"


class Commitment(TimeStampedModel):
    """A promise made in a reply (a B reply by default), tracked in the cross-year ledger
    (跨年度台账) until it is fulfilled or re-planned."""

    class Status(models.TextChoices):
        OPEN = "open", _("推进中")
        FULFILLED = "fulfilled", _("已兑现")
        REPLANNED = "replanned", _("已调整计划")

    reply = models.OneToOneField(Reply, verbose_name=_("答复"), on_delete=models.CASCADE,
                                 related_name="commitment")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="commitments")
    promised_date = models.DateField(_("承诺完成时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    progress = models.TextField(_("进展情况"), blank=True, max_length=TEXT_MAX_LENGTH)
    fulfilled_at = models.DateTimeField(_("兑现时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["reply__assignment__suggestion__congress__area__path"],
        "unit": ["unit__path"],
        "deputy": ["reply__assignment__suggestion__signatures__deputy_id"],
    }

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = pgettext_lazy("plural", "承诺事项")
        ordering = ["promised_date", "id"]
        indexes = [models.Index(fields=["promised_date"], name="commitment_open_promised",
                                condition=Q(status="open"))]

    def __str__(self) -> str:
        return f"{self.unit} {self.promised_date}"


class KeySupervision(TimeStampedModel):
    """A key suggestion (重点督办) supervised personally by standing-committee leaders."""

    suggestion = models.OneToOneField(Suggestion, verbose_name=_("代表建议"),
                                      on_delete=models.CASCADE, related_name="key_supervision")
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("督办领导"),
                                     related_name="key_supervisions")
    reason = models.TextField(_("列为重点督办的理由"), max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确定人"),
                                   on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[leaders])

    ACCESS_SCOPES = SUGGESTION_CHILD_SCOPES

    class Meta:
        verbose_name = _("重点督办")
        verbose_name_plural = pgettext_lazy("plural", "重点督办")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.suggestion)


class SupervisionMeeting(models.Model):
    """A meeting on a key suggestion or a three-party meeting (三方会商: lead deputy, unit and
    township congress): when, where, who, what was agreed."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("代表建议"),
                                   on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("地点"), max_length=200)
    participants = models.CharField(_("参加人员"), max_length=1000)
    outcome = models.TextField(_("会议结果"), max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = SUGGESTION_CHILD_SCOPES

    class Meta:
        verbose_name = _("督办会议")
        verbose_name_plural = pgettext_lazy("plural", "督办会议")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.held_at:%Y-%m-%d}"


class ThirdPartyReview(TimeStampedModel):
    """A third-party evaluation (第三方评估) of one suggestion's handling, assigned to an
    evaluator, with a structured report: a score per criterion and a conclusion."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("评估中")
        SUBMITTED = "submitted", _("已提交报告")

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("代表建议"),
                                   on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评估人"),
                                 on_delete=models.PROTECT, related_name="suggestion_reviews")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委托人"),
                                    on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("报告期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.ASSIGNED)
    scores = models.JSONField(_("评分"), default=dict, blank=True,
                              help_text=_("各评估项的得分，评估项见本级人大的配置"))
    conclusion = models.TextField(_("评估结论"), blank=True, max_length=TEXT_MAX_LENGTH)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["suggestion__congress__area__path"],
        "unit": ["suggestion__assignments__unit__path"],
    }

    class Meta:
        verbose_name = _("第三方评估")
        verbose_name_plural = pgettext_lazy("plural", "第三方评估")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.reviewer}"
