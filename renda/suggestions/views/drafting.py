"""The deputy's pages (提), made for phones: his suggestions and those waiting for his
co-signature, a draft's form, its co-signers, and one suggestion with the actions open to him.

Thin adapters: reads go through `selectors.drafting` (another deputy's draft is a 404, never a
hint that it exists), writes through `services.drafting`, which check the state and the
deputy's place on the suggestion again under a row lock.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from renda.accounts.access import has_perm
from renda.core.uploads import IMAGE_TYPES, download_name
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.opinions.views import attachments_body_limit
from renda.suggestions.forms_drafting import FORMS, CosignerSearchForm, DraftForm
from renda.suggestions.models import Suggestion, SuggestionAttachment
from renda.suggestions.selectors import drafting as selectors
from renda.suggestions.services import drafting as services
from renda.suggestions.services.common import categories
from renda.suggestions.services.review import LetterReason
from renda.suggestions.workflow import PROPOSE, SUGGESTION

S = Suggestion.Status
# Events that move no status: what the timeline calls them.
EVENT_LABELS = {
    "draft": gettext_lazy("起草"), "edit": gettext_lazy("修改"),
    "attach": gettext_lazy("上传附件"), "detach": gettext_lazy("删除附件"),
    "cosigner_add": gettext_lazy("邀请联名"), "cosigner_remove": gettext_lazy("取消联名邀请"),
    "cosign_confirm": gettext_lazy("确认联名"), "to_suggestion": gettext_lazy("议案转为建议"),
}


# Lists and forms -------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的建议: waiting for my co-signature, those I lead, those I co-signed."""
    user = request.user
    if not user.deputy_id or not has_perm(user, PROPOSE):
        raise PermissionDenied
    rows = list(selectors.suggestions_mine(user=user))
    pending = list(selectors.cosign_inbox(user=user))
    pending_ids = {row.pk for row in pending}
    return render(request, "suggestions/drafting/mine.html", {
        "pending": pending,
        "led": [row for row in rows if row.lead_deputy_id == user.deputy_id],
        "cosigned": [row for row in rows
                     if row.lead_deputy_id != user.deputy_id and row.pk not in pending_ids],
        "can_draft": bool(selectors.proposing_congresses(user=user)),
    })


@attachments_body_limit
@login_required
def draft_new(request: HttpRequest) -> HttpResponse:
    congresses = selectors.proposing_congresses(user=request.user)
    if not congresses:
        raise PermissionDenied
    form = DraftForm(request.POST or None, request.FILES or None, congresses=congresses,
                     label_suffix="")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_draft_new(
                actor=request.user, congress=form.congress, title=data["title"],
                content=data["content"], category=data["category"], kind=data["kind"],
                is_public=data["is_public"], files=data["attachments"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("草稿已保存。可以邀请联名代表，确认无误后提交。"))
            return redirect("suggestions:mine_detail", pk=suggestion.pk)
    return render(request, "suggestions/drafting/form.html",
                  {"form": form, "files_dropped": bool(request.FILES)},
                  status=400 if form.is_bound else 200)


@attachments_body_limit
@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_mine(request, pk)
    if not _may_edit(request.user, suggestion):
        messages.error(request, _("只有领衔代表可以修改草稿或被退回的建议"))
        return redirect("suggestions:mine_detail", pk=pk)
    initial = {name: getattr(suggestion, name)
               for name in ("title", "content", "category", "kind", "is_public")}
    form = DraftForm(request.POST or None, request.FILES or None,
                     congresses=[suggestion.congress], initial=initial, label_suffix="")
    if request.method == "POST" and form.is_valid() and _save_edit(request, suggestion, form):
        messages.success(request, _("修改已保存"))
        return redirect("suggestions:mine_detail", pk=pk)
    return render(request, "suggestions/drafting/form.html", {
        "form": form, "suggestion": suggestion, "files_dropped": bool(request.FILES),
        "attachments": selectors.attachments_of(user=request.user, suggestion=suggestion),
    }, status=400 if form.is_bound else 200)


def _save_edit(request: HttpRequest, suggestion: Suggestion, form: DraftForm) -> bool:
    """The text first, then any new files; a refused file leaves the text saved and says so."""
    data = form.cleaned_data
    try:
        services.suggestion_draft_update(
            actor=request.user, suggestion_id=suggestion.pk, title=data["title"],
            content=data["content"], category=data["category"], kind=data["kind"],
            is_public=data["is_public"])
    except (ValidationError, TransitionNotAllowed) as error:
        _add_errors(form, error)
        return False
    if not data["attachments"]:
        return True
    try:
        services.suggestion_attachments_add(actor=request.user, suggestion_id=suggestion.pk,
                                            files=data["attachments"])
    except (ValidationError, TransitionNotAllowed) as error:
        _add_errors(form, error)
        messages.info(request, _("文字修改已保存，附件未能上传"))
        return False
    return True


@login_required
def cosigners(request: HttpRequest, pk: int) -> HttpResponse:
    """联名代表: find deputies of the same congress by name, invite or remove them."""
    suggestion = _get_mine(request, pk)
    if not _may_edit(request.user, suggestion):
        messages.error(request, _("只有领衔代表可以在草稿或被退回时调整联名代表"))
        return redirect("suggestions:mine_detail", pk=pk)
    search = CosignerSearchForm(request.GET or None, label_suffix="")
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if request.method == "POST":
        _cosigner_post(request, suggestion)
        url = reverse("suggestions:cosigners", args=[pk])
        return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    return render(request, "suggestions/drafting/cosigners.html", {
        "suggestion": suggestion, "search": search, "query": query,
        "signatures": selectors.signatures_of(suggestion=suggestion),
        "candidates": selectors.cosigner_candidates(suggestion=suggestion, query=query),
    })


def _cosigner_post(request: HttpRequest, suggestion: Suggestion) -> None:
    action, deputy = request.POST.get("action"), request.POST.get("deputy", "")
    if action not in ("add", "remove") or not deputy.isdigit():
        messages.error(request, _("未知的操作"))
        return
    call = (services.suggestion_cosigner_add if action == "add"
            else services.suggestion_cosigner_remove)
    try:
        call(actor=request.user, suggestion_id=suggestion.pk, deputy_id=int(deputy))
    except (ValidationError, TransitionNotAllowed) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("已邀请联名") if action == "add" else _("已取消联名邀请"))


@require_POST
@login_required
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        attachment = selectors.attachment_get_for(user=request.user, pk=pk)
        services.suggestion_attachment_remove(actor=request.user, attachment_id=pk)
    except (SuggestionAttachment.DoesNotExist, PermissionDenied):
        raise Http404 from None
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已删除附件"))
    return redirect("suggestions:draft_edit", pk=attachment.suggestion_id)


@require_GET
def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a suggestion the reader may see; a 404 to anyone else, signed in or not."""
    try:
        attachment = selectors.attachment_get_for(user=request.user, pk=pk)
        handle = attachment.file.open("rb")
    except (SuggestionAttachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    inline = attachment.content_type in IMAGE_TYPES
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not inline,
        filename=download_name(attachment.original_name, attachment.content_type))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# One suggestion --------------------------------------------------------------------------------


@login_required
def mine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_mine(request, pk)
    if request.method != "POST":
        return render(request, "suggestions/drafting/detail.html",
                      _detail_context(request, suggestion))
    action = request.POST.get("action", "")
    if action not in FORMS:
        return HttpResponse(_("未知的操作"), status=400)
    form = FORMS[action](request.POST, prefix=action, label_suffix="")
    status = 400
    if form.is_valid():
        try:
            _service_call(action, request.user, pk, form.cleaned_data)()
        except TransitionNotAllowed as error:
            messages.error(request, str(error))
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _success_message(action, pk))
            return _after_success(request, pk)
        suggestion = _get_mine(request, pk)
    context = _detail_context(request, suggestion, failed=form, failed_action=action)
    return render(request, "suggestions/drafting/detail.html", context, status=status)


def _service_call(action: str, user: Any, pk: int, data: dict) -> Callable[[], Any]:
    calls: dict[str, Callable[[], Any]] = {
        "submit": lambda: services.suggestion_submit(actor=user, suggestion_id=pk),
        "withdraw": lambda: services.suggestion_withdraw(actor=user, suggestion_id=pk,
                                                         reason=data["reason"]),
        "confirm": lambda: services.suggestion_cosign_confirm(actor=user, suggestion_id=pk),
        "decline": lambda: services.suggestion_cosign_decline(actor=user, suggestion_id=pk,
                                                              reason=data["reason"]),
    }
    return calls[action]


def _success_message(action: str, pk: int) -> str:
    status = Suggestion.objects.filter(pk=pk).values_list("status", flat=True).first()
    if action == "submit":
        return (_("已提交，等待联名代表确认") if status == S.COSIGNING
                else _("已提交人大机关审查"))
    if action == "confirm":
        return (_("已确认联名，全部联名代表已确认，建议已提交人大机关") if status == S.SUBMITTED
                else _("已确认联名"))
    return {"withdraw": _("已撤回"), "decline": _("已告知领衔代表您不同意联名")}[action]


def _after_success(request: HttpRequest, pk: int) -> HttpResponse:
    # A co-signer who declines no longer sees the draft: back to his list.
    if selectors.suggestions_mine(user=request.user).filter(pk=pk).exists():
        return redirect("suggestions:mine_detail", pk=pk)
    return redirect("suggestions:mine")


def _detail_context(request: HttpRequest, suggestion: Suggestion, *, failed: Form | None = None,
                    failed_action: str = "") -> dict[str, Any]:
    user = request.user
    signatures = selectors.signatures_of(suggestion=suggestion)
    actions = []
    for action in selectors.drafting_actions(user=user, suggestion=suggestion,
                                             signatures=signatures):
        form = (failed if action == failed_action
                else FORMS[action](prefix=action, label_suffix=""))
        actions.append({"action": action, "form": form,
                        "label": _action_label(action, signatures)})
    stale = failed if failed is not None and not any(a["form"] is failed for a in actions) \
        else None
    return {
        "suggestion": suggestion, "signatures": signatures, "actions": actions,
        "stale_form": stale, "is_lead": user.deputy_id == suggestion.lead_deputy_id,
        "may_edit": _may_edit(user, suggestion), **suggestion_facts(user, suggestion),
    }


def _action_label(action: str, signatures: list) -> str:
    if action == "submit":
        return (_("提交联名代表确认") if any(not s.is_lead for s in signatures)
                else _("提交人大机关"))
    return {"withdraw": _("撤回"), "confirm": _("确认联名"),
            "decline": _("不同意联名")}[action]


def suggestion_facts(user: Any, suggestion: Suggestion) -> dict[str, Any]:
    """What the deputy's and the office's pages both show: category, attachments, the link to
    the citizen's opinion, the reasons of the last return, refusal or conversion, and the
    timeline. Shared with `views.review`."""
    cosign_failed = return_event = letter_event = None
    if suggestion.status == S.DRAFT:
        cosign_failed = selectors.last_event(suggestion=suggestion, action="cosign_failed")
    elif suggestion.status == S.RETURNED:
        return_event = selectors.last_event(suggestion=suggestion, action="return")
    elif suggestion.status == S.LETTER:
        letter_event = selectors.last_event(suggestion=suggestion, action="to_letter")
    opinion = suggestion.source_opinion
    return {
        "category_label": categories(suggestion.congress).get(suggestion.category, {})
        .get("label", suggestion.category),
        "attachments": selectors.attachments_of(user=user, suggestion=suggestion),
        "opinion_link": bool(opinion and has_perm(user, "opinions.view_opinion", opinion)),
        "cosign_failed": cosign_failed, "return_event": return_event,
        "letter_event": letter_event,
        "letter_reason": LetterReason(letter_event.data["reason"]).label
        if letter_event and letter_event.data.get("reason") in LetterReason.values else "",
        "events": timeline(suggestion),
    }


def timeline(suggestion: Suggestion) -> list:
    events = list(events_of(suggestion))
    labels = {t.action: t.label for t in SUGGESTION.transitions}
    for event in events:
        event.actor_name = str(event.actor) if event.actor else _("系统")
        event.label = labels.get(event.action) or EVENT_LABELS.get(event.action, event.action)
        event.status_label = S(event.to_status).label if event.to_status else ""
    return events


# Helpers ---------------------------------------------------------------------------------------


def _get_mine(request: HttpRequest, pk: int) -> Suggestion:
    try:
        return selectors.suggestion_get_mine(user=request.user, pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


def _may_edit(user: Any, suggestion: Suggestion) -> bool:
    return (user.deputy_id == suggestion.lead_deputy_id
            and suggestion.status in selectors.EDITABLE)


def _add_errors(form: Form, error: ValidationError | TransitionNotAllowed) -> None:
    if isinstance(error, TransitionNotAllowed) or not hasattr(error, "error_dict"):
        form.add_error(None, str(error) if isinstance(error, TransitionNotAllowed) else error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
