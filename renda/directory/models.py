"""Who is who: areas, congresses and their terms and sessions, handling units, deputies,
constituencies and groups, and the liaison network of stations with their reception days.

Trees (areas, handling units) keep a materialised `path` ("0001/0007/") so that "everything
under this district" is one indexed prefix query, which the permission layer relies on.
"""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.core.uploads import check_image

PATH_STEP = 6  # digits per tree level in `path`


class TreeModel(TimeStampedModel):
    """Abstract tree with a materialised path, kept up to date on save."""

    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), editable=False, default=0)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        prefix = self.parent.path if self.parent_id else ""
        new_path = f"{prefix}{self.pk:0{PATH_STEP}d}/"
        if new_path != old_path:
            self.path, self.depth = new_path, new_path.count("/") - 1
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                self._repath_descendants(old_path)

    def clean(self) -> None:
        super().clean()
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("上级不能是自己或自己的下级")})

    def _repath_descendants(self, old_path: str) -> None:
        for node in type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            node.path = self.path + node.path[len(old_path):]
            node.depth = node.path.count("/") - 1
            type(self).objects.filter(pk=node.pk).update(path=node.path, depth=node.depth)

    def descendants(self, *, include_self: bool = True) -> models.QuerySet:
        qs = type(self).objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self, *, include_self: bool = True) -> models.QuerySet:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        return type(self).objects.filter(pk__in=ids).order_by("depth")


class Area(TreeModel):
    """An administrative area (行政区划): city, district or county, street or township,
    community or village, and the grids (网格) inside a community."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区/县")
        STREET = "street", _("街道/乡镇")
        COMMUNITY = "community", _("社区/村")
        GRID = "grid", _("网格")

    name = models.CharField(_("名称"), max_length=80)
    code = models.CharField(
        _("区划代码"), max_length=20, unique=True,
        help_text=_("统计用区划代码，网格可用社区代码加序号"),
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["path"]}

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = pgettext_lazy("plural", "行政区划")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return "".join(a.name for a in self.ancestors() if a.level != self.Level.PROVINCE)


class Congress(TimeStampedModel):
    """A people's congress (人民代表大会) of one area, with its standing committee."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("县区级")
        TOWNSHIP = "township", _("乡镇级")

    name = models.CharField(_("名称"), max_length=80, help_text=_("例如：哈尔滨市平房区人民代表大会"))
    short_name = models.CharField(_("简称"), max_length=30, help_text=_("例如：平房区人大"))
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    area = models.ForeignKey(Area, verbose_name=_("行政区划"), on_delete=models.PROTECT,
                             related_name="congresses")
    has_standing_committee = models.BooleanField(
        _("设常委会"), default=True, help_text=_("乡镇人大不设常委会，由主席团负责闭会期间工作")
    )
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["area__path"]}

    class Meta:
        verbose_name = _("人大")
        verbose_name_plural = pgettext_lazy("plural", "人大")
        ordering = ["area__path"]
        constraints = [models.UniqueConstraint(fields=["area", "level"], name="one_congress_per_area")]

    def __str__(self) -> str:
        return self.short_name or self.name

    def current_term(self, on: datetime.date | None = None) -> "Term | None":
        on = on or datetime.date.today()
        return (
            self.terms.filter(start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("-number").first()
        )


class Term(TimeStampedModel):
    """A term (届) of a congress, normally five years."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.CASCADE,
                                 related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"), help_text=_("例如 17 表示第十七届"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = pgettext_lazy("plural", "届")
        ordering = ["congress", "-number"]
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="unique_term_number")]

    def __str__(self) -> str:
        from renda.core.numerals import term_number

        # "平房区人大 第十七届" in Chinese, "平房区人大, 17th term" in English.
        return gettext("%(congress)s 第%(number)s届") % {
            "congress": self.congress, "number": term_number(self.number),
        }


class PlenarySession(TimeStampedModel):
    """A plenary session (大会, 会议) of a term; the time between two is the closed period."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.CASCADE,
                             related_name="sessions")
    number = models.PositiveSmallIntegerField(_("次"), help_text=_("例如 2 表示第二次会议"))
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["term__congress__area__path"]}

    class Meta:
        verbose_name = _("大会会议")
        verbose_name_plural = pgettext_lazy("plural", "大会会议")
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="unique_session_number"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        from renda.core.numerals import term_number

        # "平房区人大 第十七届一次会议" in Chinese, "平房区人大, 17th term, 1st session" in English.
        return gettext("%(term)s%(number)s次会议") % {
            "term": self.term, "number": term_number(self.number),
        }

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date


class HandlingUnit(TreeModel):
    """A handling unit (承办单位): the government and its departments, the supervisory
    commission, the court and the procuratorate, and their subordinate bodies."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("人民政府")
        DEPARTMENT = "department", _("政府部门")
        SUPERVISORY = "supervisory", _("监察委员会")
        COURT = "court", _("人民法院")
        PROCURATORATE = "procuratorate", _("人民检察院")
        OTHER = "other", _("其他单位")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.CharField(_("单位编码"), max_length=30, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所属行政区划"), on_delete=models.PROTECT,
                             related_name="units")
    office_phone = models.CharField(_("办公电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["area__path"], "unit": ["path"]}

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = pgettext_lazy("plural", "承办单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Deputy(TimeStampedModel):
    """A deputy (人大代表): one person, who may hold mandates in several congresses at once.

    Contact and identity fields are private: only roles whose duty needs them may read them,
    and no public page, feed or export carries them.
    """

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    party = models.CharField(_("政治面貌"), max_length=30, blank=True)
    occupation = models.CharField(_("工作单位及职务"), max_length=120, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    photo = models.ImageField(_("照片"), upload_to="deputies/", blank=True)
    # Private fields (never public).
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    home_address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    is_public = models.BooleanField(_("在公开名录中显示"), default=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {
        "area": ["mandates__term__congress__area__path", "station_assignments__station__area__path"],
        "station": ["station_assignments__station__path"],
        "deputy": ["pk"],
    }

    PRIVATE_FIELDS = ("mobile", "id_number", "home_address")

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = pgettext_lazy("plural", "代表")
        ordering = ["name", "id"]
        permissions = [("view_deputy_private", _("查看代表的联系方式和身份信息"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:deputy_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        photo = self.photo
        # Only a newly uploaded file is checked; a stored one was checked when it came in.
        if photo and not getattr(photo, "_committed", True):
            try:
                check_image(photo.file)
            except ValidationError as error:
                raise ValidationError({"photo": error.messages}) from None


class Constituency(TimeStampedModel):
    """A constituency (选区) that elects deputies to one term of a congress."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.CASCADE,
                             related_name="constituencies")
    number = models.PositiveSmallIntegerField(_("选区编号"))
    name = models.CharField(_("名称"), max_length=80)
    area = models.ForeignKey(Area, verbose_name=_("行政区划"), on_delete=models.PROTECT,
                             related_name="constituencies")
    seats = models.PositiveSmallIntegerField(_("应选名额"), default=1)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["area__path"]}

    class Meta:
        verbose_name = _("选区")
        verbose_name_plural = pgettext_lazy("plural", "选区")
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="unique_constituency_number")
        ]

    def __str__(self) -> str:
        return self.name


class Mandate(TimeStampedModel):
    """A deputy's seat in one term of one congress (a Popolo membership)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在任")
        RESIGNED = "resigned", _("辞职")
        TERMINATED = "terminated", _("终止代表资格")
        ENDED = "ended", _("届满")

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="mandates")
    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT,
                             related_name="mandates")
    constituency = models.ForeignKey(Constituency, verbose_name=_("选区"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="mandates")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["term__congress__area__path"], "deputy": ["deputy_id"]}

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = pgettext_lazy("plural", "代表资格")
        ordering = ["term__congress__area__path", "deputy__name"]
        constraints = [models.UniqueConstraint(fields=["deputy", "term"], name="one_mandate_per_term")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.term}"


class DeputyGroup(TimeStampedModel):
    """A deputy group (代表小组/代表团) by area, or a professional group (专业代表小组)."""

    class Kind(models.TextChoices):
        DELEGATION = "delegation", _("代表团")
        AREA = "area", _("代表小组")
        PROFESSIONAL = "professional", _("专业代表小组")

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.CASCADE,
                                 related_name="groups")
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(Area, verbose_name=_("行政区划"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="deputy_groups")
    members = models.ManyToManyField(Deputy, verbose_name=_("成员"), through="GroupMembership",
                                     related_name="groups")
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = pgettext_lazy("plural", "代表小组")
        ordering = ["congress", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class GroupMembership(TimeStampedModel):
    """A deputy's place in a group."""

    class Role(models.TextChoices):
        LEADER = "leader", _("组长")
        DEPUTY_LEADER = "deputy_leader", _("副组长")
        MEMBER = "member", _("成员")

    group = models.ForeignKey(DeputyGroup, verbose_name=_("小组"), on_delete=models.CASCADE,
                              related_name="memberships")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="group_memberships")
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["group__congress__area__path"], "deputy": ["deputy_id"]}

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = pgettext_lazy("plural", "小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "deputy"], name="unique_group_member")]

    def __str__(self) -> str:
        return f"{self.group} · {self.deputy}"


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

    code = models.CharField(_("编码"), max_length=32, unique=True,
                            validators=[station_code_validator],
                            help_text=_("印在二维码和联系卡上，确定后不要修改"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所在区划"), on_delete=models.PROTECT,
                             related_name="stations")
    congress = models.ForeignKey(Congress, verbose_name=_("主管人大"), on_delete=models.PROTECT,
                                 related_name="stations")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    hotline = models.CharField(_("服务热线"), max_length=40, blank=True,
                               help_text=_("公开的联络站电话，工作时间有人接听"))
    opening_hours = models.CharField(_("开放时间"), max_length=120, blank=True,
                                     help_text=_("例如：周一至周五 8:30-11:30，13:30-17:00"))
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    deputies = models.ManyToManyField(Deputy, verbose_name=_("进站代表"),
                                      through="StationAssignment", related_name="stations")
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

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE,
                                related_name="assignments")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="station_assignments")
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("进站日期"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["station__area__path"], "station": ["station__path"], "deputy": ["deputy_id"]}

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

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE,
                                related_name="reception_schedules")
    title = models.CharField(_("名称"), max_length=80, default=_("代表接待日"))
    frequency = models.CharField(_("频率"), max_length=16, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("第几周"), null=True, blank=True,
        validators=[MinValueValidator(-1), MaxValueValidator(5)],
        help_text=_("每月规则：1 到 5 表示第几个，-1 表示最后一个"),
    )
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    deputies = models.ManyToManyField(Deputy, verbose_name=_("值班代表"), blank=True,
                                      related_name="reception_schedules")
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["station__area__path"], "station": ["station__path"]}

    class Meta:
        verbose_name = _("接待日规则")
        verbose_name_plural = pgettext_lazy("plural", "接待日规则")
        ordering = ["station", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="schedule_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.title}"


class ReceptionDay(TimeStampedModel):
    """A single reception day: a one-off day, or a change to one occurrence of a rule
    (moved or cancelled), with the deputies on duty."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE,
                                related_name="reception_days")
    schedule = models.ForeignKey(ReceptionSchedule, verbose_name=_("所属规则"), null=True,
                                 blank=True, on_delete=models.CASCADE, related_name="exceptions",
                                 help_text=_("填写时表示调整该规则在“原定日期”的那一次"))
    replaces_date = models.DateField(_("原定日期"), null=True, blank=True)
    title = models.CharField(_("名称"), max_length=80, default=_("代表接待日"))
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    topic = models.CharField(_("主题"), max_length=120, blank=True)
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    deputies = models.ManyToManyField(Deputy, verbose_name=_("值班代表"), blank=True,
                                      related_name="reception_days")
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["station__area__path"], "station": ["station__path"]}

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = pgettext_lazy("plural", "接待日")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["station", "date"], name="reception_station_date")]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="reception_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.date}"


class CongressSetting(TimeStampedModel):
    """A per-congress value of a configurable rule (deadline, threshold, weight, code list),
    in force from its effective date until a later row of the same key replaces it."""

    congress = models.ForeignKey(Congress, verbose_name=_("人大"), on_delete=models.CASCADE,
                                 related_name="settings")
    key = models.CharField(_("配置项"), max_length=80)
    value = models.JSONField(_("取值"))
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("依据"), max_length=200, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("配置")
        verbose_name_plural = pgettext_lazy("plural", "配置")
        ordering = ["congress", "key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "key", "effective_from"],
                                    name="unique_setting_version")
        ]

    def __str__(self) -> str:
        return f"{self.congress} · {self.key} ({self.effective_from})"

    def clean(self) -> None:
        from renda.core.config import REGISTRY

        super().clean()
        spec = REGISTRY.get(self.key)
        if spec is None:
            raise ValidationError({"key": _("没有这个配置项")})
        expected = type(spec.default)
        # JSON has one number type: accept an int where a float is expected, never a bool.
        same = isinstance(self.value, expected) and not (
            isinstance(self.value, bool) and expected is not bool
        )
        if not (same or (expected is float and type(self.value) is int)):
            raise ValidationError(
                {"value": _("取值类型不对：该配置项的默认值是 %(default)s")
                 % {"default": json.dumps(spec.default, ensure_ascii=False)}}
            )
