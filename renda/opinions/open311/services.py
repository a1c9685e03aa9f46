"""Writes of the Open311 API: issuing a client's key, noting its use, and turning a posted
service request into an opinion through `renda.opinions.services.opinion_submit`."""

import dataclasses
import datetime
import re
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.workflow import permission_checker
from renda.directory.models import Area, Congress, Station
from renda.opinions import services as opinion_services
from renda.opinions.models import Open311Client, Opinion
from renda.opinions.open311 import selectors
from renda.opinions.open311.selectors import key_hash

ADD_CLIENT = "opinions.add_open311client"
KEY_PREFIX = "r311-"
PREFIX_LENGTH = 10
MIN_KEY_LENGTH = 16
DESCRIPTION_MAX_LENGTH = 4000  # GeoReport v2: "free form text limited to 4,000 characters"
TITLE_LENGTH = 30
# A client's last use is noted at most this often: reads must not each cost a write.
TOUCH_EVERY = datetime.timedelta(minutes=1)
# Where the service reports a field, in the names the Open311 client sent.
PARAMETERS = {"title": "description", "content": "description", "citizen_name": "last_name",
              "citizen_mobile": "phone", "address": "address_string", "latitude": "lat",
              "longitude": "long", "area": "address_id", "addressed_station": "attribute[station]",
              "type_code": "service_code"}


def _require_add(actor: Any, congress: Congress) -> None:
    """`actor` None is the system (a command, the demo seed); a person needs the permission."""
    if actor is not None and not permission_checker()(actor, ADD_CLIENT, congress):
        raise PermissionDenied


def open311_client_create(*, actor: Any, congress: Congress,
                          name: str) -> tuple[Open311Client, str]:
    """A new client with a fresh random key; the key is returned this once and never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return open311_client_create_with_key(actor=actor, congress=congress, name=name, key=key), key


def open311_client_create_with_key(*, actor: Any, congress: Congress, name: str,
                                   key: str) -> Open311Client:
    """A client with a key chosen elsewhere: the demo's fixed key, or a key another system
    already handed out. Random keys come from `open311_client_create`."""
    _require_add(actor, congress)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("此项不能为空")})
    if len(key) < MIN_KEY_LENGTH:
        raise ValidationError({"key": _("密钥至少 %(min)d 位") % {"min": MIN_KEY_LENGTH}})
    client = Open311Client(congress=congress, name=name, key_prefix=key[:PREFIX_LENGTH],
                           key_hash=key_hash(key))
    if getattr(actor, "pk", None):
        client._history_user = actor
    client.save()
    return client


def open311_client_touch(*, client: Open311Client) -> None:
    """Note that the client used its key now: a conditional update, no history row, no lock."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    if Open311Client.objects.filter(stale, pk=client.pk).update(last_used_at=now):
        client.last_used_at = now


# Posting a service request -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RequestIn:
    """The arguments of "POST Service Request" that Renda keeps (email, device_id and media_url
    are not stored: an opinion has no place for them)."""

    service_code: str
    description: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    attributes: dict[str, str] = dataclasses.field(default_factory=dict)


def _title(description: str) -> str:
    """The opinion's title: the first line of the description, cut to a list's width."""
    line = next((part.strip() for part in description.splitlines() if part.strip()), "")
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


def _name(first_name: str, last_name: str) -> str:
    """Chinese names are written family name first, without a space."""
    first, last = first_name.strip(), last_name.strip()
    if re.search(r"[\u3400-\u9fff]", first + last):
        return last + first
    return f"{first} {last}".strip()


def _mobile(phone: str) -> str:
    """Digits only, without the country code +86 a city app may add."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _location(congress: Congress, data: RequestIn) -> dict[str, Any]:
    has_lat, has_long = bool(data.lat.strip()), bool(data.long.strip())
    if has_lat != has_long:
        raise ValidationError({"lat": _("lat 和 long 须同时提供")})
    if not (has_lat or data.address_string.strip() or data.address_id.strip()):
        raise ValidationError({"lat": _("须提供位置：lat 和 long、address_string 或 address_id 之一")})
    area = None
    if data.address_id.strip():
        area = selectors.area_in(congress=congress, code=data.address_id.strip())
        if area is None:
            raise ValidationError({"area": _("address_id 应为本行政区域内的区划代码")})
    return {"latitude": data.lat.strip() or None, "longitude": data.long.strip() or None,
            "address": data.address_string, "area": area}


def _station(congress: Congress, data: RequestIn) -> Station | None:
    code = (data.attributes.get("station") or "").strip()
    if not code:
        return None
    station = selectors.station_in(congress=congress, code=code)
    if station is None:
        raise ValidationError({"addressed_station": _("不是本级人大的联络站")})
    return station


def open311_request_submit(*, client: Open311Client, data: RequestIn,
                           idempotency_key: str | None = None) -> tuple[Opinion, str]:
    """Receive a posted service request as an opinion on the `api` channel, for the client's
    congress; returns it with the citizen's tracking secret. Raises ValidationError keyed by
    the Open311 argument at fault (see `error_messages`)."""
    congress = client.congress
    description = (data.description or "").replace("\x00", "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"description": _("最多 %(max)d 个字，现有 %(count)d 个字")
                               % {"max": DESCRIPTION_MAX_LENGTH, "count": len(description)}})
    area_fields: dict[str, Area | str | None] = _location(congress, data)
    station = _station(congress, data)
    return opinion_services.opinion_submit(
        congress=congress, channel=Opinion.Channel.API, type_code=data.service_code,
        title=_title(description), content=description,
        citizen_name=_name(data.first_name, data.last_name), citizen_mobile=_mobile(data.phone),
        addressed_station=station, idempotency_key=idempotency_key, api_client=client,
        **area_fields)


def error_messages(error: ValidationError) -> list[str]:
    """"argument: message" for each problem, in the names of the Open311 arguments."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    found: list[str] = []
    for field, messages in error.message_dict.items():
        name = PARAMETERS.get(field, field)
        found.extend(f"{name}: {message}" for message in messages)
    return list(dict.fromkeys(found))
