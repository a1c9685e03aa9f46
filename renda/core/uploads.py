"""Checks on uploaded files: the content decides the type, never the name a browser sent.

`check_image` admits a picture, `check_attachment` a picture or a PDF. Both sniff the first
bytes (`filetype`) and then open the file with the library that reads it (Pillow, pypdf), so
that a file which only starts like a picture, or a PDF that no reader can open, is refused with
a message the sender understands. `limit_request_body` answers a request too big to read at
all with a friendly 413 page before anything parses it.
"""

import contextlib
import functools
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}
PDF_TYPE = "application/pdf"
ATTACHMENT_TYPES = {**IMAGE_TYPES, PDF_TYPE: "PDF"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", PDF_TYPE: "pdf"}
# What Pillow calls each format, to confirm that it reads what `filetype` guessed.
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MB = 1024 * 1024


def _head(file: IO[bytes], size: int = 1024) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    head = file.read(size)
    file.seek(position)
    return head


def _check_size(file: File, max_bytes: int, message: str) -> None:
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(message % {"mb": _megabytes(max_bytes)})


def _megabytes(value: int) -> str:
    """5 for 5 MB, 2.5 for 2.5 MB: limits are set in MB and should read as written."""
    return f"{value / MB:.1f}".removesuffix(".0")


def _sniff(file: IO[bytes]) -> str | None:
    kind = filetype.guess(_head(file, 261))
    return kind.mime if kind is not None else None


def _open_image(file: IO[bytes], mime: str) -> None:
    """Pillow must read the header as the same format and find it sound. `verify()` checks
    what it can without decoding every pixel (PNG checksums, truncated headers)."""
    position = file.tell()
    try:
        with warnings.catch_warnings():
            # A decompression bomb warns below twice the pixel limit; treat it as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != PILLOW_FORMATS[mime]:
                    raise ValidationError(_("图片文件已损坏，无法打开"))
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("图片文件已损坏或尺寸过大，无法打开")) from None
    finally:
        file.seek(position)


def check_image(file: File, *, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """Refuse anything but a JPEG, PNG or WebP picture of at most `max_bytes`; return its
    content type."""
    _check_size(file, max_bytes, _("图片不能超过 %(mb)s MB，请压缩后再上传"))
    mime = _sniff(file)
    if mime not in IMAGE_TYPES:
        types = pgettext("list separator", "、").join(IMAGE_TYPES.values())
        raise ValidationError(_("只能上传 %(types)s 格式的图片") % {"types": types})
    _open_image(file, mime)
    return mime


def check_pdf(file: File) -> None:
    """A PDF is one whose bytes start with `%PDF-` and that pypdf opens and counts pages in.
    Encrypted files are refused unless they open without a password (an owner password
    only restricts printing or copying): staff must be able to read what citizens send."""
    if not _head(file, 5).startswith(b"%PDF-"):
        raise ValidationError(_("不是 PDF 文件"))
    position = file.tell()
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("PDF 文件设有密码，请去掉密码后再上传"))
        if len(reader.pages) < 1:
            raise ValidationError(_("PDF 文件已损坏或没有内容，无法打开"))
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError, NotImplementedError):
        # pypdf reports damaged files through many exception types; any of them means that
        # staff would not be able to open the file either.
        raise ValidationError(_("PDF 文件已损坏，无法打开")) from None
    finally:
        file.seek(position)


def check_attachment(file: File, *, max_bytes: int) -> str:
    """Admit a JPEG, PNG or WebP picture or a PDF of at most `max_bytes`, judged by content
    (a PDF named `photo.jpg` is a PDF, a program named `photo.jpg` is refused); return its
    content type."""
    _check_size(file, max_bytes, _("文件不能超过 %(mb)s MB，请压缩后再上传"))
    mime = _sniff(file)
    if mime in IMAGE_TYPES:
        _open_image(file, mime)
        return mime
    if mime == PDF_TYPE:
        check_pdf(file)
        return PDF_TYPE
    types = pgettext("list separator", "、").join(IMAGE_TYPES.values())
    raise ValidationError(_("只能上传 %(types)s 格式的图片或 PDF 文件") % {"types": types})


def clean_file_name(name: str, *, max_length: int = 200) -> str:
    """The name a browser sent, kept only as data: no directories, no control characters
    (which would break a Content-Disposition header), at most `max_length` characters with
    the extension kept."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) <= max_length:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        return name[:max_length]
    return f"{stem[:max_length - len(ext) - 1]}.{ext}"


def download_name(original: str, content_type: str) -> str:
    """The name a download is offered under: the original one when its extension says what
    the content is, else with the right extension added (a PDF sent as `scan.jpg` downloads as
    `scan.jpg.pdf`, so that the reader's computer opens it with the right program)."""
    ext = EXTENSIONS.get(content_type, "bin")
    aliases = {"jpg": {"jpg", "jpeg", "jpe", "jfif"}}.get(ext, {ext})
    original = original or _("附件")
    if original.rpartition(".")[2].lower() in aliases and "." in original:
        return original
    return f"{original}.{ext}"


def limit_request_body(*, max_bytes: Callable[[], int], template_name: str) -> Callable:
    """Answer a request whose declared body exceeds `max_bytes()` with `template_name` and
    status 413, before anything reads it.

    Django counts only the form fields against DATA_UPLOAD_MAX_MEMORY_SIZE, never uploaded
    files, which it streams to disk whatever their size; and the CSRF middleware parses the
    body before any view runs. So the view is marked exempt for the middleware and the same
    CSRF check runs here, after the size check. The WSGI handler reads no more than the
    declared length, so the declared length is the one to check.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = max_bytes()
            if length > limit:
                return render(request, template_name, {"max_mb": _megabytes(limit)},
                              status=413)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


@contextlib.contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Collect the storage names of files written inside the block and delete them if it fails.

    A storage write is no part of the database transaction: when the transaction rolls back,
    the files it wrote must go too. Used outside `transaction.atomic()`, so that a failed
    commit counts as a failure.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
