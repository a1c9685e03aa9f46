"""Harbin, two of its districts, their streets and towns, communities, villages and grids.

Streets and towns are the real ones of 平房区 and 松北区; community and village names are
realistic but not checked against the statistical code list. Codes follow the 12-digit
statistical pattern: district 2301xx000000, street 2301xxNNN000 (towns from 100), community
…NNN (villages from 201); a grid adds a two-digit number to its community's code.
"""

import dataclasses
from decimal import Decimal

from renda.core.numerals import chinese_number
from renda.directory.demo.sync import upsert
from renda.directory.models import Area

CITY = ("哈尔滨市", "230100000000")


@dataclasses.dataclass(frozen=True)
class Street:
    name: str
    code: str
    abbr: str  # used in station and unit codes
    lat: str
    lon: str
    communities: tuple[str, ...]
    roads: tuple[str, ...]

    @property
    def is_town(self) -> bool:
        return self.name.endswith("镇")

    @property
    def short(self) -> str:
        return self.name.removesuffix("街道").removesuffix("镇")

    def community_code(self, index: int) -> str:
        """Residents' committees are numbered from 001, villagers' committees from 201."""
        return f"{self.code[:9]}{(201 if self.is_town else 1) + index:03d}"

    def coords(self) -> tuple[Decimal, Decimal]:
        return Decimal(self.lat), Decimal(self.lon)


@dataclasses.dataclass(frozen=True)
class District:
    key: str
    name: str
    code: str
    abbr: str
    streets: tuple[Street, ...]


PINGFANG = District("pingfang", "平房区", "230108000000", "PF", (
    Street("兴建街道", "230108001000", "XJ", "45.6065", "126.6352",
           ("兴建社区", "兴平社区", "建安社区", "青年社区"), ("兴建路", "友协大街", "建安街")),
    Street("保国街道", "230108002000", "BG", "45.6142", "126.6231",
           ("保国社区", "哈飞社区", "兴华社区"), ("保国大街", "哈平路", "兴华街")),
    Street("联盟街道", "230108003000", "LM", "45.5988", "126.6187",
           ("联盟社区", "民航社区", "红旗社区"), ("联盟大街", "红旗街", "民航路")),
    Street("友协街道", "230108004000", "YX", "45.6011", "126.6420",
           ("友协社区", "东轻社区", "文化社区"), ("友协大街", "东轻路", "文化街")),
    Street("新疆街道", "230108005000", "XG", "45.5930", "126.6335",
           ("新疆社区", "工农社区", "和平社区"), ("新疆大街", "工农街", "公社大街")),
    Street("新伟街道", "230108006000", "XW", "45.5872", "126.6468",
           ("新伟社区", "新城社区", "华尔社区"), ("新伟路", "征仪路", "华尔街")),
    Street("平房镇", "230108100000", "PFZ", "45.5735", "126.6612",
           ("平房村", "庆丰村", "东明村", "长征村"), ("平房镇庆丰路", "平房镇东明路")),
))

SONGBEI = District("songbei", "松北区", "230109000000", "SB", (
    Street("松浦街道", "230109001000", "SP", "45.8123", "126.5628",
           ("松浦社区", "江湾社区", "世茂社区"), ("世茂大道", "松浦大道", "江湾路")),
    Street("万宝街道", "230109002000", "WB", "45.8341", "126.5135",
           ("万宝社区", "北岸社区", "龙川社区"), ("万宝大街", "龙川路", "北岸路")),
    Street("太阳岛街道", "230109003000", "TYD", "45.7862", "126.5754",
           ("太阳岛社区", "金河湾社区", "中源社区"), ("太阳岛路", "中源大道", "金河路")),
    Street("松北街道", "230109004000", "SBJ", "45.8025", "126.5300",
           ("松北社区", "利民社区", "学院社区", "前进社区"), ("松北大道", "学海街", "创新一路")),
    Street("对青山镇", "230109100000", "DQS", "45.9254", "126.7168",
           ("对青山村", "白家村", "永胜村"), ("对青山镇中心街", "对青山镇永胜路")),
    Street("乐业镇", "230109101000", "LY", "45.8712", "126.4135",
           ("乐业村", "兴业村", "朝阳村"), ("乐业镇兴业街", "乐业镇朝阳路")),
))

DISTRICTS = (PINGFANG, SONGBEI)
GRIDS_PER_COMMUNITY = (3, 2, 1)  # the first communities of each street get grids


def _area(name: str, code: str, level: str, parent: Area | None) -> Area:
    return upsert(Area, {"code": code}, {"name": name, "level": level, "parent": parent})


def _build_street(street: Street, parent: Area, areas: dict[str, Area]) -> None:
    level = Area.Level.STREET
    node = areas[street.code] = _area(street.name, street.code, level, parent)
    grids = GRIDS_PER_COMMUNITY[:1] if street.is_town else GRIDS_PER_COMMUNITY[:2]
    for index, name in enumerate(street.communities):
        code = street.community_code(index)
        community = areas[code] = _area(name, code, Area.Level.COMMUNITY, node)
        for number in range(1, (grids[index] if index < len(grids) else 0) + 1):
            grid_name = f"{name}第{chinese_number(number)}网格"
            grid_code = f"{code}{number:02d}"
            areas[grid_code] = _area(grid_name, grid_code, Area.Level.GRID, community)


def build_areas() -> dict[str, Area]:
    """All demo areas by code, parents saved before children."""
    areas: dict[str, Area] = {}
    city = areas[CITY[1]] = _area(CITY[0], CITY[1], Area.Level.CITY, None)
    for district in DISTRICTS:
        node = areas[district.code] = _area(district.name, district.code, Area.Level.DISTRICT, city)
        for street in district.streets:
            _build_street(street, node, areas)
    return areas
