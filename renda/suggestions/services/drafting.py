"""Drafts: a deputy's own, or one started from a citizen's opinion (转为代表建议), which keeps
the link both ways (`Suggestion.source_opinion`, `Opinion.suggestions`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import local_date
from renda.core.workflow import event_append
from renda.directory.models import Congress, Deputy
from renda.opinions import services as opinion_services
from renda.opinions.models import Opinion
from renda.suggestions.models import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, Signature, Suggestion
from renda.suggestions.services.common import (
    categories,
    current_term,
    require,
    session_now,
    text,
)


def suggestion_draft_create(*, actor: Any, congress: Congress, lead_deputy: Deputy, title: str,
                            content: str, category: str, kind: str = Suggestion.Kind.SUGGESTION,
                            is_public: bool = True,
                            source_opinion: Opinion | None = None) -> Suggestion:
    """A new draft of `lead_deputy`, in the term he serves now and the series of today (the
    plenary session being held, or the closed period)."""
    if kind not in Suggestion.Kind.values:
        raise ValidationError({"kind": _("未知的类别")})
    if category not in categories(congress):
        raise ValidationError({"category": _("请选择分类")})
    term = current_term(congress, lead_deputy)
    session = session_now(term)
    with transaction.atomic():
        suggestion = Suggestion(
            congress=congress, term=term, session=session, kind=kind,
            series=Suggestion.Series.SESSION if session else Suggestion.Series.INTERIM,
            year=local_date(timezone.now()).year, lead_deputy=lead_deputy,
            title=text(title, field="title", max_length=TITLE_MAX_LENGTH, required=True),
            content=text(content, field="content", max_length=CONTENT_MAX_LENGTH,
                         required=True),
            category=category, is_public=is_public, source_opinion=source_opinion)
        if getattr(actor, "pk", None):
            suggestion._history_user = actor
        suggestion.save()
        Signature.objects.create(suggestion=suggestion, deputy=lead_deputy, order=0,
                                 is_lead=True)
        event_append(target=suggestion, action="draft", actor=actor,
                     to_status=Suggestion.Status.DRAFT,
                     data={"opinion": source_opinion.pk} if source_opinion else {})
    return suggestion


def suggestion_draft_from_opinion(*, actor: Any, opinion_id: int, deputy: Deputy,
                                  note: str = "") -> Suggestion:
    """Turn a citizen's opinion into a deputy's suggestion (转为代表建议): the opinion is
    concluded as converted and a draft of `deputy` starts from its title and content, without
    the citizen's name or number. The deputy completes and submits it as his own."""
    with transaction.atomic():
        opinion = opinion_services.opinion_triage(actor=actor, opinion_id=opinion_id,
                                                  outcome="convert", note=note)
        require(actor, "opinions.triage_opinion", opinion)
        known = categories(opinion.congress)
        category = "other" if "other" in known else next(iter(known))
        content = _("群众反映（查询编号 %(number)s）：\n%(content)s") % {
            "number": opinion.tracking_number, "content": opinion.content}
        suggestion = suggestion_draft_create(
            actor=actor, congress=opinion.congress, lead_deputy=deputy, title=opinion.title,
            content=content, category=category, source_opinion=opinion)
        event_append(target=opinion, action="converted_to_suggestion", actor=actor,
                     data={"suggestion": suggestion.pk, "deputy": deputy.pk})
    return suggestion
