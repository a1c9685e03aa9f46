"""The citizen's forms: the opinion form (made for phones, no account), the tracking lookup,
the rating and the reopening; and the staff's form for items received by hotline, at a
reception day or from 12345. They check what a browser sends; the services check again."""

import datetime
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.uploads import ATTACHMENT_TYPES, EXTENSIONS
from renda.core.verification import phone_normalise
from renda.directory.models import Congress, Deputy, Station
from renda.opinions.attachments import CheckedFile, attachment_limits, attachments_check
from renda.opinions.models import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, Opinion

LENGTH_ERROR = _("最多 %(limit_value)d 个字，现有 %(show_value)d 个字，请删减后再提交")
REQUIRED_ERROR = _("此项不能为空")


def _text(label: Any, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR},
                           **kwargs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files under one name (`<input type=file multiple>`), cleaned one by one; their
    content is checked by the form, which knows the congress and its limits."""

    def __init__(self, **kwargs: Any) -> None:
        accept = ",".join([*ATTACHMENT_TYPES, *(f".{ext}" for ext in EXTENSIONS.values()),
                           ".jpeg"])
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept,
                                                             "multiple": True}))
        kwargs.setdefault("error_messages", {
            "empty": _("所选文件是空的，请重新选择"),
            "invalid": _("没有收到文件，请重新选择"),
        })
        kwargs.setdefault("label", _("照片或 PDF 文件（选填）"))
        super().__init__(required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(AttachmentsField, self).clean(item, initial) for item in files]


class AttachmentsMixin:
    """Checks the files of `attachments` by content against the limits of `attachments_congress`
    (for the staff form: the chosen station's congress). `show_limits` tells the page the limits
    of `congress` (the defaults while it is unknown), for the help text and for the browser's
    check before sending (`attachments.js`)."""

    def show_limits(self, congress: Congress | None) -> None:
        limits = self.attachment_limits = attachment_limits(congress=congress)
        field = self.fields["attachments"]  # type: ignore[attr-defined]
        text = _("最多 %(count)d 个，每个不超过 %(mb)s MB；支持 JPEG、PNG、WebP 格式的照片和 PDF 文件")
        field.help_text = text % {"count": limits.max_count, "mb": limits.max_mb}
        field.widget.attrs.update({"data-max-count": limits.max_count,
                                   "data-max-bytes": limits.max_bytes})

    def attachments_congress(self) -> Congress | None:
        return getattr(self, "congress", None)

    def clean_attachments(self) -> list[CheckedFile]:
        files = self.cleaned_data["attachments"]  # type: ignore[attr-defined]
        if not files:
            return []
        try:
            return attachments_check(congress=self.attachments_congress(), files=files)
        except ValidationError as error:
            raise ValidationError(error.message_dict["attachments"]) from None


class AttachmentUploadForm(AttachmentsMixin, forms.Form):
    """Staff add files to an item from its page (`opinions/staff/_attachments.html`); the
    service checks them, this form only shows the field and the limits."""

    attachments = AttachmentsField(label=_("上传照片或 PDF 文件"))

    def __init__(self, *args: Any, congress: Congress, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_limits(congress)


class OpinionForm(AttachmentsMixin, forms.Form):
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
    attachments = AttachmentsField()
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, type_choices: list[tuple[str, str]],
                 stations: list[tuple[str, str]] | None = None,
                 congress: Congress | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.congress = congress
        self.show_limits(congress)
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


# Staff entry -----------------------------------------------------------------------------------


STAFF_CHANNELS = (Opinion.Channel.HOTLINE, Opinion.Channel.RECEPTION_DAY,
                  Opinion.Channel.HOTLINE_12345, Opinion.Channel.OTHER)


class StaffEntryForm(AttachmentsMixin, forms.Form):
    """An item received by station staff, a deputy or the office on the phone, at a reception
    day or from the 12345 hotline, entered on the citizen's behalf (no SMS code).

    `stations` and `deputies` are those the user may address an item to: the view narrows them
    to the user's scope, and the service checks the new item against the scope again.
    """

    channel = forms.ChoiceField(
        label=_("受理渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        error_messages={"required": _("请选择受理渠道"), "invalid_choice": _("请选择受理渠道")})
    reception_date = forms.DateField(
        label=_("接待日日期"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("渠道为“代表接待日”时填写接待日的日期"),
        error_messages={"invalid": _("请填写正确的日期")})
    station = forms.ModelChoiceField(
        label=_("反映至联络站"), queryset=Station.objects.none(), empty_label=_("请选择"),
        error_messages={"required": _("请选择联络站"), "invalid_choice": _("请选择联络站")})
    deputy = forms.ModelChoiceField(
        label=_("反映至代表"), queryset=Deputy.objects.none(), required=False,
        empty_label=_("不指定代表"),
        error_messages={"invalid_choice": _("请从列表中选择代表")})
    type_code = OpinionForm.base_fields["type_code"]
    title = _text(_("标题"), TITLE_MAX_LENGTH,
                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    content = _text(_("具体内容"), CONTENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8}),
                    help_text=_("记录反映人所说的时间、地点和具体情况，最多 5000 字"))
    address = _text(_("问题发生地点（选填）"), 200, required=False)
    citizen_name = _text(_("反映人姓名"), 40, required=False,
                         widget=forms.TextInput(attrs={"autocomplete": "off"}))
    citizen_mobile = forms.CharField(
        label=_("反映人手机号码"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
        help_text=_("姓名和手机号码都不填的，按匿名反映处理"))
    consent_publish = forms.BooleanField(
        label=_("反映人同意办结后在回音壁匿名公开"), required=False)
    attachments = AttachmentsField()
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, stations: QuerySet[Station], deputies: QuerySet[Deputy],
                 type_choices: list[tuple[str, str]], deputy_required: bool = False,
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        deputy = self.fields["deputy"]
        deputy.queryset = deputies
        if deputy_required:
            # A deputy enters what was raised with him: the item is addressed to him.
            deputy.required, deputy.empty_label = True, None
        self.fields["type_code"].choices = [("", _("请选择")), *type_choices]
        congresses = {station.congress for station in stations}
        self.show_limits(congresses.pop() if len(congresses) == 1 else None)

    def attachments_congress(self) -> Congress | None:
        station = self.cleaned_data.get("station")
        return station.congress if station else None

    def clean_citizen_mobile(self) -> str:
        mobile = self.cleaned_data["citizen_mobile"]
        return phone_normalise(mobile) if mobile else ""

    def clean_reception_date(self) -> datetime.date | None:
        day = self.cleaned_data["reception_date"]
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("接待日日期不能晚于今天"))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reception_date") and data.get("channel") != Opinion.Channel.RECEPTION_DAY:
            self.add_error("reception_date", _("只有渠道为“代表接待日”时才填写接待日日期"))
        station, deputy = data.get("station"), data.get("deputy")
        if station and deputy and not station.assignments.filter(deputy=deputy).exists():
            self.add_error("deputy", _("该代表不在所选联络站"))
        return data

    add_service_error = OpinionForm.add_service_error
