"""Forms of the office's review pages: the queue's filters, one form per review action, and
the bulk registration's selection. The services check states, scopes and reasons again."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from renda.directory.models import PlenarySession
from renda.suggestions.forms_drafting import _text
from renda.suggestions.models import Suggestion
from renda.suggestions.services.review import REASON_MAX_LENGTH, LetterReason

BULK_MAX = 2000


def _note(label: Any, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    return _text(label, REASON_MAX_LENGTH, required=required,
                 widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


class ReviewFilterForm(forms.Form):
    session = forms.TypedChoiceField(label=_("会议"), required=False, coerce=int,
                                     empty_value=None)
    category = forms.ChoiceField(label=_("分类"), required=False)
    kind = forms.ChoiceField(label=_("类别"), required=False,
                             choices=[("", _("建议和议案")), *Suggestion.Kind.choices])
    deputy = forms.CharField(label=_("代表姓名"), required=False, max_length=20,
                             widget=forms.TextInput(attrs={"type": "search",
                                                           "autocomplete": "off"}))

    def __init__(self, *args: Any, sessions: QuerySet[PlenarySession],
                 categories: dict[str, dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("全部（含闭会期间）")),
                                          *((s.pk, str(s)) for s in sessions)]
        self.fields["category"].choices = [("", _("全部分类")),
                                           *((code, item["label"])
                                             for code, item in categories.items())]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of `review_queue`; none when invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"session_id": data["session"], "category": data["category"],
                "kind": data["kind"], "deputy": data["deputy"]}


class RegisterForm(forms.Form):
    note = _note(_("审查意见（选填）"))


class ReturnForm(forms.Form):
    reason = _note(_("退回理由"), required=True,
                   help_text=_("代表会看到这段理由，修改后可以重新提交"))


class LetterForm(forms.Form):
    reason = forms.ChoiceField(label=_("转为来信处理的理由"),
                               choices=[("", _("请选择理由")), *LetterReason.choices],
                               error_messages={"required": _("请选择转为来信处理的理由")})
    note = _note(_("说明（选填）"), help_text=_("代表会看到理由和这段说明"))


class ToSuggestionForm(forms.Form):
    reason = _note(_("不作为议案的理由"), required=True,
                   help_text=_("转为建议后保留原有记录，可按建议立案"))


FORMS: dict[str, type[forms.Form]] = {
    "register": RegisterForm,
    "to_suggestion": ToSuggestionForm,
    "return": ReturnForm,
    "to_letter": LetterForm,
}


class IdsField(forms.Field):
    """The ticked rows of the queue: `ids` repeated, each a positive integer."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            ids = [int(item) for item in values]
        except (TypeError, ValueError):
            raise ValidationError(_("所选的建议无效，请刷新后重新选择")) from None
        if any(pk <= 0 or pk > 2**62 for pk in ids) or len(ids) > BULK_MAX:
            raise ValidationError(_("所选的建议无效，请刷新后重新选择"))
        return sorted(set(ids))


class BulkForm(forms.Form):
    """Register the ticked rows (`scope` selected) or everything the filters find (`filtered`)."""

    scope = forms.ChoiceField(choices=[("selected", "selected"), ("filtered", "filtered")])
    ids = IdsField(required=False)
    # How many rows the page showed for `filtered`; a different count refuses the run.
    expected = forms.IntegerField(required=False, min_value=0)
    note = _note(_("审查意见（选填）"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == "selected" and not data.get("ids"):
            raise ValidationError(_("请先勾选要立案的建议"))
        return data
