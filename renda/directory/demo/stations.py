"""The liaison network (家站点): per district a service centre, a station per street and town,
deputy homes and contact points in communities and villages, and the special ones the seeds
describe — 平房区's online "掌上代表联络站", 松北区's mobile station, a station in the court and
one in an enterprise service centre. Every current deputy is assigned (编组入站) to one or two."""

import dataclasses
import datetime
import zlib
from collections import Counter, defaultdict
from decimal import Decimal

from renda.directory.demo.areas import PINGFANG, SONGBEI, District, Street
from renda.directory.demo.people import Person
from renda.directory.demo.sync import sync_rows, upsert
from renda.directory.models import Area, Congress, Deputy, Mandate, Station, StationAssignment

Kind = Station.Kind
CENTRES = {"pingfang": ("45.6003", "126.6298"), "songbei": ("45.8005", "126.5502")}
HOTLINE_PREFIX = {"pingfang": "868", "songbei": "881"}
EXTRA_SIZE = 6  # deputies assigned to a home, point or special station as their second one
DESCRIPTIONS = {
    Kind.CENTRE: "区人大常委会设立的代表履职服务中心，承担代表培训、集中进站、议案建议起草辅导，"
                 "统筹调度全区联络站的工作。",
    Kind.STATION: "街道（镇）人大代表联络站，设接待区、议事区和资料区，各级人大代表编组进站，"
                  "实行“月进站、季回家、年述职”。",
    Kind.HOME: "设在社区（村）党群服务中心，代表定期回家接待选民、收集社情民意。",
    Kind.POINT: "设在小区物业服务中心或网格工作站，方便居民就近向代表反映问题。",
    Kind.ONLINE: "依托“掌上代表联络站”手机应用和“智汇民情”系统，选民可随时在线留言、"
                 "扫码联系代表，工作日有专人受理。",
    Kind.MOBILE: "采取“固定+移动”双轨运行，按月公布巡回点位，深入社区、企业、工地和田间地头"
                 "接待群众。",
}
HOURS = {
    Kind.CENTRE: "周一至周五 8:30-11:30，13:30-17:00",
    Kind.STATION: "周一至周五 8:30-11:30，13:30-16:30",
    Kind.HOME: "每周二、周四 9:00-11:30",
    Kind.POINT: "工作日 9:00-16:30",
    Kind.ONLINE: "全天在线留言，工作日 8:30-17:00 专人受理",
    Kind.MOBILE: "按月公布巡回点位和时间",
}


@dataclasses.dataclass(frozen=True)
class StationSpec:
    code: str
    name: str
    kind: str
    district: District
    street: Street | None = None
    community: int | None = None
    parent: str | None = None
    pick: str = "street"  # who is assigned: street, community, city, district, sectors
    sectors: frozenset[str] = frozenset()
    description: str = ""
    place: str = ""  # where it sits, when not a party-and-masses service centre


def _local(district: District, abbr: str, index: int, kind: str) -> StationSpec:
    street = next(s for s in district.streets if s.abbr == abbr)
    label = "人大代表之家" if kind == Kind.HOME else "人大代表联络点"
    return StationSpec(f"{district.abbr}-{abbr}-02",
                       f"{street.name}{street.communities[index]}{label}", kind, district,
                       street, index, f"{district.abbr}-{abbr}-01", "community")


def _network(district: District) -> list[StationSpec]:
    centre = f"{district.abbr}-ZX-01"
    specs = [StationSpec(centre, f"{district.name}人大代表履职服务中心", Kind.CENTRE, district,
                         pick="city")]
    specs += [StationSpec(f"{district.abbr}-{s.abbr}-01", f"{s.name}人大代表联络站", Kind.STATION,
                          district, s, parent=centre) for s in district.streets]
    return specs


def station_specs() -> list[StationSpec]:
    """All demo stations, parents before children."""
    pf, sb, home, point = PINGFANG, SONGBEI, Kind.HOME, Kind.POINT
    courts = frozenset({"law"})
    business = frozenset({"enterprise", "business", "finance"})
    return [
        *_network(pf),
        _local(pf, "XJ", 1, home), _local(pf, "BG", 1, point), _local(pf, "YX", 1, home),
        _local(pf, "XW", 1, point), _local(pf, "PFZ", 1, home),
        StationSpec("PF-WS-01", "平房区“掌上代表联络站”", Kind.ONLINE, pf, parent="PF-ZX-01",
                    pick="district"),
        StationSpec("PF-FY-01", "平房区人民法院人大代表联络站", Kind.STATION, pf, pf.streets[3],
                    parent="PF-ZX-01", pick="sectors", sectors=courts, place="区人民法院诉讼服务中心",
                    description="区人大常委会与区人民法院共建，代表参与诉前调解和矛盾纠纷化解，"
                                "“联络站+法院”一站式多元解纷。"),
        StationSpec("PF-QY-01", "哈南工业新城企业服务中心人大代表联络站", Kind.STATION, pf,
                    pf.streets[4], parent="PF-ZX-01", pick="sectors", sectors=business,
                    place="哈南工业新城企业服务中心",
                    description="设在哈南工业新城企业服务中心，代表联系园区企业，"
                                "收集优化营商环境方面的意见建议。"),
        *_network(sb),
        _local(sb, "SP", 1, home), _local(sb, "TYD", 1, point), _local(sb, "SBJ", 2, home),
        _local(sb, "DQS", 1, home), _local(sb, "LY", 1, point),
        StationSpec("SB-YD-01", "松北区移动代表联络站", Kind.MOBILE, sb, parent="SB-ZX-01",
                    pick="district"),
        StationSpec("SB-YY-01", "松北区人民医院人大代表联络站", Kind.STATION, sb, sb.streets[3],
                    parent="SB-ZX-01", pick="sectors", sectors=frozenset({"medical"}),
                    place="区人民医院门诊楼一楼",
                    description="设在区人民医院，医疗卫生界代表定期坐诊接待，"
                                "收集群众就医和公共卫生方面的意见建议。"),
    ]


def _stable(code: str, modulo: int) -> int:
    return zlib.crc32(code.encode()) % modulo


def _label(spec: StationSpec) -> str:
    if spec.place:
        return spec.place
    if spec.street is None:
        return f"{spec.district.name}人大常委会机关一楼"
    where = spec.street.communities[spec.community] if spec.community is not None else ""
    return f"{spec.street.name}{where}党群服务中心"


def _place(spec: StationSpec) -> dict:
    """Address and coordinates: near the street's (or district's) centre, stable per code."""
    if spec.kind == Kind.ONLINE:
        return {"address": "", "latitude": None, "longitude": None}
    street = spec.street or spec.district.streets[0]
    base = street.coords() if spec.street else tuple(map(Decimal, CENTRES[spec.district.key]))
    shift = Decimal(_stable(spec.code, 1000) - 500) / Decimal(100_000)
    road = street.roads[_stable(spec.code, len(street.roads))]
    address = f"黑龙江省哈尔滨市{spec.district.name}{road}{_stable(spec.code, 200) + 1}号（{_label(spec)}）"
    if spec.kind == Kind.MOBILE:
        address = "随巡回点位公布（常驻：" + address.removeprefix("黑龙江省哈尔滨市") + "）"
    step = Decimal("0.000001")
    return {"address": address, "latitude": (base[0] + shift).quantize(step),
            "longitude": (base[1] - shift).quantize(step)}


def _congress_key(spec: StationSpec) -> str:
    return spec.street.abbr if spec.street and spec.street.is_town else spec.district.key


def build_stations(specs: list[StationSpec], areas: dict[str, Area],
                   congresses: dict[str, Congress]) -> dict[str, Station]:
    """Stations by code; one by one, parents first, so that tree paths are right."""
    stations: dict[str, Station] = {}
    for spec in specs:
        if spec.community is not None:
            area = areas[spec.street.community_code(spec.community)]
        else:
            area = areas[(spec.street.code if spec.street else spec.district.code)]
        prefix = HOTLINE_PREFIX[spec.district.key]
        stations[spec.code] = upsert(Station, {"code": spec.code}, {
            "name": spec.name, "kind": spec.kind, "area": area,
            "congress": congresses[_congress_key(spec)],
            "parent": stations[spec.parent] if spec.parent else None,
            "hotline": f"0451-{prefix}{_stable(spec.code + '#', 100_000):05d}",
            "opening_hours": HOURS[spec.kind],
            "description": spec.description or DESCRIPTIONS[spec.kind],
            "is_active": True, **_place(spec),
        })
    return stations


def _candidates(spec: StationSpec, current: list[Person]) -> list[Person]:
    local = [p for p in current if p.district is spec.district]
    same_street = [p for p in local if p.street is spec.street]
    if spec.pick == "community":
        return [p for p in same_street if p.community == spec.community] + same_street
    if spec.pick == "city":
        return [p for p in local if p.holds("city")] + local
    if spec.pick == "sectors":
        return [p for p in local if p.sector in spec.sectors] + same_street
    return sorted(local, key=lambda p: -p.birth_year)  # the youngest run online and mobile


def _head_first(people: list[Person]) -> list[Person]:
    """Put the station's head first: a congress cadre if any, else an official, else the first."""
    def rank(person: Person) -> int:
        if "人大" in person.occupation:
            return 0
        return 1 if person.sector == "government" else 2
    return sorted(people, key=rank)


def plan_assignments(specs: list[StationSpec], people: list[Person]) -> dict[str, list[Person]]:
    """Each current deputy to the station of their street or town, and some (about one in
    three) also to a home, a point, the centre or a special station. Heads come first."""
    current = [p for p in people if p.is_current]
    assigned: dict[str, list[Person]] = defaultdict(list)
    count: Counter[str] = Counter()
    by_id = {p.id_number: p for p in current}
    for person in current:
        assigned[f"{person.district.abbr}-{person.street.abbr}-01"].append(person)
        count[person.id_number] += 1
    for spec in (s for s in specs if s.pick != "street"):
        size = EXTRA_SIZE + (2 if spec.kind == Kind.CENTRE else 0)
        free = [p for p in _candidates(spec, current) if count[p.id_number] < 2]
        for person in list(dict.fromkeys(p.id_number for p in free))[:size]:
            assigned[spec.code].append(by_id[person])
            count[person] += 1
    return {code: _head_first(members) for code, members in assigned.items()}


def _since(person: Person) -> datetime.date:
    starts = [m.term.start for m in person.mandates if m.status == Mandate.Status.ACTIVE]
    return max(starts) + datetime.timedelta(days=60)


def build_assignments(plan: dict[str, list[Person]], stations: dict[str, Station],
                      deputies: dict[str, Deputy]) -> dict[str, list[Deputy]]:
    """Write the assignments (编组入站), one head per station; return each station's
    deputies, head first."""
    rows = []
    for code, members in plan.items():
        for index, person in enumerate(members):
            rows.append({
                "station_id": stations[code].pk, "deputy_id": deputies[person.id_number].pk,
                "role": StationAssignment.Role.HEAD if index == 0 else StationAssignment.Role.MEMBER,
                "since": _since(person),
            })
    sync_rows(StationAssignment, ("station_id", "deputy_id"), rows,
              StationAssignment.objects.filter(station_id__in=[s.pk for s in stations.values()]))
    return {code: [deputies[p.id_number] for p in members] for code, members in plan.items()}
