"""Citizens' opinions (民意): what a citizen raises through a channel, how a station or a
deputy triages it, how a handling unit answers, and how the citizen rates the answer.

Status changes only through `renda.opinions.services`, which follow the table in
`renda.opinions.workflow` and append an `Event` per change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.directory.models import Area, Congress, Deputy, HandlingUnit, Station

CONTENT_MAX_LENGTH = 5000
TITLE_MAX_LENGTH = 100


class Open311Client(TimeStampedModel):
    """A program that posts opinions through the Open311 GeoReport v2 API (a city app, a 12345
    platform): it identifies itself with an `api_key`, of which only a hash is kept."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.PROTECT, related_name="open311_clients"
    )
    name = models.CharField(_("名称"), max_length=100)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False,
                                  help_text=_("密钥的前几位，用于辨认，不能用来提交"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("在用"), default=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("Open311 接入方")
        verbose_name_plural = pgettext_lazy("plural", "Open311 接入方")
        ordering = ["congress", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class Opinion(TimeStampedModel):
    """An opinion (民意): a consultation, a request for help, a proposal, a complaint or a report
    raised by a citizen, identified or anonymous, through one channel.

    The citizen follows it without an account: a readable tracking number and a secret that
    was shown once when it was submitted (only its hash is stored). The name and mobile number
    are private: only the roles that must contact the citizen may read them.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("网上提交")
        QR_DEPUTY = "qr_deputy", _("扫代表二维码")
        QR_STATION = "qr_station", _("扫联络站二维码")
        HOTLINE = "hotline", _("联络站热线")
        RECEPTION_DAY = "reception_day", _("代表接待日")
        HOTLINE_12345 = "hotline_12345", _("12345 热线转来")
        API = "api", _("接口提交")
        OTHER = "other", _("其他渠道")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        ANSWERED_ON_SPOT = "answered_on_spot", _("当场答复")
        HANDLED_IN_STATION = "handled_in_station", _("站内办结")
        TRANSFERRED = "transferred", _("已交办")
        ACCEPTED = "accepted", _("承办中")
        REPLIED = "replied", _("已答复")
        CONFIRMED = "confirmed", _("已反馈")
        CLOSED = "closed", _("已办结")
        DISSATISFIED = "dissatisfied", _("不满意")
        CONVERTED = "converted", _("已转为代表建议")
        DECLINED = "declined", _("不予受理")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    class DeclineReason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", _("不属于受理范围")
        IN_LITIGATION = "in_litigation", _("已进入诉讼、行政复议或仲裁程序")
        DUPLICATE = "duplicate", _("重复反映")
        ABUSIVE = "abusive", _("内容违法或恶意")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.PROTECT, related_name="opinions"
    )
    tracking_number = models.CharField(_("查询编号"), max_length=30, unique=True)
    secret_hash = models.CharField(_("查询密码摘要"), max_length=64, editable=False)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    type_code = models.CharField(
        _("类型"), max_length=30, help_text=_("取值见本级人大的“民意类型及办理时限”配置")
    )
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    content = models.TextField(_("内容"), max_length=CONTENT_MAX_LENGTH)
    # Private fields: only roles that must contact the citizen read them.
    citizen_name = models.CharField(_("反映人姓名"), max_length=40, blank=True)
    citizen_mobile = models.CharField(_("反映人手机号码"), max_length=20, blank=True)
    mobile_verified_at = models.DateTimeField(_("手机号码验证时间"), null=True, blank=True)
    is_anonymous = models.BooleanField(_("匿名反映"), default=False)
    consent_publish = models.BooleanField(_("同意在回音壁公开"), default=False)
    addressed_station = models.ForeignKey(
        Station, verbose_name=_("反映至联络站"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="opinions",
    )
    addressed_deputy = models.ForeignKey(
        Deputy, verbose_name=_("反映至代表"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="opinions",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("问题所在区划"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="opinions",
    )
    # Where the problem is, as the citizen or an Open311 client gave it (optional).
    address = models.CharField(_("问题发生地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    assigned_unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="opinions",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    decline_reason = models.CharField(
        _("不予受理理由"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    transferred_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    extension_used = models.BooleanField(_("已延期"), default=False)
    reopened = models.BooleanField(_("已重新办理"), default=False)
    # Marks of the supervision sweep (`renda.opinions.supervision`): set once per deadline by a
    # conditional update, cleared whenever a new deadline is set.
    reminded_at = models.DateTimeField(_("催办时间"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True, editable=False)
    rating = models.CharField(
        _("评价"), max_length=20, choices=Rating.choices, blank=True
    )
    rating_comment = models.TextField(_("评价意见"), blank=True, max_length=1000)
    # The citizen's own answer to "is the problem solved?" when rating: the 解决率 counts it.
    solved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    api_client = models.ForeignKey(
        Open311Client, verbose_name=_("接口提交方"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="opinions", editable=False,
    )
    # NULL, not "": items entered without a key must not collide in the unique constraint.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("提交标识"), max_length=64, null=True, blank=True, editable=False,
        help_text=_("同一表单重复提交时只生成一件"),
    )
    # The private fields are set once at submission and never change: keeping copies of them in
    # the history table would only spread them.
    history = HistoricalRecords(excluded_fields=["secret_hash", "citizen_name", "citizen_mobile"])

    ACCESS_SCOPES = {
        "area": ["congress__area__path", "area__path"],
        "station": ["addressed_station__path"],
        "unit": ["assigned_unit__path"],
        "deputy": ["addressed_deputy_id"],
    }

    PRIVATE_FIELDS = ("citizen_mobile", "citizen_name")

    # The states in which a handling unit's deadline runs.
    OPEN_STATES = (Status.TRANSFERRED, Status.ACCEPTED)

    class Meta:
        verbose_name = _("民意")
        verbose_name_plural = pgettext_lazy("plural", "民意")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_opinion_private", _("查看反映人的姓名和手机号码")),
            ("triage_opinion", _("分办民意")),
            ("handle_opinion", _("承办民意")),
            ("approve_extension", _("批准民意延期")),
            ("confirm_opinion", _("向反映人反馈办理结果")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "idempotency_key"], name="opinion_unique_idempotency_key",
                condition=Q(idempotency_key__isnull=False),
            ),
        ]
        indexes = [
            # Serves the overdue sweep and the units' inboxes (`due_at < now` among open items):
            # only the few items whose deadline runs are indexed, not the concluded archive.
            models.Index(
                fields=["due_at"], name="opinion_open_due_at",
                condition=Q(status__in=["transferred", "accepted"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.title}"


class OpinionCounter(models.Model):
    """The last tracking number handed out per congress and year. Its row is locked while a
    number is allocated, so two submissions at once never get the same number. Not audited:
    it changes with every submission and says nothing the opinions themselves do not."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("民意编号计数器")
        verbose_name_plural = pgettext_lazy("plural", "民意编号计数器")
        constraints = [
            models.UniqueConstraint(fields=["congress", "year"], name="opinion_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.congress} {self.year}: {self.last}"


class OpinionReply(models.Model):
    """A handling unit's reply (答复) to an opinion; the final one concludes its handling."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("民意"), on_delete=models.CASCADE, related_name="replies"
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT,
        related_name="opinion_replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    body = models.TextField(_("答复内容"), max_length=CONTENT_MAX_LENGTH)
    is_final = models.BooleanField(_("正式答复"), default=True)
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["opinion__congress__area__path", "opinion__area__path"],
        "station": ["opinion__addressed_station__path"],
        "unit": ["opinion__assigned_unit__path", "unit__path"],
        "deputy": ["opinion__addressed_deputy_id"],
    }

    class Meta:
        verbose_name = _("民意答复")
        verbose_name_plural = pgettext_lazy("plural", "民意答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion.tracking_number} {self.unit}"


def attachment_path(instance: "OpinionAttachment", filename: str) -> str:
    """A name of our own making: the citizen's file name is kept only as data."""
    import uuid

    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
           "application/pdf": "pdf"}.get(instance.content_type, "bin")
    return f"opinions/{instance.opinion.created_at:%Y/%m}/{uuid.uuid4().hex}.{ext}"


OPINION_CHILD_SCOPES = {
    "area": ["opinion__congress__area__path", "opinion__area__path"],
    "station": ["opinion__addressed_station__path"],
    "unit": ["opinion__assigned_unit__path"],
    "deputy": ["opinion__addressed_deputy_id"],
}


class OpinionAttachment(models.Model):
    """A photo or a PDF sent with an opinion, checked by its content (`renda.core.uploads`).

    Private like the item: staff in scope and the citizen with the tracking secret see it,
    through a view that checks that, never through a public media URL.
    """

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("民意"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = OPINION_CHILD_SCOPES

    class Meta:
        verbose_name = _("民意附件")
        verbose_name_plural = pgettext_lazy("plural", "民意附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class OpinionNote(models.Model):
    """An internal note (内部备注) by staff, a deputy or a handling unit: never shown to the
    citizen nor on any public page."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("民意"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("备注"), max_length=2000)
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = OPINION_CHILD_SCOPES

    class Meta:
        verbose_name = _("内部备注")
        verbose_name_plural = pgettext_lazy("plural", "内部备注")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion.tracking_number}: {self.body[:20]}"


class OpinionMeeting(models.Model):
    """A multi-party meeting (三方会商, 平谷 "家站吹哨、各方报到"): the citizen, deputies and
    departments sit down together on one item; who came and what was agreed."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("民意"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_at = models.DateTimeField(_("会商时间"))
    place = models.CharField(_("地点"), max_length=200)
    citizen_attended = models.BooleanField(_("反映人参加"), default=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("参加的代表"), blank=True, related_name="opinion_meetings"
    )
    units = models.ManyToManyField(
        HandlingUnit, verbose_name=_("参加的部门"), blank=True, related_name="opinion_meetings"
    )
    other_participants = models.CharField(
        _("其他参加人员"), max_length=500, blank=True, help_text=_("姓名和单位，用顿号分隔")
    )
    outcome = models.TextField(_("会商结果"), max_length=CONTENT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[deputies, units])

    ACCESS_SCOPES = OPINION_CHILD_SCOPES

    class Meta:
        verbose_name = _("三方会商")
        verbose_name_plural = pgettext_lazy("plural", "三方会商")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion.tracking_number} {self.held_at:%Y-%m-%d}"


class EchoWallPost(TimeStampedModel):
    """An item on the public echo wall (回音壁): an anonymised copy of a resolved opinion whose
    citizen consented, published only after a staff check. The public pages read only this
    copy, never the opinion itself."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已公开")
        REJECTED = "rejected", _("不予公开")
        WITHDRAWN = "withdrawn", _("已撤下")

    opinion = models.OneToOneField(
        Opinion, verbose_name=_("民意"), on_delete=models.CASCADE, related_name="wall_post"
    )
    title = models.CharField(_("公开标题"), max_length=TITLE_MAX_LENGTH)
    content = models.TextField(_("公开内容"), max_length=CONTENT_MAX_LENGTH)
    reply = models.TextField(_("公开的办理结果"), max_length=CONTENT_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, db_index=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = OPINION_CHILD_SCOPES

    class Meta:
        verbose_name = _("回音壁")
        verbose_name_plural = pgettext_lazy("plural", "回音壁")
        ordering = ["-published_at", "-id"]
        permissions = [("review_echowallpost", _("审核回音壁公开内容"))]

    def __str__(self) -> str:
        return f"{self.opinion.tracking_number} {self.title}"
