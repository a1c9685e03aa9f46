"""Forms of the deputies' secret ballots: the ballot itself (on a deputy's phone, or a paper
ballot entered by the tellers), the preparation of a ballot and the search of the roll.

A ballot form builds its fields from the ballot's items and method and gives back the choices
in the service's form (`renda.projects.ballots.ballot_cast`); the service checks them again."""

from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from renda.projects.models import Ballot, BallotItem

APPROVE_LABELS = (("for", _("赞成")), ("against", _("反对")), ("abstain", _("弃权")))


def item_field_name(item: BallotItem) -> str:
    return f"item_{item.pk}"


class BallotForm(forms.Form):
    """One ballot paper: for / against / abstain (approve) or a rating (rate) on each item,
    or at most `places` items ticked (choose)."""

    def __init__(self, *args: Any, ballot: Ballot, items: list[BallotItem],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ballot, self.items = ballot, items
        self.places = int(ballot.rules.get("places", 0))
        if ballot.method == Ballot.Method.CHOOSE:
            self.fields["chosen"] = forms.MultipleChoiceField(
                label=_("选择项目"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(item.pk), item.proposal.title) for item in items])
            return
        for item in items:
            self.fields[item_field_name(item)] = forms.ChoiceField(
                label=item.proposal.title, choices=self.labels(), widget=forms.RadioSelect,
                error_messages={"required": _("请对这个项目作出选择")})

    def labels(self) -> list[tuple[str, str]]:
        if self.ballot.method == Ballot.Method.APPROVE:
            return list(APPROVE_LABELS)
        return [(c["code"], c["label"]) for c in self.ballot.rules.get("choices", [])]

    def clean_chosen(self) -> list[str]:
        chosen = self.cleaned_data["chosen"]
        if len(chosen) > self.places:
            raise forms.ValidationError(
                gettext("最多选择 %(places)d 个项目，您选了 %(count)d 个") % {"places": self.places, "count": len(chosen)})
        return chosen

    def choices(self) -> dict:
        """The choices in the service's form."""
        if self.ballot.method == Ballot.Method.CHOOSE:
            return {"chosen": self.cleaned_data["chosen"]}
        return {str(item.pk): self.cleaned_data[item_field_name(item)] for item in self.items}

    def summary(self) -> list[dict[str, Any]]:
        """What the voter is about to submit, for the confirmation step."""
        labels = dict(self.labels())
        if self.ballot.method == Ballot.Method.CHOOSE:
            chosen = set(self.cleaned_data["chosen"])
            return [{"item": item, "name": "chosen", "value": str(item.pk),
                     "label": pgettext_lazy("ballot", "选择")} for item in self.items if str(item.pk) in chosen]
        return [{"item": item, "name": item_field_name(item),
                 "value": self.cleaned_data[item_field_name(item)],
                 "label": labels[self.cleaned_data[item_field_name(item)]]}
                for item in self.items]

    def rows(self) -> list[dict[str, Any]]:
        """The approve / rate fields with their items, in ballot order, for the template."""
        return [{"item": item, "field": self[item_field_name(item)]} for item in self.items]


class PrepareForm(forms.Form):
    kind = forms.ChoiceField(label=_("投票类别"), choices=Ballot.Kind.choices)


class RollSearchForm(forms.Form):
    q = forms.CharField(label=_("按姓名查找"), required=False, max_length=40)
