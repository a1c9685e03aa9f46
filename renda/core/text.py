"""Cleaning of free text that services store: one rule for every loop."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def clean_text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    """The text stripped, without NUL characters (PostgreSQL cannot store them and they carry
    nothing a person meant), checked against `required` and `max_length` with the error on
    `field`."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: _("此项不能为空")})
    if len(value) > max_length:
        raise ValidationError({field: _("最多 %(max)d 个字，现有 %(count)d 个字")
                               % {"max": max_length, "count": len(value)}})
    return value
