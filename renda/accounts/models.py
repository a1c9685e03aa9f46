"""Accounts and the roles that scope what each person may see and do."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel


class Role(models.TextChoices):
    DEPUTY = "deputy", _("代表")
    STATION_STAFF = "station_staff", _("联络站工作人员")
    UNIT_HANDLER = "unit_handler", _("承办单位经办人")
    UNIT_HEAD = "unit_head", _("承办单位负责人")
    OFFICE_STAFF = "office_staff", _("人大机关工作人员")
    LEADER = "leader", _("常委会领导")
    EVALUATOR = "evaluator", _("评估人员")
    ADMIN = "admin", _("系统管理员")


class ScopeKind(models.TextChoices):
    DEPUTY = "deputy", _("本人")
    STATION = "station", _("联络站")
    UNIT = "unit", _("承办单位")
    AREA = "area", _("行政区划")


# Which kind of scope each role's assignment carries.
ROLE_SCOPE = {
    Role.DEPUTY: ScopeKind.DEPUTY,
    Role.STATION_STAFF: ScopeKind.STATION,
    Role.UNIT_HANDLER: ScopeKind.UNIT,
    Role.UNIT_HEAD: ScopeKind.UNIT,
    Role.OFFICE_STAFF: ScopeKind.AREA,
    Role.LEADER: ScopeKind.AREA,
    Role.EVALUATOR: ScopeKind.AREA,
    Role.ADMIN: ScopeKind.AREA,
}


class User(AbstractUser):
    """A person who signs in: a deputy, a station's staff, a unit's handler, the office's staff."""

    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    deputy = models.OneToOneField(
        "directory.Deputy", verbose_name=_("对应代表"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="user",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> "RoleAssignmentQuerySet":
        on = on or datetime.date.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class RoleAssignment(TimeStampedModel):
    """A role a user holds in one congress, scoped to an area, a station, a unit or to the
    deputy himself or herself. A user may hold several."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    congress = models.ForeignKey("directory.Congress", verbose_name=_("人大"),
                                 on_delete=models.CASCADE, related_name="role_assignments")
    area = models.ForeignKey("directory.Area", verbose_name=_("行政区划范围"), null=True,
                             blank=True, on_delete=models.CASCADE, related_name="+",
                             help_text=_("留空表示该人大所在的整个区划"))
    station = models.ForeignKey("directory.Station", verbose_name=_("联络站"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("directory.HandlingUnit", verbose_name=_("承办单位"), null=True,
                             blank=True, on_delete=models.CASCADE, related_name="+")
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = pgettext_lazy("plural", "角色授权")
        ordering = ["user", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPE[Role(self.role)]

    @property
    def scope_label(self) -> str:
        kind = self.scope_kind
        if kind == ScopeKind.STATION:
            return str(self.station)
        if kind == ScopeKind.UNIT:
            return str(self.unit)
        if kind == ScopeKind.DEPUTY:
            return str(self.user.deputy or "")
        return str(self.area or self.congress.area)

    def clean(self) -> None:
        super().clean()
        kind = ROLE_SCOPE.get(self.role)
        if kind == ScopeKind.STATION and not self.station_id:
            raise ValidationError({"station": _("联络站工作人员必须指定联络站")})
        if kind == ScopeKind.UNIT and not self.unit_id:
            raise ValidationError({"unit": _("承办单位角色必须指定承办单位")})
        if kind == ScopeKind.DEPUTY and self.user_id and not self.user.deputy_id:
            raise ValidationError({"role": _("该用户尚未关联代表，不能授予代表角色")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("失效日期不能早于生效日期")})
