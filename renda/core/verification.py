"""One-time SMS codes that confirm a citizen holds a mainland mobile number.

    verification_start(phone="13800138000", purpose="opinion")   # sends 您的验证码是 …
    verification_check(phone="13800138000", purpose="opinion", code="123456")  # True once

Only keyed hashes are stored (HMAC-SHA256 with SECRET_KEY): a leaked table gives away neither
the numbers nor the codes, and a six-digit code cannot be brute-forced offline without the key.
The latest code for a number and purpose supersedes the earlier ones. Limits, in settings:
one code per number every `RENDA_VERIFICATION_RESEND_INTERVAL` seconds and
`RENDA_VERIFICATION_HOURLY_LIMIT` per hour; `RENDA_VERIFICATION_MAX_ATTEMPTS` guesses per code;
a code lives `RENDA_VERIFICATION_CODE_TTL` seconds.
"""

import datetime
import math
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renda.core.models import Notification, VerificationCode
from renda.core.notifications import notification_send

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Spaces, dashes and a +86 / 0086 country prefix are what people type around a number.
DECORATION = re.compile(r"[\s\-()（）]")
COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")


class VerificationThrottled(ValidationError):
    """Too many codes asked for one number; `retry_after` is in seconds (for a 429 answer)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, code="throttled")
        self.retry_after = retry_after


def phone_normalise(phone: str) -> str:
    """The bare 11 digits of a mainland mobile number, or a ValidationError."""
    number = COUNTRY_PREFIX.sub("", DECORATION.sub("", phone or ""))
    if not MOBILE.match(number):
        raise ValidationError(_("请输入正确的 11 位手机号码"), code="invalid_phone")
    return number


def phone_digest(number: str) -> str:
    """HMAC-SHA256 of a normalised number: the same number always gives the same digest."""
    return salted_hmac("renda.core.verification.phone", number, algorithm="sha256").hexdigest()


def verification_start(*, phone: str, purpose: str) -> VerificationCode:
    """Create a code for the number and send it by SMS; refuse when asked too often."""
    number = phone_normalise(phone)
    digest = phone_digest(number)
    now = timezone.now()
    _check_send_limits(digest, now)
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = settings.RENDA_VERIFICATION_CODE_TTL
    row = VerificationCode.objects.create(
        phone_hash=digest, purpose=purpose, code_hash=_code_digest(digest, purpose, code),
        expires_at=now + datetime.timedelta(seconds=ttl), created_at=now,
    )
    body = _("您的验证码是 %(code)s，%(minutes)s 分钟内有效。如非本人操作请忽略。") % {
        "code": code, "minutes": max(ttl // 60, 1)}
    notification = notification_send(channel="sms", recipient=number, body=body, target=row,
                                     idempotency_key=f"verification-code:{row.pk}", secret=code)
    if notification.status == Notification.Status.FAILED:
        raise ValidationError(_("短信发送失败，请稍后再试"), code="send_failed")
    return row


def verification_check(*, phone: str, purpose: str, code: str) -> bool:
    """True once for the right code of the latest unexpired code; every guess counts."""
    try:
        digest = phone_digest(phone_normalise(phone))
    except ValidationError:
        return False
    now = timezone.now()
    latest = VerificationCode.objects.filter(phone_hash=digest, purpose=purpose).first()
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        return False
    # Counted before comparing, with a conditional update: parallel guesses cannot pass the limit.
    counted = VerificationCode.objects.filter(
        pk=latest.pk, used_at__isnull=True, attempts__lt=settings.RENDA_VERIFICATION_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not counted:
        return False
    expected = _code_digest(digest, purpose, (code or "").strip())
    if not constant_time_compare(latest.code_hash, expected):
        return False
    # Single use: of two requests with the right code, only the first marks it used.
    return bool(VerificationCode.objects.filter(pk=latest.pk, used_at__isnull=True)
                .update(used_at=now))


def verification_confirm(*, phone: str, purpose: str, code: str) -> str:
    """Check the code a person typed; the number's digest, or a ValidationError on `code`.
    For pages that then act on the confirmed number (a vote, a survey) by its digest."""
    number = phone_normalise(phone)
    if not verification_check(phone=number, purpose=purpose, code=code):
        raise ValidationError({"code": _("验证码不正确或已失效，请重新获取")})
    return phone_digest(number)


def verification_confirmed(*, digest: str, purpose: str,
                           within: datetime.timedelta) -> bool:
    """Whether a code for this number's digest and purpose was confirmed in the last
    `within`: what a later step checks before it trusts a digest a page sent back."""
    since = timezone.now() - within
    return VerificationCode.objects.filter(phone_hash=digest, purpose=purpose,
                                           used_at__gte=since).exists()


def _code_digest(digest: str, purpose: str, code: str) -> str:
    value = f"{digest}|{purpose}|{code}"
    return salted_hmac("renda.core.verification.code", value, algorithm="sha256").hexdigest()


def _check_send_limits(digest: str, now: datetime.datetime) -> None:
    hour_ago = now - datetime.timedelta(hours=1)
    recent = list(VerificationCode.objects.filter(phone_hash=digest, created_at__gt=hour_ago)
                  .order_by("created_at").values_list("created_at", flat=True))
    interval = settings.RENDA_VERIFICATION_RESEND_INTERVAL
    if recent and (wait := interval - (now - recent[-1]).total_seconds()) > 0:
        seconds = math.ceil(wait)
        raise VerificationThrottled(ngettext(
            "验证码发送过于频繁，请 %(seconds)s 秒后再试",
            "验证码发送过于频繁，请 %(seconds)s 秒后再试", seconds) % {"seconds": seconds},
            retry_after=seconds)
    limit = settings.RENDA_VERIFICATION_HOURLY_LIMIT
    if len(recent) >= limit:
        wait = (recent[-limit] + datetime.timedelta(hours=1) - now).total_seconds()
        minutes = max(math.ceil(wait / 60), 1)
        raise VerificationThrottled(ngettext(
            "该号码一小时内获取验证码的次数已达上限，请 %(minutes)s 分钟后再试",
            "该号码一小时内获取验证码的次数已达上限，请 %(minutes)s 分钟后再试", minutes)
            % {"minutes": minutes}, retry_after=math.ceil(wait))
