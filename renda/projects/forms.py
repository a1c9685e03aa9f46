"""Forms of the cycle, the proposals, the screening and the shortlist. They check what a
browser sends; the services check again."""

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.verification import phone_normalise
from renda.projects.models import Proposal
from renda.projects.services import ProposalData

LENGTH_ERROR = _("最多 %(limit_value)d 个字，现有 %(show_value)d 个字，请删减后再提交")
REQUIRED_ERROR = _("此项不能为空")
MESSAGES = {"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR}


def _text(label: Any, max_length: int, *, required: bool = True, rows: int = 0,
          **kwargs: Any) -> forms.CharField:
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages=MESSAGES, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


class CycleForm(forms.Form):
    year = forms.IntegerField(label=_("实施年度"), min_value=2000, max_value=2100,
                              error_messages={"required": REQUIRED_ERROR})
    title = _text(_("名称（选填）"), 120, required=False,
                  help_text=_("不填则为“某年度某人大民生实事项目”"))
    places = forms.IntegerField(label=_("确定项目数"), min_value=1, max_value=100,
                                help_text=_("代表票决确定的正式项目个数"),
                                error_messages={"required": REQUIRED_ERROR})
    collect_opens_on = forms.DateField(label=_("征集开始日期"), widget=DateInput,
                                       error_messages={"required": REQUIRED_ERROR})
    collect_closes_on = forms.DateField(label=_("征集截止日期"), widget=DateInput,
                                        error_messages={"required": REQUIRED_ERROR})

    def __init__(self, *args: Any, congresses: list, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {}).update({
            "year": today.year + 1, "collect_opens_on": today,
            "collect_closes_on": today + datetime.timedelta(days=30)})
        super().__init__(*args, **kwargs)
        if len(congresses) > 1:
            self.fields["congress"] = forms.TypedChoiceField(
                label=_("人大"), coerce=int, choices=[(c.pk, str(c)) for c in congresses])
            self.order_fields(["congress"])


class ProposalForm(forms.Form):
    """The proposal form, the same for the public and for staff (`sources` adds the source
    choice, `stations` the station it was collected at)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    title = _text(_("项目名称"), 120, help_text=_("例如：兴建街道老旧小区加装电梯"))
    description = _text(_("建设内容"), 5000, rows=5,
                        help_text=_("建什么、在哪里、惠及多少群众"))
    reasons = _text(_("理由"), 5000, required=False, rows=4,
                    help_text=_("为什么需要这个项目"))
    category = forms.ChoiceField(label=_("类别"), error_messages={
        "required": _("请选择项目类别"), "invalid_choice": _("请选择项目类别")})
    area = forms.TypedChoiceField(label=_("实施地点"), required=False, coerce=int,
                                  empty_value=None)
    estimated_cost = forms.DecimalField(
        label=_("估算投资（万元，选填）"), required=False, min_value=Decimal(0),
        max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages={"invalid": _("请填写数字，单位为万元")})
    proposer_name = _text(_("姓名（选填）"), 40, required=False,
                          widget=forms.TextInput(attrs={"autocomplete": "name"}))
    proposer_mobile = forms.CharField(
        label=_("手机号码（选填）"), required=False, max_length=20,
        help_text=_("仅供工作人员联系您，不会公开"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "inputmode": "tel"}))

    def __init__(self, *args: Any, categories: dict[str, str], areas: list,
                 sources: list[tuple[str, str]] | None = None,
                 stations: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择")), *categories.items()]
        self.fields["area"].choices = [("", _("不限（全区）"))] + [(a.pk, a.name) for a in areas]
        if sources:
            self.fields["source"] = forms.ChoiceField(label=_("来源"), choices=sources)
            self.order_fields(["source"])
        if stations:
            self.fields["station"] = forms.TypedChoiceField(
                label=_("收集的联络站"), coerce=int, required=False,
                choices=[("", _("请选择")), *stations],
                initial=stations[0][0] if len(stations) == 1 else None)

    def clean_proposer_mobile(self) -> str:
        mobile = self.cleaned_data["proposer_mobile"].strip()
        return phone_normalise(mobile) if mobile else ""

    def proposal_data(self) -> ProposalData:
        data = self.cleaned_data
        return ProposalData(
            title=data["title"], description=data["description"], reasons=data["reasons"],
            category=data["category"], area_id=data["area"],
            estimated_cost=data["estimated_cost"], proposer_name=data["proposer_name"],
            proposer_mobile=data["proposer_mobile"])


class ScreenForm(forms.Form):
    """The government's decision on one proposal, as the office records it."""

    ACTIONS = [("accept", _("通过初选")), ("reject", _("不通过初选")),
               ("merge", _("合并到另一个项目"))]
    action = forms.ChoiceField(label=_("初选结果"), choices=ACTIONS, widget=forms.RadioSelect,
                               error_messages={"required": _("请选择初选结果")})
    note = _text(_("初选意见"), 2000, required=False, rows=3,
                 help_text=_("不通过时必须说明理由，理由将向社会公开"))
    into = forms.TypedChoiceField(label=_("合并到"), coerce=int, required=False,
                                  empty_value=None)

    def __init__(self, *args: Any, others: list[Proposal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", _("请选择"))] + [
            (p.pk, f"{p.number} {p.title}") for p in others]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("不通过初选必须说明理由"))
        if action == "merge" and not data.get("into"):
            self.add_error("into", _("请选择要合并到的项目"))
        return data
