"""Forms of star ratings: the office's round, a nomination, a reviewer's scores, the panel's
stars and the voter's mobile number. They check what a browser sends; the services in
`renda.duties.stars` check again."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.verification import phone_normalise
from renda.directory.models import Congress, Deputy, Station
from renda.duties.models import StarRound

REQUIRED = {"required": _("此项不能为空")}
DATE_ERRORS = {"invalid": _("请填写正确的日期")}
STAR_CHOICES = [(0, _("不评星")), (1, "★"), (2, "★★"), (3, "★★★")]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, error_messages=DATE_ERRORS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError, on the field it names when the form has one."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # type: ignore[attr-defined]
            return
        for field, errors in error.error_dict.items():
            known = field if field in self.fields else None  # type: ignore[attr-defined]
            self.add_error(known, errors)  # type: ignore[attr-defined]


class StarRoundForm(ServiceErrorsMixin, forms.Form):
    congress = forms.ModelChoiceField(label=_("人大"), queryset=Congress.objects.none(),
                                      empty_label=None,
                                      error_messages={"required": _("请选择人大"),
                                                      "invalid_choice": _("请选择人大")})
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              error_messages={**REQUIRED, "invalid": _("请填写年份"),
                                              "min_value": _("请填写正确的年份"),
                                              "max_value": _("请填写正确的年份")})
    kind = forms.ChoiceField(label=_("类别"), choices=StarRound.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": _("请选择评定类别"),
                                             "invalid_choice": _("请选择评定类别")})
    title = forms.CharField(label=_("名称（选填）"), max_length=120, required=False,
                            help_text=_("留空时按年度和类别命名，例如“2026 年度星级联络站评定”"))
    vote_opens_on = _date_field(_("网络投票开始日期"))
    vote_closes_on = _date_field(_("网络投票截止日期"))

    def __init__(self, *args: Any, congresses: QuerySet[Congress], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        if congresses.count() == 1:
            self.fields["congress"].widget = forms.HiddenInput()
            self.initial.setdefault("congress", congresses.first())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("vote_opens_on"), data.get("vote_closes_on")
        if opens and closes and closes < opens:
            self.add_error("vote_closes_on", _("投票截止日期不能早于开始日期"))
        return data


class StarRoundEditForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120, error_messages=REQUIRED)
    vote_opens_on = _date_field(_("网络投票开始日期"))
    vote_closes_on = _date_field(_("网络投票截止日期"))

    clean = StarRoundForm.clean


class NominationForm(ServiceErrorsMixin, forms.Form):
    """`subjects` are the stations or deputies the user may put forward in this round."""

    subject = forms.ModelChoiceField(label=_("推荐对象"), queryset=Station.objects.none(),
                                     error_messages={"required": _("请选择推荐对象"),
                                                     "invalid_choice": _("请选择推荐对象")})
    statement = forms.CharField(
        label=_("申报材料"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("主要工作和成效，最多 5000 字；网络投票时向公众展示"),
        error_messages={**REQUIRED, "max_length": _("最多 %(limit_value)d 个字，现有 "
                                                    "%(show_value)d 个字，请删减后再提交")})

    def __init__(self, *args: Any, subjects: QuerySet[Station] | QuerySet[Deputy],
                 label: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        field.queryset, field.label = subjects, label
        field.empty_label = _("请选择")
        if subjects.count() == 1:
            field.empty_label = None


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由（选填）"), max_length=500, required=False)


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """One field `score_<code>` per criterion of the round, 0 to its maximum."""

    comment = forms.CharField(label=_("评语（选填）"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, criteria: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for item in criteria:
            maximum = Decimal(str(item["max"]))
            fields[f"score_{item['code']}"] = forms.DecimalField(
                label=_("%(label)s（满分 %(max)s）") % {"label": item["label"], "max": item["max"]},
                min_value=Decimal(0), max_value=maximum, max_digits=6, decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5",
                                                "min": 0, "max": item["max"]}),
                error_messages={
                    "required": _("请填写分数"), "invalid": _("请填写分数"),
                    "min_value": _("分数不能小于 0"),
                    "max_value": _("分数不能超过 %(limit_value)s"),
                    "max_decimal_places": _("分数最多保留两位小数"),
                    "max_digits": _("分数最多保留两位小数")})
        self.fields = {**fields, **self.fields}

    def scores(self) -> dict[str, Decimal]:
        return {item["code"]: self.cleaned_data[f"score_{item['code']}"]
                for item in self.criteria}


class DecisionForm(forms.Form):
    """The panel's stars for one candidate; prefixed with the candidate's id on the page."""

    stars = forms.TypedChoiceField(label=_("评定星级"), choices=STAR_CHOICES, coerce=int,
                                   error_messages={"required": _("请选择星级"),
                                                   "invalid_choice": _("请选择星级")})
    note = forms.CharField(label=_("评定意见（选填）"), max_length=500, required=False)


class VoterForm(forms.Form):
    """The voter's mobile number and the SMS code that confirms it."""

    mobile = forms.CharField(
        label=_("手机号码"), max_length=20, error_messages={"required": _("请填写手机号码")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    code = forms.CharField(
        label=_("短信验证码"), max_length=6, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def clean_mobile(self) -> str:
        return phone_normalise(self.cleaned_data["mobile"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.data.get("action") == "confirm" and not data.get("code") \
                and "mobile" not in self.errors:
            self.add_error("code", _("请填写短信验证码"))
        return data

    def keep_errors_of(self, *names: str) -> None:
        self._errors = ErrorDict({k: v for k, v in self.errors.items() if k in names})

