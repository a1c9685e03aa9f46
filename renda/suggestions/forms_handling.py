"""Forms of 交 and 办: the office's assignment and decisions, the unit's actions.

They only shape input; every rule (states, roles, windows, the contact requirement, promise
categories) is checked by `renda.suggestions.services.handling`, which these forms feed. Each
form is rendered with its action (and, for per-assignment forms, the assignment) as prefix, so
that several forms on one page never share field ids.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.deadlines import DeadlineRule, local_date
from renda.directory.models import Congress, HandlingUnit
from renda.suggestions.models import CONTENT_MAX_LENGTH, TEXT_MAX_LENGTH, Assignment, ContactRecord
from renda.suggestions.selectors.handling import rule_text

NOTE_MAX_LENGTH = 1000
DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
               "input_formats": ["%Y-%m-%d"]}


def _note(label: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(label=label or _("说明"), required=required,
                           max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


def congress_units(congress: Congress):
    # The service refuses units outside the congress's area; offering only those spares a
    # round trip.
    return HandlingUnit.objects.filter(
        is_active=True, area__path__startswith=congress.area.path).order_by("path")


class UnitsForm(forms.Form):
    """A form offering the congress's units; `congress` is a required keyword."""

    unit_fields: tuple[str, ...] = ()

    def __init__(self, *args, congress: Congress, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.unit_fields:
            self.fields[name].queryset = congress_units(congress)


class AssignForm(UnitsForm):
    unit_fields = ("lead_unit", "assisting_units", "separate_units")

    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.none(),
                                       required=False, empty_label=_("不设主办单位（分办）"))
    assisting_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=HandlingUnit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("协办单位在交办后规定时间内把书面意见送主办单位"))
    separate_units = forms.ModelMultipleChoiceField(
        label=_("分办单位"), queryset=HandlingUnit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不设主办单位时，选择两个以上单位分别答复代表"))
    note = _note(_("交办意见"))


class AddUnitForm(UnitsForm):
    unit_fields = ("unit",)

    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=HandlingUnit.objects.none(),
                                  empty_label=_("请选择承办单位"))
    role = forms.ChoiceField(label=_("承办方式"), choices=Assignment.Role.choices)
    note = _note(_("交办意见"))


class ReassignApproveForm(UnitsForm):
    unit_fields = ("new_unit",)

    new_unit = forms.ModelChoiceField(label=_("改交单位"), queryset=HandlingUnit.objects.none(),
                                      required=False, empty_label=_("暂不指定，稍后增加承办单位"))
    note = _note()


class ReasonForm(forms.Form):
    reason = _note(_("理由"), required=True)


class NoteForm(forms.Form):
    note = _note()


class ExtendForm(forms.Form):
    amount = forms.TypedChoiceField(label=_("延长期限"), coerce=int, choices=())
    note = _note(_("延期理由"))

    def __init__(self, *args, maximum: DeadlineRule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["amount"]
        field.choices = [(n, rule_text(DeadlineRule(n, maximum.unit)))
                         for n in range(1, maximum.amount + 1)]
        field.initial = maximum.amount
        field.help_text = _("每个承办单位只能延期一次，最长 %(max)s") % {"max": rule_text(maximum)}


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("沟通方式"),
                               choices=[("", _("请选择沟通方式")), *ContactRecord.Method.choices])
    contacted_on = forms.DateField(label=_("沟通日期"), **DATE_WIDGET)
    participants = forms.CharField(label=_("参加人员"), max_length=500,
                                   help_text=_("代表和本单位人员的姓名，用顿号分隔"))
    note = forms.CharField(label=_("沟通情况"), max_length=TEXT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = local_date(timezone.now())


class OpinionForm(forms.Form):
    body = forms.CharField(label=_("协办意见"), max_length=TEXT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}))


class ReplyForm(forms.Form):
    category = forms.ChoiceField(label=_("答复分类"), choices=())
    body = forms.CharField(label=_("答复内容"), max_length=CONTENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("针对建议提出的问题逐条答复"))
    promised_date = forms.DateField(label=_("承诺完成时间"), required=False, **DATE_WIDGET)
    signer = forms.CharField(label=_("签发人"), max_length=40,
                             help_text=_("本单位主要负责人"))
    contact_person = forms.CharField(label=_("联系人"), max_length=40)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20,
                                    widget=forms.TextInput(attrs={"type": "tel"}))
    letter_number = forms.CharField(label=_("答复函文号"), max_length=60, required=False,
                                    help_text=_("如：平住建函〔2026〕12号"))
    is_public = forms.BooleanField(label=_("答复可以公开"), required=False, initial=True,
                                   help_text=_("涉及秘密或个人隐私的，取消勾选"))

    def __init__(self, *args, categories: dict[str, dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("请选择答复分类")),
            *((code, item.get("label", code)) for code, item in categories.items())]
        promise = [item.get("label", code) for code, item in categories.items()
                   if item.get("promise")]
        if promise:
            self.fields["promised_date"].help_text = _("以下分类必填：%(labels)s") % {
                "labels": "；".join(promise)}
