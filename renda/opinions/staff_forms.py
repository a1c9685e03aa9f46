"""Forms of the staff screens: the list's filters and one small form per workflow action.

The forms only shape input; every rule of the loop (states, deadlines, scopes) is checked by the
services they feed. Each action form is rendered with the action as its prefix, so that several
forms on one page never share field ids.
"""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from renda.directory.models import Deputy, HandlingUnit
from renda.opinions.models import CONTENT_MAX_LENGTH, Opinion

NOTE_MAX_LENGTH = 1000


class StaffListFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *Opinion.Status.choices])
    q = forms.CharField(label=_("查询编号"), required=False, max_length=30,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


def _note(label: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(label=label or _("说明"), required=required,
                           max_length=NOTE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    """Actions that need nothing but an optional note: handle in station, convert, accept,
    confirm."""

    note = _note()


class AnswerForm(forms.Form):
    note = forms.CharField(label=_("答复内容"), max_length=CONTENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}))


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=HandlingUnit.objects.none(),
                                  empty_label=_("请选择承办单位"))
    note = _note(_("交办意见"))

    def __init__(self, *args, opinion: Opinion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The service refuses units outside the congress's area; offering only those spares a
        # round trip.
        self.fields["unit"].queryset = HandlingUnit.objects.filter(
            is_active=True, area__path__startswith=opinion.congress.area.path
        ).order_by("name")


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予受理理由"),
                               choices=[("", _("请选择理由")), *Opinion.DeclineReason.choices])
    note = _note(_("告知反映人的说明"))


class ReturnForm(forms.Form):
    reason = _note(_("退回理由"), required=True)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("答复内容"), max_length=CONTENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}))


class ExtendForm(forms.Form):
    amount = forms.IntegerField(label=_("延长工作日数"), min_value=1)
    note = _note(_("延期理由"))

    def __init__(self, *args, maximum: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["amount"]
        field.max_value = maximum
        field.widget.attrs["max"] = maximum
        field.validators.append(MaxValueValidator(maximum))
        field.help_text = _("最多 %(max)d 个工作日") % {"max": maximum}
        field.initial = maximum


class ConvertForm(forms.Form):
    """Turn the item into a deputy's suggestion: the deputy who will propose it."""

    deputy = forms.ModelChoiceField(label=_("提出建议的代表"), queryset=Deputy.objects.none(),
                                    empty_label=_("请选择代表"))
    note = _note(_("说明"))

    def __init__(self, *args, opinion: Opinion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        deputies = Deputy.objects.filter(mandates__term__congress=opinion.congress,
                                         mandates__status="active")
        if opinion.addressed_station_id:
            deputies = deputies.filter(stations=opinion.addressed_station_id) | deputies.filter(
                pk=opinion.addressed_deputy_id or 0)
        self.fields["deputy"].queryset = deputies.distinct().order_by("name")
        self.fields["deputy"].initial = opinion.addressed_deputy_id


FORMS: dict[str, type[forms.Form]] = {
    "answer_on_spot": AnswerForm,
    "handle_in_station": NoteForm,
    "transfer": TransferForm,
    "convert": ConvertForm,
    "decline": DeclineForm,
    "accept": NoteForm,
    "return": ReturnForm,
    "extend": ExtendForm,
    "reply": ReplyForm,
    "confirm": NoteForm,
}


class OpinionNoteForm(forms.Form):
    body = forms.CharField(label=_("内部备注"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("只有本件的办理人员能看到，反映人看不到"))


class MeetingForm(forms.Form):
    """A multi-party meeting (三方会商) on one item; the participants are offered from the
    item's congress only, the service checks them again."""

    held_at = forms.DateTimeField(label=_("会商时间"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("地点"), max_length=200)
    citizen_attended = forms.BooleanField(label=_("反映人参加"), required=False, initial=True)
    deputies = forms.ModelMultipleChoiceField(label=_("参加的代表"), required=False,
                                              queryset=Deputy.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    units = forms.ModelMultipleChoiceField(label=_("参加的部门"), required=False,
                                           queryset=HandlingUnit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    other_participants = forms.CharField(label=_("其他参加人员"), max_length=500, required=False,
                                         help_text=_("姓名和单位，用顿号分隔"))
    outcome = forms.CharField(label=_("会商结果"), max_length=CONTENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, opinion: Opinion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        congress = opinion.congress
        deputies = Deputy.objects.filter(mandates__term__congress=congress).distinct()
        # The item's own deputy and those of its station first would need a second query
        # per render; the station's deputies are few enough to find by name.
        if opinion.addressed_station_id:
            deputies = deputies.filter(stations=opinion.addressed_station_id) | deputies.filter(
                pk=opinion.addressed_deputy_id or 0)
        self.fields["deputies"].queryset = deputies.distinct().order_by("name")
        self.fields["units"].queryset = HandlingUnit.objects.filter(
            is_active=True, area__path__startswith=congress.area.path).order_by("name")
