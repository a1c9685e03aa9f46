"""Forms of the duty reports' pages. They shape input for a phone; every rule (who may act, in
which state, the venue's congress) is checked again by `renda.duties.reports`."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.directory.models import Congress, Deputy, Station
from renda.duties.models import DutyReport
from renda.duties.reports import BALLOTS_MAX, TEXT_MAX
from renda.opinions.forms import LENGTH_ERROR, REQUIRED_ERROR

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.Form):
    """A new year's round; the share is entered in per cent (20 for 20 %)."""

    congress = forms.TypedChoiceField(label=_("人大"), coerce=int)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              error_messages={"required": _("请填写年度"),
                                              "invalid": _("请填写年度，例如 2026")})
    title = forms.CharField(label=_("名称（选填）"), max_length=120, required=False,
                            error_messages={"max_length": LENGTH_ERROR},
                            help_text=_("留空则为“某年度代表述职评议”"))
    share_percent = forms.DecimalField(
        label=_("述职比例（%）"), min_value=Decimal("0.1"), max_value=Decimal("100"),
        decimal_places=1, required=False,
        error_messages={"invalid": _("请填写百分比，例如 20")},
        help_text=_("留空则按本级人大的设置（默认 20%）；人数向上取整"))

    def __init__(self, *args: Any, congresses: list[Congress], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.congresses = congresses
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        self.fields["year"].initial = timezone.localdate().year
        if len(congresses) == 1:
            self.fields["congress"].widget = forms.HiddenInput()
            self.fields["congress"].initial = congresses[0].pk

    @property
    def chosen_congress(self) -> Congress:
        wanted = self.cleaned_data.get("congress")
        return next(c for c in self.congresses if c.pk == wanted)

    @property
    def share(self) -> Decimal | None:
        percent = self.cleaned_data.get("share_percent")
        return None if percent is None else percent / 100


class AddDeputyForm(forms.Form):
    deputy = forms.TypedChoiceField(label=_("增加述职代表"), coerce=int,
                                    error_messages={"required": _("请选择代表"),
                                                    "invalid_choice": _("请选择代表")})

    def __init__(self, *args: Any, deputies: list[Deputy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].choices = [("", _("请选择代表")),
                                         *((d.pk, d.name) for d in deputies)]


class ExcuseForm(forms.Form):
    reason = forms.CharField(label=_("取消述职的理由"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写取消述职的理由"),
                                             "max_length": LENGTH_ERROR},
                             help_text=_("例如：因病请假、已辞去代表职务"))


class ArrangeForm(forms.Form):
    audience = forms.ChoiceField(label=_("测评对象"), choices=DutyReport.Audience.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": _("请选择测评对象")})
    station = forms.TypedChoiceField(label=_("述职地点（联络站）"), coerce=int, required=False,
                                     empty_value=None,
                                     error_messages={"invalid_choice": _("请选择联络站")},
                                     help_text=_("向选民述职时必填"))
    scheduled_on = forms.DateField(label=_("述职日期"), required=False, widget=DATE_WIDGET,
                                   error_messages={"invalid": _("请填写正确的日期")})

    def __init__(self, *args: Any, stations: list[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", _("不选")),
                                          *((s.pk, s.name) for s in stations)]


class TextForm(forms.Form):
    text = forms.CharField(label=_("述职报告"), max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 14}),
                           error_messages={"required": REQUIRED_ERROR, "max_length": LENGTH_ERROR},
                           help_text=_("写明一年来联系群众、参加活动、提出建议和办理情况、"
                                       "存在的不足；测评开始前可以修改"))


class BallotsForm(forms.Form):
    count = forms.IntegerField(
        label=_("测评票张数"), min_value=1, max_value=BALLOTS_MAX,
        error_messages={"required": _("请填写测评票张数"),
                        "invalid": _("请填写整数"),
                        "min_value": _("至少 1 张"),
                        "max_value": _("一次最多 %(limit_value)s 张")},
        help_text=_("按到场的测评人数填写。提交后立即下载测评票 PDF，测评码只出现这一次，"
                    "请当场打印并逐张发放"))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("您对这位代表履职情况的评价"), widget=forms.RadioSelect,
                               error_messages={"required": _("请选择一项评价"),
                                               "invalid_choice": _("请选择一项评价")})

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = choices


class CodeForm(forms.Form):
    code = forms.CharField(label=_("测评码"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters"}),
                           error_messages={"required": _("请填写测评票上的测评码")},
                           help_text=_("测评票上的 10 位字母和数字，不区分大小写"))
