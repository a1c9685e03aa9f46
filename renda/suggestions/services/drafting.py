"""Drafts and their way to the office (提): a deputy's own drafts, or one started from a
citizen's opinion (转为代表建议), which keeps the link both ways (`Suggestion.source_opinion`,
`Opinion.suggestions`); co-signers (联名) confirm or decline; the lead deputy submits or
withdraws.

Only the lead deputy edits, and only while the suggestion is a draft or was returned by the
office: every edit is saved with its author (django-simple-history) and logged as an `Event`,
so the office and an auditor can see what changed between submissions. Moves that happen on
their own (`cosigned` once the last co-signer confirms, `cosign_failed` when one declines) are
made here with `workflow_move(check_permission=False)` and logged with the co-signer who
caused them.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import local_date
from renda.core.uploads import EXTENSIONS, files_removed_on_failure
from renda.core.workflow import TransitionNotAllowed, event_append, workflow_move
from renda.directory.models import Congress, Deputy, Mandate
from renda.opinions import services as opinion_services
from renda.opinions.attachments import CheckedFile, attachment_limits, attachments_check
from renda.opinions.models import Opinion
from renda.suggestions.models import (
    CONTENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Signature,
    Suggestion,
    SuggestionAttachment,
)
from renda.suggestions.selectors.drafting import proposing_congresses
from renda.suggestions.services.common import (
    categories,
    current_term,
    require,
    session_now,
    setting,
    text,
)
from renda.suggestions.workflow import PROPOSE, SUGGESTION

S = Suggestion.Status
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
REASON_MAX_LENGTH = 1000


# Drafts ----------------------------------------------------------------------------------------


def suggestion_draft_create(*, actor: Any, congress: Congress, lead_deputy: Deputy, title: str,
                            content: str, category: str, kind: str = Suggestion.Kind.SUGGESTION,
                            is_public: bool = True,
                            source_opinion: Opinion | None = None) -> Suggestion:
    """A new draft of `lead_deputy`, in the term he serves now and the series of today (the
    plenary session being held, or the closed period); submission sets the series again.

    Checks no permission of `actor`: callers do (`suggestion_draft_new` for the deputy himself,
    `suggestion_draft_from_opinion` for the station staff)."""
    fields = _clean_fields(congress, title=title, content=content, category=category, kind=kind,
                           is_public=is_public)
    term = current_term(congress, lead_deputy)
    session = session_now(term)
    with transaction.atomic():
        suggestion = Suggestion(
            congress=congress, term=term, session=session,
            series=Suggestion.Series.SESSION if session else Suggestion.Series.INTERIM,
            year=local_date(timezone.now()).year, lead_deputy=lead_deputy,
            source_opinion=source_opinion, **fields)
        if getattr(actor, "pk", None):
            suggestion._history_user = actor
        suggestion.save()
        Signature.objects.create(suggestion=suggestion, deputy=lead_deputy, order=0,
                                 is_lead=True)
        event_append(target=suggestion, action="draft", actor=actor,
                     to_status=Suggestion.Status.DRAFT,
                     data={"opinion": source_opinion.pk} if source_opinion else {})
    return suggestion


def suggestion_draft_new(*, actor: Any, congress: Congress, title: str, content: str,
                         category: str, kind: str = Suggestion.Kind.SUGGESTION,
                         is_public: bool = True, files: Sequence[File] = ()) -> Suggestion:
    """A deputy starts his own draft in a congress where he acts as a deputy, with its files
    (all stored or, when one is refused, none and no draft)."""
    deputy = getattr(actor, "deputy", None)
    if deputy is None or congress.pk not in {c.pk for c in proposing_congresses(user=actor)}:
        raise PermissionDenied
    _clean_fields(congress, title=title, content=content, category=category, kind=kind,
                  is_public=is_public)
    checked = attachments_check(congress=congress, files=files) if files else []
    with files_removed_on_failure() as written, transaction.atomic():
        suggestion = suggestion_draft_create(
            actor=actor, congress=congress, lead_deputy=deputy, title=title, content=content,
            category=category, kind=kind, is_public=is_public)
        require(actor, PROPOSE, suggestion)
        for item in checked:
            _store(suggestion=suggestion, checked=item, actor=actor, written=written)
    return suggestion


def suggestion_draft_update(*, actor: Any, suggestion_id: int, title: str, content: str,
                            category: str, kind: str, is_public: bool) -> Suggestion:
    """The lead deputy changes his draft (or a returned suggestion); the event lists the
    fields that changed, the history keeps the values before and after."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_lead(actor, suggestion)
        _require_editable(suggestion)
        fields = _clean_fields(suggestion.congress, title=title, content=content,
                               category=category, kind=kind, is_public=is_public)
        changed = {name: value for name, value in fields.items()
                   if getattr(suggestion, name) != value}
        if not changed:
            return suggestion
        for name, value in changed.items():
            setattr(suggestion, name, value)
        suggestion._history_user = actor
        suggestion.save(update_fields=[*changed, "updated_at"])
        event_append(target=suggestion, action="edit", actor=actor,
                     data={"fields": sorted(changed)})
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


# Co-signers ------------------------------------------------------------------------------------


def suggestion_cosigner_add(*, actor: Any, suggestion_id: int, deputy_id: int) -> Signature:
    """The lead deputy asks another deputy of the same congress to co-sign (联名). Only deputies
    with an account can confirm online, so only they can be asked."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_lead(actor, suggestion)
        _require_editable(suggestion)
        deputy = Deputy.objects.filter(
            pk=deputy_id, mandates__term__congress=suggestion.congress_id,
            mandates__status=Mandate.Status.ACTIVE).distinct().first()
        if deputy is None:
            raise ValidationError({"deputy": _("只能邀请本级人大的在任代表联名")})
        if not get_user_model().objects.filter(deputy=deputy, is_active=True).exists():
            raise ValidationError({"deputy": _(
                "%(name)s代表尚未开通账号，无法在线确认联名，请联系人大机关开通")
                % {"name": deputy.name}})
        signatures = suggestion.signatures.all()
        if signatures.filter(deputy=deputy).exists():
            raise ValidationError({"deputy": _("%(name)s代表已在联名代表中")
                                   % {"name": deputy.name}})
        order = (signatures.aggregate(last=Max("order"))["last"] or 0) + 1
        signature = Signature(suggestion=suggestion, deputy=deputy, order=order)
        signature._history_user = actor
        signature.save()
        event_append(target=suggestion, action="cosigner_add", actor=actor,
                     data={"deputy": deputy.pk})
    return signature


def suggestion_cosigner_remove(*, actor: Any, suggestion_id: int, deputy_id: int) -> None:
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_lead(actor, suggestion)
        _require_editable(suggestion)
        signature = suggestion.signatures.filter(deputy_id=deputy_id, is_lead=False).first()
        if signature is None:
            raise ValidationError({"deputy": _("该代表不在联名代表中")})
        signature._history_user = actor
        signature.delete()
        event_append(target=suggestion, action="cosigner_remove", actor=actor,
                     data={"deputy": deputy_id})


def suggestion_submit(*, actor: Any, suggestion_id: int) -> Suggestion:
    """The lead deputy submits: with co-signers it waits for each to confirm (`submit`, to
    COSIGNING), alone it goes to the office (`submit_alone`). Every co-signer confirms each
    submission afresh, since the text may have changed since the last one.

    A motion needs `suggestions.motion_cosigners_min` signatures, the lead's included; all of
    them must then confirm before it reaches the office."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_lead(actor, suggestion)
        _require_editable(suggestion, action="submit_alone")
        signatures = list(suggestion.signatures.select_for_update())
        _check_motion_threshold(suggestion, len(signatures))
        now = timezone.now()
        for signature in signatures:
            _signature_reset(signature, actor=actor,
                             confirmed_at=now if signature.is_lead else None)
        changes = {} if suggestion.submitted_at else _series_now(suggestion)
        if any(not signature.is_lead for signature in signatures):
            action = "submit"
        else:
            action, changes["submitted_at"] = "submit_alone", now
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action=action, actor=actor,
                             check_permission=False, changes=changes,
                             data={"signatures": len(signatures)})


def suggestion_cosign_confirm(*, actor: Any, suggestion_id: int) -> Suggestion:
    """A co-signer confirms; the last confirmation sends the suggestion to the office
    (`cosigned`)."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        signature = _own_pending_signature(actor, suggestion)
        signature.confirmed_at = timezone.now()
        signature._history_user = actor
        signature.save(update_fields=["confirmed_at"])
        event_append(target=suggestion, action="cosign_confirm", actor=actor,
                     data={"deputy": signature.deputy_id})
        if suggestion.signatures.filter(confirmed_at__isnull=True).exists():
            return suggestion
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="cosigned",
                             actor=actor, check_permission=False,
                             changes={"submitted_at": signature.confirmed_at})


def suggestion_cosign_decline(*, actor: Any, suggestion_id: int, reason: str) -> Suggestion:
    """A co-signer declines with a reason: the suggestion goes back to the lead deputy's drafts
    (`cosign_failed`), where he reads the reason and edits, removes the co-signer, or
    withdraws."""
    reason = text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        signature = _own_pending_signature(actor, suggestion)
        signature.declined_at = timezone.now()
        signature._history_user = actor
        signature.save(update_fields=["declined_at"])
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="cosign_failed",
                             actor=actor, check_permission=False, note=reason,
                             data={"deputy": signature.deputy_id})


def suggestion_withdraw(*, actor: Any, suggestion_id: int, reason: str) -> Suggestion:
    """The lead deputy withdraws in writing (书面撤回): the reason is required and kept."""
    reason = text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_lead(actor, suggestion)
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="withdraw",
                             actor=actor, check_permission=False, note=reason)


# Attachments -----------------------------------------------------------------------------------


def suggestion_attachments_add(*, actor: Any, suggestion_id: int,
                               files: Sequence[File]) -> list[SuggestionAttachment]:
    """The lead deputy adds PDFs or pictures, checked by content against the congress's limits
    (those of citizens' attachments), counting the files already attached."""
    if not files:
        raise ValidationError({"attachments": _("请选择要上传的文件")})
    suggestion = Suggestion.objects.select_related("congress").get(pk=suggestion_id)
    _require_lead(actor, suggestion)
    limits = attachment_limits(congress=suggestion.congress)
    if suggestion.attachments.count() + len(files) > limits.max_count:
        raise ValidationError({"attachments": _(
            "每件建议最多 %(max)d 个附件，已有 %(count)d 个") % {
            "max": limits.max_count, "count": suggestion.attachments.count()}})
    checked = attachments_check(congress=suggestion.congress, files=files)
    with files_removed_on_failure() as written, transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_editable(suggestion)
        return [_store(suggestion=suggestion, checked=item, actor=actor, written=written)
                for item in checked]


def suggestion_attachment_remove(*, actor: Any, attachment_id: int) -> None:
    """The lead deputy removes a file from his draft; the row's history keeps who removed what,
    the file itself goes once the removal is committed."""
    attachment = SuggestionAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise PermissionDenied
    with transaction.atomic():
        suggestion = _lock(attachment.suggestion_id)
        _require_lead(actor, suggestion)
        _require_editable(suggestion)
        name = attachment.file.name
        attachment._history_user = actor
        attachment.delete()
        event_append(target=suggestion, action="detach", actor=actor,
                     data={"attachment": attachment_id, "sha256": attachment.sha256})
        transaction.on_commit(lambda: default_storage.delete(name))




def _store(*, suggestion: Suggestion, checked: CheckedFile, actor: Any,
           written: list[str]) -> SuggestionAttachment:
    attachment = SuggestionAttachment(
        suggestion=suggestion, content_type=checked.content_type, size=checked.size,
        original_name=checked.original_name, sha256=checked.sha256, uploaded_by=actor)
    # A random stored name: the deputy's file name is data, never part of a path.
    extension = EXTENSIONS.get(checked.content_type, "bin")
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", checked.file, save=False)
    written.append(attachment.file.name)
    attachment._history_user = actor
    attachment.save()
    event_append(target=suggestion, action="attach", actor=actor,
                 data={"attachment": attachment.pk, "content_type": checked.content_type,
                       "size": checked.size, "sha256": checked.sha256})
    return attachment


# Helpers ---------------------------------------------------------------------------------------


def _clean_fields(congress: Congress, *, title: str, content: str, category: str, kind: str,
                  is_public: bool) -> dict[str, Any]:
    if kind not in Suggestion.Kind.values:
        raise ValidationError({"kind": _("未知的类别")})
    if category not in categories(congress):
        raise ValidationError({"category": _("请选择分类")})
    return {
        "title": text(title, field="title", max_length=TITLE_MAX_LENGTH, required=True),
        "content": text(content, field="content", max_length=CONTENT_MAX_LENGTH, required=True),
        "category": category, "kind": kind, "is_public": bool(is_public),
    }


def _lock(suggestion_id: int) -> Suggestion:
    return (Suggestion.objects.select_for_update(of=("self",))
            .select_related("congress__area", "lead_deputy").get(pk=suggestion_id))


def _require_lead(actor: Any, suggestion: Suggestion) -> None:
    """Co-signers hold the same permission on the suggestion (their signature puts it in their
    scope); only the lead deputy drafts, submits and withdraws."""
    require(actor, PROPOSE, suggestion)
    if getattr(actor, "deputy_id", None) != suggestion.lead_deputy_id:
        raise PermissionDenied


def _require_editable(suggestion: Suggestion, *, action: str = "") -> None:
    if suggestion.status in EDITABLE:
        return
    if action:
        raise TransitionNotAllowed(
            _("当前状态下不能执行“%(action)s”，记录可能已被他人处理，请刷新后重试")
            % {"action": SUGGESTION.get(action).label})
    raise TransitionNotAllowed(_("只有草稿或被退回的建议可以修改"))


def _check_motion_threshold(suggestion: Suggestion, signatures: int) -> None:
    if suggestion.kind != Suggestion.Kind.MOTION:
        return
    minimum = int(setting(suggestion.congress, "suggestions.motion_cosigners_min"))
    if signatures < minimum:
        raise ValidationError(_(
            "议案须由至少 %(min)d 名代表联名提出（含领衔代表），现在只有 %(count)d 名。"
            "请邀请更多代表联名，或改为建议提出。") % {"min": minimum, "count": signatures})


def _signature_reset(signature: Signature, *, actor: Any,
                     confirmed_at: Any) -> None:
    if (signature.confirmed_at, signature.declined_at) == (confirmed_at, None):
        return
    signature.confirmed_at, signature.declined_at = confirmed_at, None
    signature._history_user = actor
    signature.save(update_fields=["confirmed_at", "declined_at"])


def _series_now(suggestion: Suggestion) -> dict[str, Any]:
    """A suggestion belongs to the series of the day it is first submitted: the plenary
    session being held, or the closed period of this year."""
    term = current_term(suggestion.congress, suggestion.lead_deputy)
    session = session_now(term)
    return {"term": term, "session": session,
            "series": Suggestion.Series.SESSION if session else Suggestion.Series.INTERIM,
            "year": local_date(timezone.now()).year}


def _own_pending_signature(actor: Any, suggestion: Suggestion) -> Signature:
    require(actor, PROPOSE, suggestion)
    signature = (suggestion.signatures.select_for_update()
                 .filter(deputy_id=getattr(actor, "deputy_id", None), is_lead=False).first())
    if signature is None:
        raise PermissionDenied
    if suggestion.status != S.COSIGNING or signature.confirmed_at or signature.declined_at:
        raise TransitionNotAllowed(_("这件建议已不在待联名确认状态，请刷新后查看"))
    return signature
