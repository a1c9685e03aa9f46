"""Forms of the projects' implementation, supervision, survey and final report. They shape
input for a phone; every rule is checked again by the services in
`renda.projects.implementation` and `renda.projects.survey`, whose errors the views put back
on the fields."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.verification import phone_normalise
from renda.directory.models import Deputy, HandlingUnit
from renda.duties.forms import PhotosField
from renda.opinions.forms import LENGTH_ERROR, REQUIRED_ERROR
from renda.projects.implementation import photo_limits
from renda.projects.models import Project

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("请按“年-月-日”填写日期")}
MONEY_ERRORS = {"invalid": _("请填写金额（万元），例如 120.5"),
                "min_value": _("金额不能小于 0"),
                "max_digits": _("金额过大，请以万元为单位填写"),
                "max_decimal_places": _("金额最多保留两位小数"),
                "max_whole_digits": _("金额过大，请以万元为单位填写")}


def _text(label: Any, max_length: int, *, required: bool = True, rows: int = 0,
          **kwargs: Any) -> forms.CharField:
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR},
                           **kwargs)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's error on the fields it names, the rest on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class PlanForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=HandlingUnit.objects.none(),
                                       required=False, empty_label=_("请选择"),
                                       error_messages={"invalid_choice": _("请选择牵头单位")})
    budget = forms.DecimalField(label=_("预算（万元）"), max_digits=12, decimal_places=2,
                                min_value=0, required=False, error_messages=MONEY_ERRORS,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                "step": "0.01"}))
    plan = _text(_("实施方案"), 10000, required=False, rows=8,
                 help_text=_("建设内容、实施地点、进度安排和资金来源"))
    government_report = _text(_("政府完成情况报告"), 10000, required=False, rows=6,
                              help_text=_("测评前由政府报告项目完成情况，供代表测评时参阅"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units


class MilestoneForm(forms.Form):
    title = _text(_("节点"), 120, help_text=_("例如：完成招标、主体完工、竣工验收"))
    due_on = forms.DateField(label=_("计划完成日期"), widget=DATE_WIDGET,
                             error_messages=DATE_ERRORS)


class ProgressReportForm(forms.Form):
    progress = forms.IntegerField(
        label=_("总体进度（%）"), min_value=0, max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("整个项目完成的百分比，0 到 100"),
        error_messages={"required": _("请填写进度"), "invalid": _("请填写 0 到 100 之间的整数"),
                        "min_value": _("进度应为 0 到 100 之间的整数"),
                        "max_value": _("进度应为 0 到 100 之间的整数")})
    spent = forms.DecimalField(label=_("累计支出（万元）"), max_digits=12, decimal_places=2,
                               min_value=0, required=False, error_messages=MONEY_ERRORS,
                               widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                               "step": "0.01"}))
    note = _text(_("进展情况"), 5000, rows=5, help_text=_("本期完成了什么、存在什么问题、下一步安排"))
    photos = PhotosField(label=_("现场照片（选填）"))

    def __init__(self, *args: Any, project: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        photos = self.fields["photos"]
        max_count, max_mb = (photo_limits(project.cycle.congress) if project is not None
                             else (6, 5))
        photos.help_text = _("最多 %(count)d 张，每张不超过 %(mb)s MB；支持 JPEG、PNG、WebP 格式。"
                             "照片将在项目公开页面展示，请勿拍摄群众面部等个人信息") % {
            "count": max_count, "mb": max_mb}
        photos.widget.attrs.update({"data-max-count": max_count,
                                    "data-max-bytes": max_mb * 1024 * 1024})
        if project is not None and not self.is_bound:
            self.initial.setdefault("progress", project.progress)
            self.initial.setdefault("spent", project.spent)


def _deputy_choices(deputies: list[Deputy]) -> list[tuple[int, str]]:
    return [(deputy.pk, deputy.name) for deputy in deputies]


class GroupForm(forms.Form):
    name = _text(_("小组名称"), 80, help_text=_("例如：第一监督小组（教育、养老项目）"))
    leader = forms.TypedChoiceField(label=_("组长"), coerce=int, required=False,
                                    empty_value=None,
                                    error_messages={"invalid_choice": _("请选择组长")})
    members = forms.TypedMultipleChoiceField(
        label=_("成员"), coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一位代表"),
                        "invalid_choice": _("请从名单中选择代表")})
    projects = forms.TypedMultipleChoiceField(
        label=_("监督的项目"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从本年度项目中选择")})

    def __init__(self, *args: Any, deputies: list[Deputy], projects: list[Project],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _deputy_choices(deputies)
        self.fields["leader"].choices = [("", _("请选择")), *choices]
        self.fields["members"].choices = choices
        self.fields["projects"].choices = [(project.pk, project.title) for project in projects]


class InspectionForm(forms.Form):
    project = forms.TypedChoiceField(label=_("检查的项目"), coerce=int,
                                     error_messages={"required": _("请选择项目"),
                                                     "invalid_choice": _("请选择本小组监督的项目")})
    date = forms.DateField(label=_("检查日期"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    participants = forms.TypedMultipleChoiceField(
        label=_("参加的代表"), coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择参加检查的代表"),
                        "invalid_choice": _("只能选择本小组的代表")})
    findings = _text(_("发现的问题"), 5000, rows=5,
                     help_text=_("现场看到的进度、质量和群众反映；将在项目公开页面公布"))
    recommendations = _text(_("意见建议"), 5000, required=False, rows=4)

    def __init__(self, *args: Any, projects: list[Project], members: list[Deputy],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", _("请选择")),
                                          *((project.pk, project.title) for project in projects)]
        self.fields["participants"].choices = _deputy_choices(members)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class FinalReportForm(forms.Form):
    final_report = _text(_("通报"), 20000, required=False, rows=12,
                         help_text=_("向代表和社会通报各项目完成情况、代表测评和群众测评结果"))


class VoterForm(forms.Form):
    """The citizen's mobile number and the SMS code that confirms it."""

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


class SurveyForm(forms.Form):
    """One rating (optional) and one comment (optional) per project not yet rated by this
    number: fields `p<id>` and `c<id>`."""

    def __init__(self, *args: Any, projects: list[Project], choices: list[dict],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [(choice["code"], choice["label"]) for choice in choices]
        self.rows = []
        for project in projects:
            self.fields[f"p{project.pk}"] = forms.ChoiceField(
                label=project.title, choices=options, required=False, widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("请从列出的选项中选择")})
            self.fields[f"c{project.pk}"] = _text(_("意见（选填）"), 500, required=False, rows=2)
            self.rows.append((project, self[f"p{project.pk}"], self[f"c{project.pk}"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not any(value for name, value in data.items()
                                       if name.startswith("p")):
            raise ValidationError(_("请至少评价一个项目"))
        return data

    def ratings(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()
                if name.startswith("p") and value}

    def comments(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()
                if name.startswith("c") and value}
