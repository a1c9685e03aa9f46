"""The congresses of Harbin, 平房区, 松北区 and the three towns, with two terms each and one
plenary session a year (dates realistic, not official)."""

import dataclasses
import datetime

from renda.directory.demo.areas import CITY, PINGFANG, SONGBEI, District
from renda.directory.demo.sync import upsert
from renda.directory.models import Area, Congress, PlenarySession, Term

D = datetime.date
# A session as (year, month, day, length in days); the first one opens the term.
SessionSpec = tuple[int, int, int, int]


@dataclasses.dataclass(frozen=True)
class TermSpec:
    number: int
    end: datetime.date | None
    sessions: tuple[SessionSpec, ...]

    @property
    def start(self) -> datetime.date:
        year, month, day, _ = self.sessions[0]
        return D(year, month, day)


def _yearly(first: SessionSpec, later: tuple[tuple[int, int, int], ...], days: int) -> tuple:
    return (first, *((y, m, d, days) for y, m, d in later))


CITY_TERMS = (
    TermSpec(15, D(2022, 1, 7), _yearly((2017, 1, 8, 5), (
        (2018, 1, 28), (2019, 1, 20), (2020, 1, 12), (2021, 2, 21)), 4)),
    TermSpec(16, None, _yearly((2022, 1, 8, 5), (
        (2023, 2, 19), (2024, 1, 21), (2025, 1, 12), (2026, 1, 25)), 4)),
)
DISTRICT_TERMS = {
    "pingfang": (
        TermSpec(16, D(2021, 12, 27), _yearly((2016, 12, 20, 3), (
            (2018, 1, 9), (2019, 1, 8), (2020, 1, 7), (2021, 1, 12)), 3)),
        TermSpec(17, None, _yearly((2021, 12, 28, 3), (
            (2023, 1, 10), (2024, 1, 9), (2025, 1, 7), (2026, 1, 13)), 3)),
    ),
    "songbei": (
        TermSpec(16, D(2021, 12, 21), _yearly((2016, 12, 14, 3), (
            (2018, 1, 16), (2019, 1, 15), (2020, 1, 14), (2021, 1, 19)), 3)),
        TermSpec(17, None, _yearly((2021, 12, 22, 3), (
            (2023, 1, 17), (2024, 1, 16), (2025, 1, 14), (2026, 1, 20)), 2)),
    ),
}
TOWN_TERMS = (
    TermSpec(18, D(2021, 12, 15), _yearly((2016, 12, 8, 1), (
        (2018, 2, 2), (2019, 1, 25), (2020, 1, 10), (2021, 2, 5)), 1)),
    TermSpec(19, None, _yearly((2021, 12, 16, 1), (
        (2023, 2, 3), (2024, 1, 26), (2025, 2, 14), (2026, 2, 6)), 1)),
)


def _congress(name: str, short: str, level: str, area: Area) -> Congress:
    return upsert(Congress, {"area": area, "level": level}, {
        "name": name, "short_name": short,
        "has_standing_committee": level != Congress.Level.TOWNSHIP,
    })


def _terms(congress: Congress, specs: tuple[TermSpec, ...]) -> dict[int, Term]:
    terms = {}
    for spec in specs:
        term = upsert(Term, {"congress": congress, "number": spec.number},
                      {"start_date": spec.start, "end_date": spec.end})
        for number, (year, month, day, length) in enumerate(spec.sessions, start=1):
            start = D(year, month, day)
            upsert(PlenarySession, {"term": term, "number": number}, {
                "start_date": start, "end_date": start + datetime.timedelta(days=length - 1)})
        terms[spec.number] = term
    return terms


def _district_congresses(district: District, areas: dict[str, Area]) -> dict[str, tuple]:
    built = {}
    full = f"哈尔滨市{district.name}"
    congress = _congress(f"{full}人民代表大会", f"{district.name}人大",
                         Congress.Level.DISTRICT, areas[district.code])
    built[district.key] = (congress, _terms(congress, DISTRICT_TERMS[district.key]))
    for street in district.streets:
        if street.is_town:
            town = _congress(f"{full}{street.name}人民代表大会", f"{street.name}人大",
                             Congress.Level.TOWNSHIP, areas[street.code])
            built[street.abbr] = (town, _terms(town, TOWN_TERMS))
    return built


def build_congresses(areas: dict[str, Area]) -> tuple[dict[str, Congress], dict[str, dict]]:
    """Congresses by key ("city", "pingfang", "songbei", town abbreviations) and their terms
    by key and number."""
    city = _congress("哈尔滨市人民代表大会", "哈尔滨市人大", Congress.Level.CITY,
                     areas[CITY[1]])
    built = {"city": (city, _terms(city, CITY_TERMS))}
    for district in (PINGFANG, SONGBEI):
        built.update(_district_congresses(district, areas))
    congresses = {key: pair[0] for key, pair in built.items()}
    terms = {key: pair[1] for key, pair in built.items()}
    return congresses, terms
