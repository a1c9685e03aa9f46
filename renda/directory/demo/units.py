"""Handling units (承办单位): Harbin's government with the departments that told their story in
seed 001, the city's supervisory commission, court and procuratorate; and for each district its
government, about a dozen departments, the street offices and town governments, and 一委两院."""

import zlib

from renda.directory.demo.areas import CITY, DISTRICTS, District
from renda.directory.demo.sync import upsert
from renda.directory.models import Area, HandlingUnit

Kind = HandlingUnit.Kind
# (name, short name, code suffix)
CITY_DEPARTMENTS = (
    # The ten departments of seed 001 (哈市十部门人大代表建议办理工作经验分享).
    ("哈尔滨市人民政府办公厅", "市政府办公厅", "ZFB"),
    ("哈尔滨市发展和改革委员会", "市发改委", "FGW"),
    ("哈尔滨市工业和信息化局", "市工信局", "GXJ"),
    ("哈尔滨市公安局", "市公安局", "GAJ"),
    ("哈尔滨市民政局", "市民政局", "MZJ"),
    ("哈尔滨市住房和城乡建设局", "市住建局", "ZJJ"),
    ("哈尔滨市卫生健康委员会", "市卫健委", "WJW"),
    ("哈尔滨市文化广电和旅游局", "市文广旅游局", "WGL"),
    ("哈尔滨市体育局", "市体育局", "TYJ"),
    # Other departments that often answer deputies.
    ("哈尔滨市教育局", "市教育局", "JYJ"),
    ("哈尔滨市财政局", "市财政局", "CZJ"),
    ("哈尔滨市人力资源和社会保障局", "市人社局", "RSJ"),
    ("哈尔滨市交通运输局", "市交通局", "JTJ"),
    ("哈尔滨市生态环境局", "市生态环境局", "HBJ"),
    ("哈尔滨市城市管理局", "市城管局", "CGJ"),
    ("哈尔滨市自然资源和规划局", "市自然资源局", "ZRJ"),
    ("哈尔滨市农业农村局", "市农业农村局", "NYJ"),
    ("哈尔滨市市场监督管理局", "市市场监管局", "SJJ"),
    ("哈尔滨市医疗保障局", "市医保局", "YBJ"),
)
CITY_OTHERS = (  # 一委两院; the procuratorate is one of seed 001's ten
    ("哈尔滨市监察委员会", "市监委", "JW", Kind.SUPERVISORY),
    ("哈尔滨市中级人民法院", "市中院", "FY", Kind.COURT),
    ("哈尔滨市人民检察院", "市检察院", "JCY", Kind.PROCURATORATE),
)
# District departments: "{district}{suffix}", or a city bureau's branch "哈尔滨市…{district}分局".
DISTRICT_DEPARTMENTS = (
    ("{d}人民政府办公室", "政府办", "ZFB"),
    ("{d}发展和改革局", "发改局", "FGJ"),
    ("{d}教育局", "教育局", "JYJ"),
    ("{d}住房和城乡建设局", "住建局", "ZJJ"),
    ("{d}卫生健康局", "卫健局", "WJJ"),
    ("{d}城市管理和行政执法局", "城管执法局", "CGJ"),
    ("{d}民政局", "民政局", "MZJ"),
    ("{d}人力资源和社会保障局", "人社局", "RSJ"),
    ("{d}交通运输局", "交通局", "JTJ"),
    ("哈尔滨市生态环境局{d}分局", "生态环境分局", "HBJ"),
    ("哈尔滨市公安局{d}分局", "公安分局", "GAJ"),
    ("{d}市场监督管理局", "市场监管局", "SJJ"),
    ("{d}农业农村局", "农业农村局", "NYJ"),
    ("{d}应急管理局", "应急局", "YJJ"),
    ("{d}财政局", "财政局", "CZJ"),
)
DISTRICT_OTHERS = (
    ("{d}监察委员会", "监委", "JW", Kind.SUPERVISORY),
    ("哈尔滨市{d}人民法院", "法院", "FY", Kind.COURT),
    ("哈尔滨市{d}人民检察院", "检察院", "JCY", Kind.PROCURATORATE),
)


def office_phone(code: str) -> str:
    """A stable fake Harbin office number derived from the unit's code."""
    return f"0451-8{zlib.crc32(code.encode()) % 10_000_000:07d}"


def _unit(name: str, short: str, code: str, kind: str, area: Area,
          parent: HandlingUnit | None) -> HandlingUnit:
    return upsert(HandlingUnit, {"code": code}, {
        "name": name, "short_name": short, "kind": kind, "area": area, "parent": parent,
        "office_phone": office_phone(code), "is_active": True,
    })


def _city_units(area: Area, units: dict[str, HandlingUnit]) -> None:
    gov = units["HRB-GOV"] = _unit("哈尔滨市人民政府", "市政府", "HRB-GOV", Kind.GOVERNMENT, area, None)
    for name, short, suffix in CITY_DEPARTMENTS:
        units[f"HRB-{suffix}"] = _unit(name, short, f"HRB-{suffix}", Kind.DEPARTMENT, area, gov)
    for name, short, suffix, kind in CITY_OTHERS:
        units[f"HRB-{suffix}"] = _unit(name, short, f"HRB-{suffix}", kind, area, None)


def _district_units(district: District, areas: dict[str, Area],
                    units: dict[str, HandlingUnit]) -> None:
    area, d, prefix = areas[district.code], district.name, district.abbr
    gov = units[f"{prefix}-GOV"] = _unit(f"{d}人民政府", "区政府", f"{prefix}-GOV",
                                         Kind.GOVERNMENT, area, None)
    for name, short, suffix in DISTRICT_DEPARTMENTS:
        code = f"{prefix}-{suffix}"
        units[code] = _unit(name.format(d=d), f"区{short}", code, Kind.DEPARTMENT, area, gov)
    for street in district.streets:
        code = f"{prefix}-{street.abbr}"
        if street.is_town:
            name, kind = f"{d}{street.name}人民政府", Kind.GOVERNMENT
        else:
            name, kind = f"{d}{street.name}办事处", Kind.OTHER
        units[code] = _unit(name, street.name, code, kind, areas[street.code], gov)
    for name, short, suffix, kind in DISTRICT_OTHERS:
        code = f"{prefix}-{suffix}"
        units[code] = _unit(name.format(d=d), f"区{short}", code, kind, area, None)


def build_units(areas: dict[str, Area]) -> dict[str, HandlingUnit]:
    """All demo handling units by code."""
    units: dict[str, HandlingUnit] = {}
    _city_units(areas[CITY[1]], units)
    for district in DISTRICTS:
        _district_units(district, areas, units)
    return units
