"""The demo's deputies as a plan in plain Python, before anything touches the database.

Everything comes from one seeded `random.Random` and one seeded Faker, in a fixed order, so a
second run plans exactly the same people with the same ID numbers (the natural key).

Who sits where:
- each district term has 40 constituencies over its communities and villages; the current
  term's seats (平房区 120, 松北区 100) are all filled, about 40 % of those deputies sat in the
  previous term too, and a few deputies of the previous term only complete the list;
- each town term has 7–9 constituencies over its villages; three district deputies living in
  each town also sit in the town congress;
- the city congress has 16 + 14 deputies from these districts (elected by the district
  congresses, so without constituency), six of each also being district deputies, one of
  them a town deputy as well;
- two district deputies resigned during the current term.
"""

import dataclasses
import datetime
import random

from faker import Faker

from renda.core.numerals import chinese_number
from renda.directory.demo import idcard, names
from renda.directory.demo.areas import DISTRICTS, District, Street
from renda.directory.demo.congresses import CITY_TERMS, DISTRICT_TERMS, TOWN_TERMS, TermSpec
from renda.directory.models import Mandate

SEED = 2026
DISTRICT_SEATS = {"pingfang": 120, "songbei": 100}
TOWN_SEATS = {"PFZ": (25, 9), "DQS": (18, 7), "LY": (18, 7)}  # seats, constituencies
CONSTITUENCIES_PER_DISTRICT = 40
CITY_SEATS = {"pingfang": (16, 6), "songbei": (14, 6)}  # seats, of whom district deputies
TOWN_OVERLAP = 3
PREVIOUS_SHARE = 0.4
PREVIOUS_ONLY = 8
RESIGNED = ((37, datetime.date(2024, 6, 28)), (81, datetime.date(2025, 3, 31)))
BIRTH_PREFIXES = ("230102", "230103", "230104", "230110", "230183", "230184", "230125")


@dataclasses.dataclass(frozen=True)
class Seat:
    """A constituency of one term: where its deputies live and how many it elects."""

    congress: str
    term: int
    number: int
    street: Street
    community: int
    seats: int

    @property
    def name(self) -> str:
        where = f"{self.street.name}{self.street.communities[self.community]}"
        return f"第{chinese_number(self.number)}选区（{where}）"

    @property
    def area_code(self) -> str:
        return self.street.community_code(self.community)


@dataclasses.dataclass
class MandatePlan:
    congress: str
    term: TermSpec
    constituency: int | None
    status: str = Mandate.Status.ACTIVE
    end: datetime.date | None = None


@dataclasses.dataclass
class Person:
    name: str
    female: bool
    ethnicity: str
    birth_year: int
    party: str
    schooling: str
    sector: str
    occupation: str
    mobile: str
    id_number: str
    home_address: str
    district: District
    street: Street
    community: int
    mandates: list[MandatePlan] = dataclasses.field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return any(m.status == Mandate.Status.ACTIVE for m in self.mandates)

    def holds(self, congress: str) -> bool:
        return any(m.congress == congress and m.status == Mandate.Status.ACTIVE
                   for m in self.mandates)

    @property
    def bio(self) -> str:
        return (f"{self.birth_year}年生，{self.ethnicity}，{self.party}，{self.schooling}学历。"
                f"现任{self.occupation}。")


def layout(congress: str, term: int, streets: tuple[Street, ...], count: int,
           total: int) -> list[Seat]:
    """`count` constituencies spread over the streets' communities in order, sharing `total`
    seats (one to three each, as the election law allows)."""
    slots = [(street, index) for street in streets for index in range(len(street.communities))]
    chosen = [slots[i] for i in sorted(i % len(slots) for i in range(count))]
    base, extra = divmod(total, count)
    return [Seat(congress, term, number, street, index, base + int(number <= extra))
            for number, (street, index) in enumerate(chosen, start=1)]


class Planner:
    """Plans every demo deputy; call `plan()` once."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(SEED)
        self.used_ids: set[str] = set()
        self.used_names: set[str] = set()
        self.used_titles: set[str] = set()
        self.people: list[Person] = []
        self.seats: list[Seat] = []

    def plan(self) -> list[Person]:
        for district in DISTRICTS:
            members = self._district(district)
            town_firsts = [self._town(district, street, members)
                           for street in district.streets if street.is_town]
            self._city(district, members, town_firsts[0])
            if district.key == "pingfang":
                self._resign(members)
        return self.people

    def person(self, district: District, street: Street, community: int,
               sectors: tuple, born: tuple[int, int] = (1962, 1995)) -> Person:
        rng = self.rng
        female = rng.random() < 0.45
        birth = datetime.date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        sector = names.weighted(rng, sectors)
        party = "中共党员" if sector == "government" else names.weighted(rng, names.PARTIES)
        prefix = district.code[:6] if rng.random() < 0.6 else rng.choice(BIRTH_PREFIXES)
        person = Person(
            name=names.person_name(self.fake, female, self.used_names), female=female,
            ethnicity=names.weighted(rng, names.ETHNICITIES), birth_year=birth.year,
            party=party, schooling=names.weighted(rng, names.SCHOOLING), sector=sector,
            occupation=names.occupation(rng, sector, district, street,
                                        street.communities[community], self.used_titles),
            mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            id_number=idcard.make(rng, prefix, birth, not female, self.used_ids),
            home_address=self._address(district, street, community),
            district=district, street=street, community=community,
        )
        self.people.append(person)
        return person

    def _address(self, district: District, street: Street, community: int) -> str:
        rng, place = self.rng, f"黑龙江省哈尔滨市{district.name}"
        if street.is_town:
            village = street.communities[community]
            return f"{place}{street.name}{village}{rng.randint(1, 9)}组{rng.randint(1, 120)}号"
        road = rng.choice(street.roads)
        return (f"{place}{road}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋"
                f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室")

    def _add(self, person: Person, congress: str, terms: tuple[TermSpec, TermSpec],
             number: int | None, share: float = PREVIOUS_SHARE) -> None:
        previous, current = terms
        person.mandates.append(MandatePlan(congress, current, number))
        if self.rng.random() < share:
            person.mandates.append(MandatePlan(congress, previous, number,
                                               Mandate.Status.ENDED, previous.end))

    def _sectors(self, street: Street) -> tuple:
        return names.TOWN_SECTORS if street.is_town else names.STREET_SECTORS

    def _district(self, district: District) -> list[Person]:
        """Fill the current term's seats; some also sat before; a few sat only before."""
        key, terms = district.key, DISTRICT_TERMS[district.key]
        total = DISTRICT_SEATS[key]
        current = layout(key, terms[1].number, district.streets, CONSTITUENCIES_PER_DISTRICT, total)
        previous = layout(key, terms[0].number, district.streets, CONSTITUENCIES_PER_DISTRICT, total)
        self.seats += previous + current
        members = []
        for seat in current:
            for _ in range(seat.seats):
                person = self.person(district, seat.street, seat.community,
                                     self._sectors(seat.street))
                self._add(person, key, terms, seat.number)
                members.append(person)
        for _ in range(PREVIOUS_ONLY):
            seat = previous[self.rng.randrange(len(previous))]
            person = self.person(district, seat.street, seat.community,
                                 self._sectors(seat.street), born=(1955, 1975))
            person.mandates.append(MandatePlan(key, terms[0], seat.number,
                                               Mandate.Status.ENDED, terms[0].end))
        return members

    def _town(self, district: District, street: Street, members: list[Person]) -> Person:
        """A town congress: a few district deputies living in the town sit in it too.
        Returns the first of them."""
        key, total, count = street.abbr, *TOWN_SEATS[street.abbr]
        terms = TOWN_TERMS
        current = layout(key, terms[1].number, (street,), count, total)
        self.seats += layout(key, terms[0].number, (street,), count, total) + current
        free = {seat.number: seat.seats for seat in current}
        overlap = [p for p in members if p.street is street][:TOWN_OVERLAP]
        for person in overlap:
            seat = next((s for s in current if s.community == person.community), current[0])
            self._add(person, key, terms, seat.number)
            free[seat.number] -= 1
        for seat in current:
            for _ in range(max(free[seat.number], 0)):
                person = self.person(district, street, seat.community, names.TOWN_SECTORS)
                self._add(person, key, terms, seat.number)
        return overlap[0]

    def _city(self, district: District, members: list[Person], town_deputy: Person) -> None:
        """City deputies from this district: some are district (and one a town) deputies."""
        total, overlap = CITY_SEATS[district.key]
        rest = [p for p in members[1:] if p is not town_deputy]
        picks = [members[0], town_deputy, *self.rng.sample(rest, overlap - 2)]
        urban = [street for street in district.streets if not street.is_town]
        for _ in range(total - overlap):
            street = self.rng.choice(urban)
            community = self.rng.randrange(len(street.communities))
            picks.append(self.person(district, street, community, names.CITY_SECTORS,
                                     born=(1960, 1985)))
        for person in picks:
            self._add(person, "city", CITY_TERMS, None, share=0.5)

    def _resign(self, members: list[Person]) -> None:
        """Two district deputies resigned during the term (moved away for work)."""
        for index, day in RESIGNED:
            person = next(p for p in members[index:] if len(p.mandates) == 1)
            person.mandates[0].status = Mandate.Status.RESIGNED
            person.mandates[0].end = day


def plan_people() -> tuple[list[Person], list[Seat]]:
    """Every demo deputy with their mandates, and every constituency."""
    planner = Planner()
    people = planner.plan()
    return people, planner.seats
