"""Write the planned deputies, constituencies, mandates and deputy groups."""

from renda.directory.demo.areas import DISTRICTS
from renda.directory.demo.people import Person, Seat
from renda.directory.demo.sync import sync_rows, upsert
from renda.directory.models import (
    Area,
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    GroupMembership,
    Mandate,
    Term,
)

Terms = dict[str, dict[int, Term]]
PROFESSIONAL_GROUPS = (
    ("教育专业代表小组", {"education"}),
    ("医疗卫生专业代表小组", {"medical"}),
    ("法治专业代表小组", {"law"}),
    ("城建环保专业代表小组", {"urban"}),
    ("农业农村专业代表小组", {"agriculture"}),
    ("财政经济专业代表小组", {"enterprise", "finance", "business"}),
    ("社会建设专业代表小组", {"community", "government"}),
)
PROFESSIONAL_GROUP_SIZE = 15


def _constituencies(seats: list[Seat], areas: dict[str, Area], terms: Terms) -> dict[tuple, int]:
    rows = [{"term_id": terms[s.congress][s.term].pk, "number": s.number, "name": s.name,
             "area_id": areas[s.area_code].pk, "seats": s.seats} for s in seats]
    term_ids = {row["term_id"] for row in rows}
    found = sync_rows(Constituency, ("term_id", "number"), rows,
                      Constituency.objects.filter(term_id__in=term_ids))
    return {key: obj.pk for key, obj in found.items()}


def _deputy_row(person: Person) -> dict:
    return {
        "id_number": person.id_number, "name": person.name,
        "gender": Deputy.Gender.FEMALE if person.female else Deputy.Gender.MALE,
        "ethnicity": person.ethnicity, "birth_year": person.birth_year, "party": person.party,
        "occupation": person.occupation, "bio": person.bio, "mobile": person.mobile,
        "home_address": person.home_address, "is_public": True,
    }


def _mandate_rows(person: Person, deputy: Deputy, terms: Terms,
                  constituencies: dict[tuple, int]) -> list[dict]:
    rows = []
    for plan in person.mandates:
        term = terms[plan.congress][plan.term.number]
        rows.append({
            "deputy_id": deputy.pk, "term_id": term.pk,
            "constituency_id": constituencies.get((term.pk, plan.constituency)),
            "start_date": plan.term.start, "end_date": plan.end, "status": plan.status,
        })
    return rows


def build_deputies(people: list[Person], seats: list[Seat], areas: dict[str, Area],
                   terms: Terms) -> dict[str, Deputy]:
    """Deputies by ID number, with their constituencies and mandates in place."""
    constituencies = _constituencies(seats, areas, terms)
    ids = [p.id_number for p in people]
    found = sync_rows(Deputy, ("id_number",), [_deputy_row(p) for p in people],
                      Deputy.objects.filter(id_number__in=ids))
    deputies = {key[0]: obj for key, obj in found.items()}
    rows = [row for p in people
            for row in _mandate_rows(p, deputies[p.id_number], terms, constituencies)]
    sync_rows(Mandate, ("deputy_id", "term_id"), rows,
              Mandate.objects.filter(deputy_id__in=[d.pk for d in deputies.values()]))
    return deputies


def _group(congress: Congress, name: str, kind: str, area: Area | None,
           members: list[Deputy]) -> list[dict]:
    group = upsert(DeputyGroup, {"congress": congress, "name": name}, {"kind": kind, "area": area})
    roles = [GroupMembership.Role.LEADER, GroupMembership.Role.DEPUTY_LEADER]
    return [{"group_id": group.pk, "deputy_id": deputy.pk,
             "role": roles[index] if index < len(roles) else GroupMembership.Role.MEMBER}
            for index, deputy in enumerate(members)]


def build_groups(people: list[Person], deputies: dict[str, Deputy],
                 congresses: dict[str, Congress], areas: dict[str, Area]) -> None:
    """Area groups and professional groups of each district congress, and the city
    congress's delegations of the two districts."""
    rows: list[dict] = []
    for district in DISTRICTS:
        congress, area = congresses[district.key], areas[district.code]
        members = [p for p in people if p.holds(district.key)]
        for street in district.streets:
            own = [deputies[p.id_number] for p in members if p.street is street]
            rows += _group(congress, f"{street.name}代表小组", DeputyGroup.Kind.AREA,
                           areas[street.code], own)
        for name, sectors in PROFESSIONAL_GROUPS:
            own = [deputies[p.id_number] for p in members if p.sector in sectors]
            rows += _group(congress, name, DeputyGroup.Kind.PROFESSIONAL, None,
                           own[:PROFESSIONAL_GROUP_SIZE])
        city = [deputies[p.id_number] for p in people
                if p.district is district and p.holds("city")]
        rows += _group(congresses["city"], f"{district.name}代表团",
                       DeputyGroup.Kind.DELEGATION, area, city)
    group_ids = {row["group_id"] for row in rows}
    sync_rows(GroupMembership, ("group_id", "deputy_id"), rows,
              GroupMembership.objects.filter(group_id__in=group_ids))
