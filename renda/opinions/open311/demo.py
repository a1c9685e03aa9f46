"""The demo's Open311 client: a city app of 平房区 with a fixed, published key, and two
requests it posted, so that `make demo` can be tried with any Open311 client at once.

The fixed key exists only in demo, test and debug mode: anywhere else it would be a known
password. Idempotent: the client is found by its key, the requests by their idempotency keys.
"""

from django.conf import settings

from renda.directory.models import Station
from renda.opinions.demo import CENTRES
from renda.opinions.models import Open311Client
from renda.opinions.open311 import services
from renda.opinions.open311.selectors import jurisdiction_id, key_hash

DEMO_KEY = "renda-demo-open311-key"
DEMO_NAME = "演示城市 App"
REQUESTS = (
    services.RequestIn(
        service_code="help", description="友协大街与新疆大街路口的红绿灯坏了两天，早晚高峰很危险。",
        lat="45.600512", long="126.645218", address_string="平房区友协大街与新疆大街路口",
        first_name="桂英", last_name="刘", phone="13904519876"),
    services.RequestIn(
        service_code="proposal", description="建议在兴建公园东门增设无障碍坡道，轮椅进出很不方便。",
        address_string="平房区兴建公园东门", attributes={"station": "PF-XJ-01"}),
)


def _allowed() -> bool:
    return bool(settings.DEMO or settings.TESTING or settings.DEBUG)


def seed_open311() -> Open311Client | None:
    """The demo client and its requests; None outside demo mode."""
    if not _allowed():
        return None
    client = demo_client()
    if client is None:
        congress = Station.objects.select_related("congress").get(code=CENTRES["pf"]).congress
        client = services.open311_client_create_with_key(
            actor=None, congress=congress, name=DEMO_NAME, key=DEMO_KEY)
    for n, data in enumerate(REQUESTS, start=1):
        services.open311_request_submit(client=client, data=data,
                                        idempotency_key=f"demo-opinion-open311-{n}")
    return client


def demo_client() -> Open311Client | None:
    return (Open311Client.objects.select_related("congress__area")
            .filter(key_hash=key_hash(DEMO_KEY)).first())


def demo_key_line() -> str:
    """What `seed_demo` prints under the demo accounts."""
    client = demo_client() if _allowed() else None
    if client is None:
        return "Open311：尚无演示接入密钥（仅演示模式下由 seed_demo 创建）。"
    return (f"Open311 演示接入密钥（{client.congress}，jurisdiction_id="
            f"{jurisdiction_id(client.congress)}）：{DEMO_KEY}    "
            f"接口：{settings.SITE_URL}/open311/v2/discovery.json")
