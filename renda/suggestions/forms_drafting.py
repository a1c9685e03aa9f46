"""Forms of the deputy's drafting pages. They shape input for a phone; every rule (who may
edit, the motion threshold, the attachments' content) is checked again by the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from renda.directory.models import Congress
from renda.opinions.forms import LENGTH_ERROR, REQUIRED_ERROR, AttachmentsField, AttachmentsMixin
from renda.suggestions.models import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, Suggestion
from renda.suggestions.services.common import categories
from renda.suggestions.services.drafting import REASON_MAX_LENGTH


def _text(label: Any, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"max_length": LENGTH_ERROR, "required": REQUIRED_ERROR},
                           **kwargs)


class DraftForm(AttachmentsMixin, forms.Form):
    """A new draft, or the lead deputy's changes to one. `congresses` are those he may propose
    in; the choice shows only when there is more than one."""

    # Left out (one congress, or an edit), it is the first of `congresses`.
    congress = forms.TypedChoiceField(label=_("提交给"), coerce=int, required=False,
                                      empty_value=None)
    kind = forms.ChoiceField(label=_("类别"), choices=Suggestion.Kind.choices,
                             initial=Suggestion.Kind.SUGGESTION, widget=forms.RadioSelect,
                             help_text=_("议案须由多名代表联名提出，人数下限见本级人大的规定"))
    title = _text(_("标题"), TITLE_MAX_LENGTH,
                  widget=forms.TextInput(attrs={"autocomplete": "off"}),
                  help_text=_("例如：关于加快老旧小区供暖管网改造的建议"))
    category = forms.ChoiceField(label=_("分类"),
                                 error_messages={"required": _("请选择分类"),
                                                 "invalid_choice": _("请选择分类")})
    content = _text(_("内容"), CONTENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 12}),
                    help_text=_("写明存在的问题、原因分析和具体建议，最多 20000 字"))
    is_public = forms.BooleanField(label=_("可以公开"), required=False, initial=True,
                                   help_text=_("涉及个人隐私或秘密的，请取消勾选，不在公开页面显示"))
    attachments = AttachmentsField(label=_("附件：照片或 PDF 文件（选填）"))

    def __init__(self, *args: Any, congresses: list[Congress], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.congresses = congresses
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        if len(congresses) == 1:
            self.fields["congress"].widget = forms.HiddenInput()
            self.fields["congress"].initial = congresses[0].pk
        self.congress = self._chosen_congress()
        known = categories(self.congress)
        self.fields["category"].choices = [("", _("请选择分类")),
                                           *((code, item["label"]) for code, item in known.items())]
        self.show_limits(self.congress)

    def _chosen_congress(self) -> Congress:
        wanted = self.data.get(self.add_prefix("congress")) if self.is_bound else None
        return next((c for c in self.congresses if str(c.pk) == str(wanted)), self.congresses[0])

    def clean_attachments(self) -> list[Any]:
        # The service checks each file's content against the congress's limits.
        return self.cleaned_data["attachments"]


class ReasonForm(forms.Form):
    """Withdrawal (书面撤回) and a co-signer's refusal both need a written reason."""

    reason = _text(_("理由"), REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(ReasonForm):
    reason = _text(_("撤回理由"), REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                   help_text=_("撤回后不能恢复，请写明理由"))


class DeclineForm(ReasonForm):
    reason = _text(_("不同意联名的理由"), REASON_MAX_LENGTH,
                   widget=forms.Textarea(attrs={"rows": 3}),
                   help_text=_("领衔代表会看到这段理由"))


class EmptyForm(forms.Form):
    """Actions that take nothing but the click: submit, confirm."""


FORMS: dict[str, type[forms.Form]] = {
    "submit": EmptyForm,
    "withdraw": WithdrawForm,
    "confirm": EmptyForm,
    "decline": DeclineForm,
}


class CosignerSearchForm(forms.Form):
    q = forms.CharField(label=_("代表姓名"), required=False, max_length=20,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
