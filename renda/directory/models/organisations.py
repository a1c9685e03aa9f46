"""Areas, congresses with their terms, sessions and settings, and the handling units.

Trees (areas, handling units) keep a materialised `path` ("000001/000007/") so that
"everything under this district" is one indexed prefix query, which the permission layer
relies on.
"""

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.directory.models.base import TreeModel


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
        _("区划代码"),
        max_length=20,
        unique=True,
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

    name = models.CharField(
        _("名称"), max_length=80, help_text=_("例如：哈尔滨市平房区人民代表大会")
    )
    short_name = models.CharField(_("简称"), max_length=30, help_text=_("例如：平房区人大"))
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="congresses"
    )
    has_standing_committee = models.BooleanField(
        _("设常委会"), default=True, help_text=_("乡镇人大不设常委会，由主席团负责闭会期间工作")
    )
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["area__path"]}

    class Meta:
        verbose_name = _("人大")
        verbose_name_plural = pgettext_lazy("plural", "人大")
        ordering = ["area__path"]
        constraints = [
            models.UniqueConstraint(fields=["area", "level"], name="one_congress_per_area")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def current_term(self, on: datetime.date | None = None) -> "Term | None":
        on = on or datetime.date.today()
        return (
            self.terms.filter(start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("-number")
            .first()
        )


class Term(TimeStampedModel):
    """A term (届) of a congress, normally five years."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("届次"), help_text=_("例如 17 表示第十七届"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["congress__area__path"]}

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = pgettext_lazy("plural", "届")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="unique_term_number")
        ]

    def __str__(self) -> str:
        from renda.core.numerals import term_number

        # "平房区人大 第十七届" in Chinese, "平房区人大, 17th term" in English.
        return gettext("%(congress)s 第%(number)s届") % {
            "congress": self.congress,
            "number": term_number(self.number),
        }


class PlenarySession(TimeStampedModel):
    """A plenary session (大会, 会议) of a term; the time between two is the closed period."""

    term = models.ForeignKey(
        Term, verbose_name=_("届"), on_delete=models.CASCADE, related_name="sessions"
    )
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
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        from renda.core.numerals import term_number

        # "平房区人大 第十七届一次会议" in Chinese, "平房区人大, 17th term, 1st session" in English.
        return gettext("%(term)s%(number)s次会议") % {
            "term": self.term,
            "number": term_number(self.number),
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
    area = models.ForeignKey(
        Area, verbose_name=_("所属行政区划"), on_delete=models.PROTECT, related_name="units"
    )
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


class CongressSetting(TimeStampedModel):
    """A per-congress value of a configurable rule (deadline, threshold, weight, code list),
    in force from its effective date until a later row of the same key replaces it."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.CASCADE, related_name="settings"
    )
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
            models.UniqueConstraint(
                fields=["congress", "key", "effective_from"], name="unique_setting_version"
            )
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
                {
                    "value": _("取值类型不对：该配置项的默认值是 %(default)s")
                    % {"default": json.dumps(spec.default, ensure_ascii=False)}
                }
            )
