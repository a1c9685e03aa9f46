"""Deputies, their mandates in congresses, constituencies and groups."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renda.core.models import TimeStampedModel
from renda.core.uploads import check_image
from renda.directory.models.organisations import Area, Congress, Term


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
        "area": [
            "mandates__term__congress__area__path",
            "station_assignments__station__area__path",
        ],
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

    term = models.ForeignKey(
        Term, verbose_name=_("届"), on_delete=models.CASCADE, related_name="constituencies"
    )
    number = models.PositiveSmallIntegerField(_("选区编号"))
    name = models.CharField(_("名称"), max_length=80)
    area = models.ForeignKey(
        Area, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="constituencies"
    )
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

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="mandates"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="mandates"
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("选区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mandates",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["term__congress__area__path"], "deputy": ["deputy_id"]}

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = pgettext_lazy("plural", "代表资格")
        ordering = ["term__congress__area__path", "deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "term"], name="one_mandate_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.term}"


class DeputyGroup(TimeStampedModel):
    """A deputy group (代表小组/代表团) by area, or a professional group (专业代表小组)."""

    class Kind(models.TextChoices):
        DELEGATION = "delegation", _("代表团")
        AREA = "area", _("代表小组")
        PROFESSIONAL = "professional", _("专业代表小组")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_groups",
    )
    members = models.ManyToManyField(
        Deputy, verbose_name=_("成员"), through="GroupMembership", related_name="groups"
    )
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

    group = models.ForeignKey(
        DeputyGroup, verbose_name=_("小组"), on_delete=models.CASCADE, related_name="memberships"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    ACCESS_SCOPES = {"area": ["group__congress__area__path"], "deputy": ["deputy_id"]}

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = pgettext_lazy("plural", "小组成员")
        constraints = [
            models.UniqueConstraint(fields=["group", "deputy"], name="unique_group_member")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.deputy}"
