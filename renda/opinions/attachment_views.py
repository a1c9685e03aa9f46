"""Attachment files, served and received. The citizen reads those of his own item with the
tracking secret; staff in scope read them and add more from the item's page.

No file is ever under a public URL: every read goes through a selector that checks the reader,
and an attachment the reader may not see is a 404 like one that does not exist.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from renda.accounts.access import has_perm
from renda.core.uploads import IMAGE_TYPES, download_name
from renda.opinions import attachments, selectors
from renda.opinions.forms import AttachmentUploadForm
from renda.opinions.models import Opinion, OpinionAttachment
from renda.opinions.views import attachments_body_limit


def attachment_panel(*, user: Any, opinion: Opinion) -> dict[str, Any]:
    """The context of `opinions/staff/_attachments.html` on the staff page of one item, under
    the name `attachment_panel`: the attachments the user may read and, when the user may add
    some, the upload form with the congress's limits."""
    can_attach = has_perm(user, attachments.ADD, opinion)
    return {
        "opinion": opinion,
        "attachments": list(attachments.attachment_list_for(user=user, opinion=opinion)
                            .select_related("uploaded_by")),
        "form": AttachmentUploadForm(congress=opinion.congress) if can_attach else None,
    }


def _serve(attachment: OpinionAttachment) -> FileResponse:
    """The file under its original name (RFC 6266 encoding by Django) with the type its content
    was found to be. Pictures show in the page; a PDF is downloaded rather than opened in the
    site's origin."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = attachment.content_type in IMAGE_TYPES
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not inline,
        filename=download_name(attachment.original_name, attachment.content_type))
    response["X-Content-Type-Options"] = "nosniff"
    # Private data: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def track_attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    attachment = attachments.attachment_get_by_secret(
        tracking_number=number, secret=request.GET.get("s", ""), pk=pk)
    if attachment is None:
        raise Http404
    return _serve(attachment)


@require_GET
def staff_attachment(request: HttpRequest, pk: int) -> FileResponse:
    # No login redirect: to anyone outside the scope, signed in or not, it does not exist.
    try:
        attachment = attachments.attachment_get_for(user=request.user, pk=pk)
    except OpinionAttachment.DoesNotExist:
        raise Http404 from None
    return _serve(attachment)


@attachments_body_limit
@login_required
@require_POST
def staff_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The upload form of `opinions/staff/_attachments.html`; back to the item's page with a
    message either way."""
    try:
        opinion = selectors.opinion_get_for(user=request.user, pk=pk)
    except Opinion.DoesNotExist:
        raise Http404 from None
    files = request.FILES.getlist("attachments")
    try:
        added = attachments.attachments_add(actor=request.user, opinion_id=opinion.pk,
                                            files=files)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已上传 %(count)d 个附件") % {"count": len(added)})
    return redirect(f"{reverse('opinions:staff_detail', args=[opinion.pk])}#attachments")
