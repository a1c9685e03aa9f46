"""The GeoReport v2 endpoints: thin adapters from the spec's arguments to the selectors and to
`services.open311_request_submit`, answering in JSON or XML and refusing in the spec's error
format (404 for what does not exist, 403 for a missing or wrong api_key, 400 otherwise)."""

import datetime
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from renda.core.deadlines import local_zone
from renda.directory.models import Congress
from renda.opinions import services as opinion_services
from renda.opinions.models import Open311Client
from renda.opinions.open311 import formats, representation, selectors, services
from renda.opinions.open311.formats import Open311Error

GET = ("GET", "HEAD")
# Posts per minute: per key (one city app), and per address (whoever tries keys).
POST_RATE_PER_KEY = "60/m"
POST_RATE_PER_IP = "120/m"
MAX_IDS = 100
View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    """Answer other methods with 405 and any `Open311Error` in the spec's error format."""
    allowed = methods or GET

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(405, _("不支持 %(method)s 请求")
                                       % {"method": request.method})
                if any("\x00" in value for value in kwargs.values()):
                    # Nothing is named so, and PostgreSQL could not even compare the name.
                    raise Open311Error(404, _("未找到"))
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = formats.errors(error.status, error.descriptions, fmt=fmt)
                if error.status == 405:
                    response["Allow"] = ", ".join(allowed)
                return response

        return wrapper

    return decorate


def _arg(params: QueryDict, name: str) -> str:
    return (params.get(name) or "").replace("\x00", "").strip()


def _client(params: QueryDict) -> Open311Client | None:
    """The client whose key came with the request, if one came; a wrong key is refused."""
    return _posting_client(params) if _arg(params, "api_key") else None


def _posting_client(params: QueryDict) -> Open311Client:
    key = _arg(params, "api_key")
    if not key:
        raise Open311Error(403, _("缺少 api_key"))
    client = selectors.client_by_key(key=key)
    if client is None:
        raise Open311Error(403, _("api_key 无效"))
    if not client.is_active:
        raise Open311Error(403, _("该 api_key 已停用"))
    services.open311_client_touch(client=client)
    return client


def _congress(params: QueryDict, client: Open311Client | None = None) -> Congress:
    """The jurisdiction: named by jurisdiction_id, implied by the key, or the only one."""
    wanted = _arg(params, "jurisdiction_id")
    if client is not None and wanted in ("", selectors.jurisdiction_id(client.congress)):
        return client.congress
    if wanted:
        congress = selectors.jurisdiction_get(jurisdiction_id=wanted)
        if congress is None:
            raise Open311Error(404, _("未找到该 jurisdiction_id：%(id)s") % {"id": wanted})
        if client is not None and client.congress_id != congress.pk:
            raise Open311Error(403, _("该 api_key 不能用于此 jurisdiction_id"))
        return congress
    congress = selectors.sole_jurisdiction()
    if congress is None:
        raise Open311Error(400, _("缺少 jurisdiction_id（人大所在行政区划的统计用区划代码）"))
    return congress


def _types(congress: Congress) -> dict[str, dict]:
    return opinion_services.opinion_types(congress=congress)


def _kind(congress: Congress, service_code: str) -> dict:
    if not service_code:
        raise Open311Error(400, _("缺少 service_code"))
    kind = _types(congress).get(service_code)
    if kind is None:
        raise Open311Error(404, _("未找到该 service_code：%(code)s") % {"code": service_code})
    return kind


# Discovery and services -------------------------------------------------------------------------


@endpoint()
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = url.rsplit("/", 1)[0]
    return formats.render(representation.discovery_out(url=base), fmt=fmt, root="discovery")


@endpoint()
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    congress = _congress(request.GET)
    metadata = bool(selectors.stations_of(congress=congress))
    items = [representation.service_out(kind, metadata=metadata)
             for kind in _types(congress).values()]
    return formats.render(items, fmt=fmt, root="services")


@endpoint()
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    congress = _congress(request.GET)
    kind = _kind(congress, service_code)
    data = representation.definition_out(service_code=kind["code"],
                                         stations=selectors.stations_of(congress=congress))
    return formats.render(data, fmt=fmt, root="service_definition")


# Service requests -------------------------------------------------------------------------------


@csrf_exempt
@endpoint("GET", "HEAD", "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    client = _client(request.GET)
    congress = _congress(request.GET, client)
    found = selectors.request_list(congress=congress, filters=_filters(request.GET),
                                   with_replies=client is not None)
    return _requests_out(found, congress=congress, client=client, fmt=fmt)


@endpoint()
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    client = _client(request.GET)
    congress = _congress(request.GET, client)
    opinion = selectors.request_get(congress=congress, request_id=request_id,
                                    with_replies=client is not None)
    if opinion is None:
        raise Open311Error(404, _("未找到该 service_request_id：%(id)s") % {"id": request_id})
    return _requests_out([opinion], congress=congress, client=client, fmt=fmt)


@endpoint()
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Requests are created at once ("realtime"), so a token is the service_request_id itself;
    the endpoint serves clients written for the "batch" flow."""
    congress = _congress(request.GET)
    opinion = selectors.request_get(congress=congress, request_id=token)
    if opinion is None:
        raise Open311Error(404, _("未找到该 token：%(token)s") % {"token": token})
    return formats.render(representation.token_out(opinion), fmt=fmt, root="service_requests")


def _requests_out(found: list, *, congress: Congress, client: Open311Client | None,
                  fmt: str) -> HttpResponse:
    types = _types(congress)
    mine = [o for o in found if client is not None and o.api_client_id == client.pk]
    answers = selectors.answers_at_triage(opinions=mine)
    owned = {o.pk for o in mine}
    items = [representation.request_out(o, types=types, owner=o.pk in owned, answers=answers)
             for o in found]
    return formats.render(items, fmt=fmt, root="service_requests")


def _moment(params: QueryDict, name: str) -> datetime.datetime | None:
    """A W3C date-time; one without an offset (or a bare date) is read as Beijing time."""
    value = _arg(params, name)
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s 格式不正确，应为 W3C 日期时间，如 2026-01-01T00:00:00+08:00")
                           % {"name": name})
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=local_zone())


def _listed(params: QueryDict, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for value in params.getlist(name)
                               for part in value.replace("\x00", "").split(",") if part.strip()))


def _filters(params: QueryDict) -> selectors.RequestFilters:
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    try:
        end = end or (start + selectors.MAX_SPAN if start else timezone.now())
        start = start or end - selectors.MAX_SPAN
    except OverflowError:
        raise Open311Error(400, _("日期超出范围")) from None
    if end < start:
        raise Open311Error(400, _("end_date 不能早于 start_date"))
    if end - start > selectors.MAX_SPAN:
        raise Open311Error(400, _("start_date 与 end_date 相隔不能超过 90 天"))
    statuses = _listed(params, "status")
    if set(statuses) - set(selectors.STATES):
        raise Open311Error(400, _("status 只能是 open 或 closed"))
    ids = _listed(params, "service_request_id")
    if len(ids) > MAX_IDS:
        raise Open311Error(400, _("service_request_id 一次最多 %(max)d 个") % {"max": MAX_IDS})
    return selectors.RequestFilters(start=start, end=end, ids=ids,
                                    codes=_listed(params, "service_code"), statuses=statuses)


# Posting ----------------------------------------------------------------------------------------


def _throttled(request: HttpRequest) -> bool:
    by_key = is_ratelimited(request, group="open311.post.key", key="post:api_key",
                            rate=POST_RATE_PER_KEY, method="POST", increment=True)
    by_ip = is_ratelimited(request, group="open311.post.ip", key="ip", rate=POST_RATE_PER_IP,
                           method="POST", increment=True)
    return by_key or by_ip


def _attributes(params: QueryDict) -> dict[str, str]:
    """`attribute[code]=value` pairs (a list's `attribute[code][]` keeps its first value)."""
    found: dict[str, str] = {}
    for name in params:
        if name.startswith("attribute[") and "]" in name:
            code = name[len("attribute["):name.index("]")]
            found.setdefault(code, _arg(params, name))
    return found


def _request_in(params: QueryDict) -> services.RequestIn:
    fields = ("description", "lat", "long", "address_string", "address_id", "first_name",
              "last_name", "phone")
    return services.RequestIn(service_code=_arg(params, "service_code"),
                              attributes=_attributes(params),
                              **{name: _arg(params, name) for name in fields})


def _idempotency_key(request: HttpRequest, client: Open311Client) -> str | None:
    """From the optional `Idempotency-Key` header (not in GeoReport v2): a client that sends
    it may retry a post without creating a second item. Scoped to the client."""
    value = request.headers.get("Idempotency-Key", "").strip()
    if not value:
        return None
    return "o311-" + hashlib.sha256(f"{client.pk}:{value}".encode()).hexdigest()[:40]


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    if _throttled(request):
        raise Open311Error(429, _("提交过于频繁，请稍后再试"))
    client = _posting_client(request.POST)
    _congress(request.POST, client)
    data = _request_in(request.POST)
    kind = _kind(client.congress, data.service_code)
    try:
        opinion, secret = services.open311_request_submit(
            client=client, data=data, idempotency_key=_idempotency_key(request, client))
    except ValidationError as error:
        raise Open311Error(400, *services.error_messages(error)) from None
    body = representation.posted_out(opinion, secret=secret, kind=kind,
                                     account_id=_arg(request.POST, "account_id")[:100])
    return formats.render(body, fmt=fmt, root="service_requests")
