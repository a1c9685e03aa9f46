"""Outgoing messages by SMS and e-mail, through one pluggable backend per channel.

    notification_send(channel="sms", recipient="13800138000", body="…")      # sends now
    notification_enqueue(channel="email", recipient="a@b.cn", subject="…", body="…")  # a task

`settings.RENDA_NOTIFICATION_BACKENDS` maps a channel to a `Backend` class; an SMS gateway is one
more class with a `send()` that returns the provider's message id and raises on refusal. Every
message is a `core.Notification` row: a failure is recorded on it, never raised to the caller,
and `notification_retry_failed()` (`manage.py retry_notifications`) tries it again.
"""

import dataclasses
import email.utils
import logging
import sys
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from renda.core.masking import mask_phone
from renda.core.models import Notification

logger = logging.getLogger("renda.notifications")

REDACTED = "******"


@dataclasses.dataclass(frozen=True)
class OutgoingMessage:
    """What a backend needs to deliver one message; `reference` is the Notification id."""

    channel: str
    recipient: str
    subject: str
    body: str
    reference: str


class Backend:
    """Delivers messages of one channel. `send()` returns the provider's id or raises."""

    channel: str

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Prints the message (the demo has no SMS gateway) and logs that it did."""

    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"console-{uuid.uuid4().hex}"
        # Looked up at call time, so that a test's redirect_stdout captures it.
        lines = [f"[{message.channel}] → {message.recipient}", message.subject, message.body]
        sys.stdout.write("\n".join(line for line in lines if line) + "\n")
        logger.info("%s message %s to %s printed to the console as %s", message.channel,
                    message.reference, _masked(message.channel, message.recipient), provider_id)
        return provider_id


class EmailBackend(Backend):
    """Django's mail framework (`EMAIL_BACKEND`): the console in the demo, SMTP in production."""

    def send(self, message: OutgoingMessage) -> str:
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        message_id = email.utils.make_msgid(idstring=message.reference, domain=domain)
        EmailMessage(subject=message.subject or str(settings.RENDA_NAME), body=message.body,
                     to=[message.recipient], headers={"Message-ID": message_id}).send()
        return message_id


def notification_backend(channel: str) -> Backend:
    try:
        path = settings.RENDA_NOTIFICATION_BACKENDS[channel]
    except KeyError:
        raise ImproperlyConfigured(
            f"no notification backend for channel {channel!r} in RENDA_NOTIFICATION_BACKENDS"
        ) from None
    return import_string(path)(channel)


def notification_send(*, channel: str, recipient: str, subject: str = "", body: str,
                      idempotency_key: str | None = None, target: models.Model | None = None,
                      secret: str = "") -> Notification:
    """Send now. A second call with the same `idempotency_key` sends nothing and returns the
    first row. `secret` (a one-time code in `body`) is sent but never stored: the row keeps
    the body with it blanked and the recipient masked, and is never re-sent."""
    notification, created = _notification_create(
        channel=channel, recipient=recipient, subject=subject, body=body,
        idempotency_key=idempotency_key, target=target, status=Notification.Status.SENDING,
        secret=secret,
    )
    if created:
        _deliver(notification, recipient=recipient, body=body)
    return notification


def notification_enqueue(*, channel: str, recipient: str, subject: str = "", body: str,
                         idempotency_key: str | None = None,
                         target: models.Model | None = None) -> Notification:
    """Record a queued message and send it from a task once the transaction commits."""
    notification, created = _notification_create(
        channel=channel, recipient=recipient, subject=subject, body=body,
        idempotency_key=idempotency_key, target=target, status=Notification.Status.QUEUED,
    )
    if created:
        transaction.on_commit(lambda: send_notification_task.enqueue(notification.pk))
    return notification


def notification_send_queued(*, notification_id: int) -> Notification | None:
    """Send a queued row; None when another worker claimed it or it is no longer queued."""
    return _claim_and_deliver(notification_id, Notification.Status.QUEUED)


def notification_retry_failed(*, limit: int = 100) -> int:
    """Try the failed messages again, oldest first, up to the attempt limit; how many were
    tried. Each row is claimed with a conditional update, so two sweeps never send it twice."""
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.FAILED, redacted=False,
            attempts__lt=settings.RENDA_NOTIFICATION_MAX_ATTEMPTS,
        ).order_by("created_at", "id").values_list("id", flat=True)[:limit]
    )
    return sum(_claim_and_deliver(pk, Notification.Status.FAILED) is not None for pk in ids)


@task()
def send_notification_task(notification_id: int) -> None:
    notification_send_queued(notification_id=notification_id)


def _notification_create(*, channel: str, recipient: str, subject: str, body: str,
                         idempotency_key: str | None, target: models.Model | None,
                         status: str, secret: str = "") -> tuple[Notification, bool]:
    notification_backend(channel)  # an unknown channel is a programming error: fail loudly
    if idempotency_key:
        existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    row = Notification(
        channel=channel, subject=subject, status=status, idempotency_key=idempotency_key or None,
        recipient=_masked(channel, recipient) if secret else recipient,
        body=body.replace(secret, REDACTED) if secret else body, redacted=bool(secret),
    )
    if target is not None:
        row.content_type = ContentType.objects.get_for_model(target)
        row.object_id = target.pk
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Two callers raced with the same key; the one that lost returns the winner's row.
        return Notification.objects.get(idempotency_key=idempotency_key), False
    return row, True


def _claim_and_deliver(notification_id: int, status: str) -> Notification | None:
    claimed = Notification.objects.filter(pk=notification_id, status=status).update(
        status=Notification.Status.SENDING
    )
    if not claimed:
        return None
    notification = Notification.objects.get(pk=notification_id)
    _deliver(notification, recipient=notification.recipient, body=notification.body)
    return notification


def _deliver(notification: Notification, *, recipient: str, body: str) -> None:
    """One attempt, outside any transaction: a slow gateway must not hold a row lock."""
    message = OutgoingMessage(channel=notification.channel, recipient=recipient,
                              subject=notification.subject, body=body,
                              reference=str(notification.pk))
    changes: dict[str, Any] = {"attempts": F("attempts") + 1}
    try:
        provider_id = notification_backend(notification.channel).send(message)
    except Exception as exc:  # any refusal of any backend is recorded, not raised
        logger.warning("%s message %s failed: %s", notification.channel, notification.pk, exc)
        changes |= {"status": Notification.Status.FAILED,
                    "error": f"{type(exc).__name__}: {exc}"[:2000]}
    else:
        changes |= {"status": Notification.Status.SENT, "error": "",
                    "provider_id": (provider_id or "")[:200], "sent_at": timezone.now()}
    Notification.objects.filter(pk=notification.pk).update(**changes)
    notification.refresh_from_db()


def _masked(channel: str, recipient: str) -> str:
    return mask_phone(recipient) if channel == "sms" else recipient
