"""Domain-free building blocks: base classes, the working-day calendar's own entries and the
action log that every workflow appends to."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Abstract base: when a record was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class CalendarDay(TimeStampedModel):
    """A day whose working status is set by hand: a statutory holiday or a make-up working day.

    The `chinese-calendar` package carries the State Council's published schedules. Rows here
    override it for a single day, and a year the package does not know yet becomes usable once
    an administrator registers it as a `CalendarYear` and enters its holidays here.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("例如：国庆节"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = pgettext_lazy("plural", "节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class CalendarYear(TimeStampedModel):
    """A year whose holiday schedule an administrator has entered by hand (beyond the package)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("国务院办公厅通知文号"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("手工录入的年度")
        verbose_name_plural = pgettext_lazy("plural", "手工录入的年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class Event(models.Model):
    """One entry of the append-only action log: who did what to which record, and the status
    it moved from and to. A record's status field is a cache of its last event; the history
    a citizen, an auditor or a report reads is this table (mySociety NoiseWorks' action log).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("对象类型"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("操作"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=40, blank=True)
    to_status = models.CharField(_("新状态"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = pgettext_lazy("plural", "操作记录")
        ordering = ["created_at", "id"]
        # Serves "the timeline of one record", the query every detail page runs.
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"],
                                name="event_target_time")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class Notification(models.Model):
    """One message to a person by SMS or e-mail: what was sent, to whom, and whether the
    provider took it. Services write it through `renda.core.notifications`; the status is the
    outcome of the last attempt (Healthchecks keeps the same kind of row per alert).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=20)
    recipient = models.CharField(_("接收人"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    provider_id = models.CharField(_("服务商回执编号"), max_length=200, blank=True)
    # A one-time secret was blanked out of `body` after sending: such a row is never re-sent.
    redacted = models.BooleanField(_("已隐去敏感内容"), default=False)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, unique=True, null=True,
                                       blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("对象类型"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Serves the retry sweep: failed rows, oldest first.
            models.Index(fields=["status", "created_at"], name="notification_status_time"),
            # Serves "what was sent about this record".
            models.Index(fields=["content_type", "object_id"], name="notification_target"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.get_status_display()}"


class VerificationCode(models.Model):
    """A one-time code sent by SMS to confirm that a citizen holds a mobile number. Neither the
    number nor the code is stored: only keyed hashes, enough to check a code and to count how
    often a number asked for one.
    """

    phone_hash = models.CharField(_("手机号摘要"), max_length=64)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=40)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = pgettext_lazy("plural", "短信验证码")
        ordering = ["-created_at", "-id"]
        # Serves the send limits (codes per number in the last hour) and the latest-code lookup.
        indexes = [models.Index(fields=["phone_hash", "created_at"],
                                name="verification_phone_time")]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class ScheduledJob(models.Model):
    """When a periodic job (`renda.core.schedule`) was last put on the task queue. The
    scheduler claims a due job with a conditional update of this row, so two schedulers
    running at once never enqueue the same run twice."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("最近入队时间"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("入队次数"), default=0)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = pgettext_lazy("plural", "定时任务")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
