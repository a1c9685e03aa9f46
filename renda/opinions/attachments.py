"""Attachments of citizens' opinions (photos and PDFs): services and selectors.

Every file is checked by its content (`renda.core.uploads.check_attachment`) before anything
is written. The files of one submission are written in the same transaction as their rows and
the item, and removed again when that transaction fails, so that a refused form leaves neither
a row nor a file behind. They are read only through `attachment_get_for` (staff in scope) or
`attachment_get_by_secret` (the citizen with the tracking secret), never through a public
media URL.
"""

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.access import scope_filter
from renda.core.config import spec
from renda.core.deadlines import local_date
from renda.core.uploads import MB, check_attachment, clean_file_name, files_removed_on_failure
from renda.core.workflow import event_append, permission_checker
from renda.directory.models import Congress
from renda.directory.selectors import setting_value
from renda.opinions import services
from renda.opinions.models import Opinion, OpinionAttachment

VIEW = "opinions.view_opinionattachment"
ADD = "opinions.add_opinionattachment"
MAX_COUNT_KEY = "opinions.attachment_max_count"
MAX_MB_KEY = "opinions.attachment_max_mb"
# The largest request body read at all, whatever a congress allows per file (see
# `limit_request_body`): a deployment raises it with RENDA_UPLOAD_MAX_REQUEST_MB.
DEFAULT_REQUEST_MAX_MB = 40


@dataclasses.dataclass(frozen=True)
class AttachmentLimits:
    max_count: int
    max_bytes: int

    @property
    def max_mb(self) -> str:
        return f"{self.max_bytes / MB:.1f}".removesuffix(".0")


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    """An upload that `attachments_check` admitted: the only kind of file that is stored."""

    file: File
    content_type: str
    size: int
    sha256: str
    original_name: str


def attachment_limits(*, congress: Congress | None) -> AttachmentLimits:
    """The congress's limits in force today, or the registered defaults when the form does
    not know the congress yet (a station still to be chosen)."""

    def value(key: str) -> Any:
        if congress is None:
            return spec(key).default
        return setting_value(congress=congress, key=key, on=local_date(timezone.now()))

    return AttachmentLimits(max_count=int(value(MAX_COUNT_KEY)),
                            max_bytes=int(float(value(MAX_MB_KEY)) * MB))


def request_max_bytes() -> int:
    return int(getattr(settings, "RENDA_UPLOAD_MAX_REQUEST_MB", DEFAULT_REQUEST_MAX_MB)) * MB


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def attachments_check(*, congress: Congress | None, files: Sequence[File]) -> list[CheckedFile]:
    """Check every file of one submission against the congress's limits and by content.

    Raises one ValidationError on `attachments` listing every refused file by name, so that
    the sender learns all at once what to change.
    """
    limits = attachment_limits(congress=congress)
    if len(files) > limits.max_count:
        raise ValidationError({"attachments": _(
            "最多上传 %(max)d 个附件，您选择了 %(count)d 个") % {
            "max": limits.max_count, "count": len(files)}})
    checked, errors = [], []
    for upload in files:
        name = clean_file_name(upload.name or "")
        try:
            content_type = check_attachment(upload, max_bytes=limits.max_bytes)
        except ValidationError as error:
            errors.append(_("“%(name)s”：%(error)s")
                          % {"name": name or _("附件"), "error": "".join(error.messages)})
            continue
        checked.append(CheckedFile(file=upload, content_type=content_type, size=upload.size,
                                   sha256=_sha256(upload), original_name=name))
    if errors:
        raise ValidationError({"attachments": errors})
    return checked




def _store(*, opinion: Opinion, checked: CheckedFile, actor: Any,
           written: list[str]) -> OpinionAttachment:
    """Write one checked file and its row, and log an `attach` event on the item."""
    uploader = actor if getattr(actor, "pk", None) else None
    attachment = OpinionAttachment(
        opinion=opinion, content_type=checked.content_type, size=checked.size,
        original_name=checked.original_name, sha256=checked.sha256, uploaded_by=uploader)
    # The name is of `attachment_path`'s making; the one given here only feeds it.
    attachment.file.save(checked.original_name or "upload", checked.file, save=False)
    written.append(attachment.file.name)
    if uploader is not None:
        attachment._history_user = uploader
    attachment.save()
    event_append(target=opinion, action="attach", actor=actor,
                 data={"attachment": attachment.pk, "content_type": checked.content_type,
                       "size": checked.size, "sha256": checked.sha256})
    return attachment


def opinion_submit_with_attachments(
        *, files: Sequence[CheckedFile], actor: Any = None, require: str | None = None,
        then: Callable[[Opinion], None] | None = None,
        **submission: Any) -> tuple[Opinion, str]:
    """`services.opinion_submit` and the item's files in one transaction: either the item
    with all its files is stored, or nothing is (files already written are deleted).

    `require` is a permission the actor must hold on the new item (staff entry: triage), checked
    before any file is written; without it PermissionDenied and nothing is stored. `then` runs
    in the same transaction once a new item and its files are stored. A repeated form returns
    the item received the first time, with the files received then, and runs nothing more.
    """
    with files_removed_on_failure() as written, transaction.atomic():
        opinion, secret = services.opinion_submit(actor=actor, **submission)
        if require and not permission_checker()(actor, require, opinion):
            raise PermissionDenied
        if secret:
            for checked in files:
                _store(opinion=opinion, checked=checked, actor=actor, written=written)
            if then is not None:
                then(opinion)
    return opinion, secret


def attachments_add(*, actor: Any, opinion_id: int,
                    files: Sequence[File]) -> list[OpinionAttachment]:
    """Staff in scope (`opinions.add_opinionattachment` on the item) add files to an item:
    all of them or, when one is refused, none."""
    opinion = Opinion.objects.select_related("congress").get(pk=opinion_id)
    if not permission_checker()(actor, ADD, opinion):
        raise PermissionDenied
    if not files:
        raise ValidationError({"attachments": _("请选择要上传的文件")})
    checked = attachments_check(congress=opinion.congress, files=files)
    with files_removed_on_failure() as written, transaction.atomic():
        return [_store(opinion=opinion, checked=item, actor=actor, written=written)
                for item in checked]


def attachment_add(*, actor: Any, opinion_id: int, file: File) -> OpinionAttachment:
    return attachments_add(actor=actor, opinion_id=opinion_id, files=[file])[0]


# Selectors -------------------------------------------------------------------------------------


def attachment_list_for(*, user: Any, opinion: Opinion) -> QuerySet[OpinionAttachment]:
    return scope_filter(user, VIEW, OpinionAttachment.objects.filter(opinion=opinion))


def attachment_get_for(*, user: Any, pk: int) -> OpinionAttachment:
    """One attachment the user may read; DoesNotExist for any other, whether it exists or
    not."""
    return scope_filter(user, VIEW, OpinionAttachment.objects.select_related("opinion")).get(pk=pk)


def attachment_get_by_secret(*, tracking_number: str, secret: str,
                             pk: int) -> OpinionAttachment | None:
    """One attachment of the citizen's own item, or None whether the number, the secret or
    the attachment is wrong."""
    opinion = services.opinion_get_by_secret(tracking_number=tracking_number, secret=secret)
    if opinion is None:
        return None
    return opinion.attachments.filter(pk=pk).first()

