"""Forms of 督 and 评: the deputy's rating, the commitments ledger, key supervision, meetings and
third-party reviews. They shape input for a phone; every rule is checked again by the
services, under the row's lock."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from renda.accounts.models import User
from renda.core.deadlines import local_zone
from renda.directory.models import HandlingUnit
from renda.opinions.forms import LENGTH_ERROR, REQUIRED_ERROR
from renda.suggestions.models import TEXT_MAX_LENGTH, Commitment, Evaluation
from renda.suggestions.services.supervision import PARTICIPANTS_MAX_LENGTH, PLACE_MAX_LENGTH


def _text(label: Any, max_length: int, *, required: bool = True, rows: int = 0,
          **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget,
                           error_messages={"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR},
                           **kwargs)


def _users(users: list[User]) -> list[tuple[int, str]]:
    return [(user.pk, str(user)) for user in users]


# 评 ---------------------------------------------------------------------------------------------


class EvaluationForm(forms.Form):
    """The lead deputy's rating of one reply (or its follow-up at year end)."""

    rating = forms.ChoiceField(label=_("评价"), choices=Evaluation.Rating.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("请选择满意、基本满意或不满意")})
    comment = _text(_("评价意见（选填）"), TEXT_MAX_LENGTH, required=False, rows=3,
                    help_text=_("不满意的，请写明原因和要求，承办单位将据此重新办理"))


# The commitments ledger ------------------------------------------------------------------------


LEDGER_STATUS_CHOICES = [("unfinished", _("未兑现（推进中和已调整计划）")),
                         *Commitment.Status.choices, ("all", _("全部"))]


class LedgerFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("承诺年度"), required=False, coerce=int,
                                  empty_value=None)
    unit = forms.TypedChoiceField(label=_("承办单位"), required=False, coerce=int,
                                  empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=LEDGER_STATUS_CHOICES)

    def __init__(self, *args: Any, years: list[int], units: list[HandlingUnit],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *((y, str(y)) for y in years)]
        self.fields["unit"].choices = [("", _("全部单位")), *((u.pk, u.name) for u in units)]

    def filters(self) -> dict[str, Any]:
        """The selector's arguments; anything odd in the query string is left out."""
        if not self.is_valid():
            return {"status": "unfinished"}
        data = self.cleaned_data
        return {"year": data["year"], "unit_id": data["unit"],
                "status": data["status"] or "unfinished"}


class ProgressForm(forms.Form):
    progress = _text(_("进展情况"), TEXT_MAX_LENGTH, rows=4,
                     help_text=_("写明目前做了什么、还差什么；每次登记都会留存"))


class FulfilForm(forms.Form):
    progress = _text(_("兑现情况"), TEXT_MAX_LENGTH, rows=4,
                     help_text=_("写明承诺事项如何完成、何时完成"))


class ReplanForm(forms.Form):
    promised_date = forms.DateField(label=_("新的承诺完成时间"),
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    error_messages={"required": REQUIRED_ERROR,
                                                    "invalid": _("请输入正确的日期")})
    reason = _text(_("调整理由"), TEXT_MAX_LENGTH, rows=3)


# Key supervision and meetings ------------------------------------------------------------------


class KeyForm(forms.Form):
    reason = _text(_("列为重点督办的理由"), TEXT_MAX_LENGTH, rows=3)
    leaders = forms.TypedMultipleChoiceField(
        label=_("督办领导"), coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一位督办领导")})

    def __init__(self, *args: Any, leaders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaders"].choices = _users(leaders)


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(label=_("会议时间"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                  error_messages={"required": REQUIRED_ERROR,
                                                  "invalid": _("请输入正确的时间")})
    place = _text(_("地点"), PLACE_MAX_LENGTH)
    three_party = forms.BooleanField(
        label=_("三方会商"), required=False,
        help_text=_("领衔代表、承办单位和乡镇（街道）人大共同参加的会商"))
    participants = _text(_("参加人员"), PARTICIPANTS_MAX_LENGTH, rows=2)
    outcome = _text(_("会议结果"), TEXT_MAX_LENGTH, rows=4)

    def clean_held_at(self) -> datetime.datetime:
        value = self.cleaned_data["held_at"]
        return value.astimezone(local_zone())


# Third-party reviews ---------------------------------------------------------------------------


class ReviewAssignForm(forms.Form):
    reviewer = forms.TypedChoiceField(label=_("评估人员"), coerce=int,
                                      error_messages={"required": _("请选择评估人员")})
    due_date = forms.DateField(label=_("报告期限"), widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": REQUIRED_ERROR,
                                               "invalid": _("请输入正确的日期")})

    def __init__(self, *args: Any, evaluators: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", _("请选择")), *_users(evaluators)]


class ReviewReportForm(forms.Form):
    """A score per criterion of the congress's `suggestions.review_criteria`, then the
    conclusion; a draft may leave scores empty."""

    conclusion = _text(_("评估结论"), TEXT_MAX_LENGTH, required=False, rows=6)

    def __init__(self, *args: Any, criteria: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = {}
        for item in criteria:
            scores[f"score_{item['code']}"] = forms.IntegerField(
                label=_("%(label)s（0–%(max)s 分）") % {"label": item["label"], "max": item["max"]},
                required=False, min_value=0, max_value=int(item["max"]),
                error_messages={"invalid": _("请输入整数分值")})
        self.fields = {**scores, "conclusion": self.fields["conclusion"]}

    def scores(self) -> dict[str, int | None]:
        return {item["code"]: self.cleaned_data.get(f"score_{item['code']}")
                for item in self.criteria}
