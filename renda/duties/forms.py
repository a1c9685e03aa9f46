"""Forms of the duty pages. They shape input for a phone; every rule (which types a user may
record, the date, duplicates, the photos' content and number) is checked by the services,
whose errors the views put back on the fields."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.uploads import EXTENSIONS, IMAGE_TYPES
from renda.directory.models import Area, Congress, Deputy, DeputyGroup
from renda.directory.selectors import setting_value
from renda.duties.models import DutyRecord, Quota
from renda.opinions.forms import LENGTH_ERROR, REQUIRED_ERROR, MultipleFileInput


def _text(label: Any, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR},
                           **kwargs)


class PhotosField(forms.FileField):
    """Several photos under one name (`<input type=file multiple accept=image/*>`); their
    content and number are checked by the service against the congress's limits."""

    def __init__(self, **kwargs: Any) -> None:
        accept = ",".join([*IMAGE_TYPES, *(f".{EXTENSIONS[t]}" for t in IMAGE_TYPES), ".jpeg"])
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept, "multiple": True}))
        kwargs.setdefault("error_messages", {"empty": _("所选照片是空的，请重新选择"),
                                             "invalid": _("没有收到照片，请重新选择")})
        super().__init__(required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class TypeField(forms.ChoiceField):
    """Offers the types the user may record; any code passes to the service, which says why
    one is refused (an automatic type: "recorded by the system, no need to record it")."""

    def valid_value(self, value: Any) -> bool:
        return True


class DutyRecordForm(forms.Form):
    """An activity the deputy records, or staff record for a deputy (with `deputies`: then
    the deputy is chosen too, and bonuses and deductions are among the types)."""

    deputy = forms.TypedChoiceField(label=_("代表"), coerce=int, empty_value=None,
                                    error_messages={"required": _("请选择代表"),
                                                    "invalid_choice": _("请选择代表")})
    activity_type = TypeField(label=_("活动类型"),
                              error_messages={"required": _("请选择活动类型")})
    date = forms.DateField(label=_("日期"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": _("请填写活动日期"),
                                           "invalid": _("请按“年-月-日”填写日期")})
    title = _text(_("活动名称"), 200, widget=forms.TextInput(attrs={"autocomplete": "off"}),
                  help_text=_("例如：到兴建街道联络站接待选民"))
    place = _text(_("地点"), 200, required=False)
    participants = _text(_("参加人员"), 500, required=False,
                         help_text=_("一起参加的代表和其他人员"))
    people_count = forms.IntegerField(
        label=_("联系群众人数"), min_value=0, max_value=100000, initial=0, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("这次活动中联系、接待的选民和群众人数，没有的填 0"),
        error_messages={"invalid": _("请填写整数"),
                        "min_value": _("联系群众人数不能小于 0"),
                        "max_value": _("联系群众人数不能超过 100000")})
    description = _text(_("情况说明"), 5000, required=False,
                        widget=forms.Textarea(attrs={"rows": 5}))
    photos = PhotosField(label=_("活动照片（选填）"))

    def __init__(self, *args: Any, congress: Congress, types: list[dict],
                 deputies: list[Deputy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.congress = congress
        self.fields["activity_type"].choices = [
            ("", _("请选择")), *((item["code"], item["label"]) for item in types)]
        if deputies is None:
            del self.fields["deputy"]
        else:
            self.fields["deputy"].choices = [("", _("请选择")),
                                             *((d.pk, d.name) for d in deputies)]
        count = setting_value(congress=congress, key="duties.photo_max_count")
        megabytes = setting_value(congress=congress, key="duties.photo_max_mb")
        photos = self.fields["photos"]
        photos.help_text = _("最多 %(count)d 张，每张不超过 %(mb)s MB；支持 JPEG、PNG、WebP 格式") % {
            "count": count, "mb": megabytes}
        photos.widget.attrs.update({"data-max-count": count,
                                    "data-max-bytes": megabytes * 1024 * 1024})
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("photos", None)
        data.pop("deputy", None)
        data["people_count"] = data.get("people_count") or 0
        return data


class RecordFiltersForm(forms.Form):
    """The staff's list of records: by deputy, type, year, source and status."""

    congress = forms.TypedChoiceField(label=_("人大"), coerce=int, required=False,
                                      empty_value=None)
    deputy = forms.TypedChoiceField(label=_("代表"), coerce=int, required=False,
                                    empty_value=None)
    activity_type = forms.ChoiceField(label=_("活动类型"), required=False)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    source = forms.ChoiceField(label=_("来源"), required=False,
                               choices=[("", _("全部")), *DutyRecord.Source.choices])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *DutyRecord.Status.choices])

    def __init__(self, data: Any, *, congresses: list[Congress], deputies: list[Deputy],
                 types: list[dict], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        if len(congresses) < 2:
            self.fields["congress"].widget = forms.HiddenInput()
        self.fields["deputy"].choices = [("", _("全部")), *((d.pk, d.name) for d in deputies)]
        self.fields["activity_type"].choices = [
            ("", _("全部")), *((item["code"], item["label"]) for item in types)]
        self.fields["year"].choices = [("", _("全部")), *year_choices()]


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, this_year - 6, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["year"].choices = year_choices()


class RejectForm(forms.Form):
    reason = _text(_("退回理由"), 500, widget=forms.Textarea(attrs={"rows": 3}),
                   help_text=_("代表会看到这段理由；退回的记录不计分"))


class WithdrawForm(forms.Form):
    reason = _text(_("撤回理由（选填）"), 500, required=False,
                   widget=forms.Textarea(attrs={"rows": 2}))


class RankingsForm(forms.Form):
    congress = forms.TypedChoiceField(label=_("人大"), coerce=int, required=False,
                                      empty_value=None)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    group = forms.TypedChoiceField(label=_("代表小组"), coerce=int, required=False,
                                   empty_value=None)
    area = forms.TypedChoiceField(label=_("区域（选区或联络站所在地）"), coerce=int,
                                  required=False, empty_value=None)

    def __init__(self, data: Any, *, congresses: list[Congress], groups: list[DeputyGroup],
                 areas: list[Area], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        if len(congresses) < 2:
            self.fields["congress"].widget = forms.HiddenInput()
        self.fields["year"].choices = year_choices()
        self.fields["group"].choices = [("", _("全部")), *((g.pk, g.name) for g in groups)]
        self.fields["area"].choices = [("", _("全部")), *((a.pk, a.name) for a in areas)]


# The points scheme ------------------------------------------------------------------------------


def _points_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    # A text field: the service reads the number and says what is wrong with it.
    return forms.CharField(label=label, required=required, max_length=12,
                           error_messages={"required": REQUIRED_ERROR},
                           widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                         "autocomplete": "off"}), **kwargs)


class SchemeForm(forms.Form):
    title = _text(_("名称"), 120)
    note = _text(_("说明"), 5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    max_total = _points_field(_("总分上限"), required=False, help_text=_("留空表示不设上限"))


class RuleForm(forms.Form):
    activity_type = forms.CharField(widget=forms.HiddenInput, max_length=40)
    points = _points_field(_("每次分值"), help_text=_("扣分填负数，例如 -1"))
    cap = _points_field(_("全年上限"), required=False,
                        help_text=_("该类活动全年最多计多少分；留空表示不设上限"))


class QuotaForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40,
                           help_text=_("英文字母、数字或下划线，例如 constituents"),
                           error_messages={"required": REQUIRED_ERROR,
                                           "invalid": _("只能使用英文字母、数字、下划线和连字符")})
    label = _text(_("名称"), 80)
    activity_types = forms.MultipleChoiceField(
        label=_("计入的活动类型"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择计入定额的活动类型"),
                        "invalid_choice": _("请选择计入定额的活动类型")})
    measure = forms.ChoiceField(label=_("计量"), choices=Quota.Measure.choices)
    minimum = forms.IntegerField(label=_("全年最低"), min_value=0, max_value=100000,
                                 error_messages={"required": REQUIRED_ERROR,
                                                 "invalid": _("请填写整数")})

    def __init__(self, *args: Any, types: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity_types"].choices = [(t["code"], t["label"]) for t in types]


def parse_year(value: Any) -> int | None:
    """A year in the URL or the query, within what the pages offer."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    this_year = timezone.localdate().year
    return year if 2000 <= year <= this_year + 1 else None
