"""Writes of the accounts app: the second factor (TOTP) of staff accounts."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts.models import User

DEVICE_NAME = "authenticator"


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device for the user to scan; an earlier unconfirmed one is replaced."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_device_confirm(*, user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending device when the token matches; None when it does not."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_device_remove(*, user: User) -> int:
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def totp_verify(*, user: User, token: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token.strip()):
            return device
    return None


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def device_secret(device: TOTPDevice) -> str:
    """The base32 secret, for people who type it instead of scanning."""
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")
