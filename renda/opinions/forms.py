"""The citizen's forms: the opinion form (made for phones, no account), the tracking lookup,
the rating and the reopening. They check what a browser sends; the services check again."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from renda.core.verification import phone_normalise
from renda.opinions.models import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, Opinion

LENGTH_ERROR = _("最多 %(limit_value)d 个字，现有 %(show_value)d 个字，请删减后再提交")
REQUIRED_ERROR = _("此项不能为空")


def _text(label: Any, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR},
                           **kwargs)


class OpinionForm(forms.Form):
    """What a citizen raises. `stations` is given when the form is not addressed to anyone."""

    station = forms.ChoiceField(label=_("反映至联络站"), required=False)
    type_code = forms.ChoiceField(label=_("问题类型"),
                                  error_messages={"required": _("请选择问题类型"),
                                                  "invalid_choice": _("请选择问题类型")})
    title = _text(_("标题"), TITLE_MAX_LENGTH,
                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    content = _text(_("具体内容"), CONTENT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 8}),
                    help_text=_("请写明时间、地点和具体情况，最多 5000 字"))
    anonymous = forms.BooleanField(label=_("匿名反映（不留姓名和手机号码）"), required=False,
                                   help_text=_("匿名反映无需验证手机，但无法接收短信通知"))
    citizen_name = _text(_("姓名（选填）"), 40, required=False,
                         widget=forms.TextInput(attrs={"autocomplete": "name"}))
    citizen_mobile = forms.CharField(
        label=_("手机号码"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "inputmode": "tel"}))
    code = forms.CharField(
        label=_("短信验证码"), required=False, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    consent_publish = forms.BooleanField(
        label=_("同意办结后在回音壁匿名公开（姓名、电话、详细地址将被隐去）"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, type_choices: list[tuple[str, str]],
                 stations: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = [("", _("请选择")), *type_choices]
        if stations is None:
            del self.fields["station"]
        else:
            station = self.fields["station"]
            station.required = True
            station.error_messages["required"] = _("请选择联络站")
            station.error_messages["invalid_choice"] = _("请选择联络站")
            station.choices = [("", _("请选择")), *stations]

    def clean_citizen_mobile(self) -> str:
        mobile = self.cleaned_data["citizen_mobile"]
        if mobile and not self.data.get("anonymous"):
            return phone_normalise(mobile)
        return mobile

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("anonymous"):
            data["citizen_name"] = data["citizen_mobile"] = data["code"] = ""
        elif not data.get("citizen_mobile") and "citizen_mobile" not in self.errors:
            self.add_error("citizen_mobile", _("请填写手机号码，或选择匿名反映"))
        elif not data.get("code") and "citizen_mobile" not in self.errors:
            self.add_error("code", _("请先获取并填写短信验证码"))
        return data

    def keep_errors_of(self, *names: str) -> None:
        """Drop every error but those of `names`: asking for a code says nothing about the
        fields the citizen has not finished yet."""
        self._errors = ErrorDict({k: v for k, v in self.errors.items() if k in names})

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError, on the field it names when the form has one."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class LookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("查询编号"), max_length=30, error_messages={"required": REQUIRED_ERROR},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    secret = forms.CharField(label=_("查询密码"), max_length=64,
                             error_messages={"required": REQUIRED_ERROR},
                             widget=forms.TextInput(attrs={"autocomplete": "off"}),
                             help_text=_("提交成功时页面上显示的查询密码，也在查询链接中“s=”之后"))


class SecretForm(forms.Form):
    secret = LookupForm.base_fields["secret"]


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("您对办理结果的评价"), choices=Opinion.Rating.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("请选择评价")})
    solved = forms.TypedChoiceField(
        label=_("您反映的问题解决了吗？"), required=False, widget=forms.RadioSelect,
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        coerce=lambda value: value == "yes", empty_value=None)
    comment = _text(_("评价意见（选填）"), 1000, required=False,
                    widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = _text(_("不满意的原因"), 1000, widget=forms.Textarea(attrs={"rows": 3}),
                   help_text=_("每件民意只能申请重新办理一次"))
