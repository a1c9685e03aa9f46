"""The liaison network: stations of every kind, their deputies and reception days."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.directory.models.base import TreeModel
from renda.directory.models.deputies import Deputy
from renda.directory.models.organisations import Area, Congress

station_code_validator = RegexValidator(
    r"^[A-Za-z0-9-]{2,32}$", _("编码只能包含字母、数字和连字符，长度 2 到 32 位")
)


class Station(TreeModel):
    """A place where citizens meet deputies: a service centre, a liaison station, a deputy home,
    a contact point, a mobile station or an online station (家站点)."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("代表履职服务中心")
        STATION = "station", _("代表联络站")
        HOME = "home", _("代表之家")
        POINT = "point", _("代表联络点")
        MOBILE = "mobile", _("移动联络站")
        ONLINE = "online", _("网上联络站")

    code = models.CharField(
        _("编码"),
        max_length=32,
        unique=True,
        validators=[station_code_validator],
        help_text=_("印在二维码和联系卡上，确定后不要修改"),
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations"
    )
    congress = models.ForeignKey(
        Congress, verbose_name=_("主管人大"), on_delete=models.PROTECT, related_name="stations"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    hotline = models.CharField(
        _("服务热线"), max_length=40, blank=True, help_text=_("公开的联络站电话，工作时间有人接听")
    )
    opening_hours = models.CharField(
        _("开放时间"),
        max_length=120,
        blank=True,
        help_text=_("例如：周一至周五 8:30-11:30，13:30-17:00"),
    )
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("进站代表"), through="StationAssignment", related_name="stations"
    )
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["area__path"], "station": ["path"]}

    class Meta:
        verbose_name = _("联络站")
        verbose_name_plural = pgettext_lazy("plural", "联络站")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:station_detail", args=[self.code])


class StationAssignment(TimeStampedModel):
    """A deputy assigned to a station (编组入站)."""

    class Role(models.TextChoices):
        HEAD = "head", _("站长")
        MEMBER = "member", _("进站代表")

    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="assignments"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="station_assignments"
    )
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("进站日期"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["station__area__path"],
        "station": ["station__path"],
        "deputy": ["deputy_id"],
    }

    class Meta:
        verbose_name = pgettext_lazy("singular", "进站代表")
        verbose_name_plural = pgettext_lazy("plural", "进站代表")
        constraints = [
            models.UniqueConstraint(fields=["station", "deputy"], name="unique_station_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.deputy}"


class ReceptionSchedule(TimeStampedModel):
    """A recurring reception-day rule of a station, e.g. "每月第一个星期二 上午" (接待日)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    class Weekday(models.IntegerChoices):
        MON = 0, _("星期一")
        TUE = 1, _("星期二")
        WED = 2, _("星期三")
        THU = 3, _("星期四")
        FRI = 4, _("星期五")
        SAT = 5, _("星期六")
        SUN = 6, _("星期日")

    station = models.ForeignKey(
        Station,
        verbose_name=_("联络站"),
        on_delete=models.CASCADE,
        related_name="reception_schedules",
    )
    title = models.CharField(_("名称"), max_length=80, default=_("代表接待日"))
    frequency = models.CharField(
        _("频率"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("第几周"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-1), MaxValueValidator(5)],
        help_text=_("每月规则：1 到 5 表示第几个，-1 表示最后一个"),
    )
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("值班代表"), blank=True, related_name="reception_schedules"
    )
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["station__area__path"], "station": ["station__path"]}

    class Meta:
        verbose_name = _("接待日规则")
        verbose_name_plural = pgettext_lazy("plural", "接待日规则")
        ordering = ["station", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="schedule_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.title}"


class ReceptionDay(TimeStampedModel):
    """A single reception day: a one-off day, or a change to one occurrence of a rule
    (moved or cancelled), with the deputies on duty."""

    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="reception_days"
    )
    schedule = models.ForeignKey(
        ReceptionSchedule,
        verbose_name=_("所属规则"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exceptions",
        help_text=_("填写时表示调整该规则在“原定日期”的那一次"),
    )
    replaces_date = models.DateField(_("原定日期"), null=True, blank=True)
    title = models.CharField(_("名称"), max_length=80, default=_("代表接待日"))
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    topic = models.CharField(_("主题"), max_length=120, blank=True)
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("值班代表"), blank=True, related_name="reception_days"
    )
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["station__area__path"], "station": ["station__path"]}

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = pgettext_lazy("plural", "接待日")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["station", "date"], name="reception_station_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="reception_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.date}"
