"""Checks on uploaded files: the content decides the type, never the name a browser sent."""

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def check_image(file: File, *, max_bytes: int = MAX_IMAGE_BYTES) -> None:
    """Refuse anything but a JPEG, PNG or WebP picture of at most `max_bytes`."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("图片不能超过 %(mb)s MB，请压缩后再上传") % {"mb": max_bytes // (1024 * 1024)}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    head = file.read(261)
    file.seek(position)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in IMAGE_TYPES:
        types = pgettext("list separator", "、").join(IMAGE_TYPES.values())
        raise ValidationError(_("只能上传 %(types)s 格式的图片") % {"types": types})
