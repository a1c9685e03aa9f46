"""Build the whole demo world in one transaction; safe to run again (nothing changes)."""

import datetime

from django.db import transaction

from renda.accounts.models import RoleAssignment, User
from renda.directory.demo.accounts import build_accounts
from renda.directory.demo.areas import build_areas
from renda.directory.demo.congresses import build_congresses
from renda.directory.demo.deputies import build_deputies, build_groups
from renda.directory.demo.people import plan_people
from renda.directory.demo.receptions import build_days, build_schedules
from renda.directory.demo.stations import (
    build_assignments,
    build_stations,
    plan_assignments,
    station_specs,
)
from renda.directory.demo.units import build_units
from renda.directory.models import (
    Area,
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    GroupMembership,
    HandlingUnit,
    Mandate,
    PlenarySession,
    ReceptionDay,
    ReceptionSchedule,
    Station,
    StationAssignment,
    Term,
)

COUNTED = (
    ("行政区划", Area), ("人大", Congress), ("届", Term), ("大会会议", PlenarySession),
    ("承办单位", HandlingUnit), ("代表", Deputy), ("代表资格", Mandate), ("选区", Constituency),
    ("代表小组", DeputyGroup), ("小组成员", GroupMembership), ("联络站", Station),
    ("进站代表", StationAssignment), ("接待日规则", ReceptionSchedule), ("接待日", ReceptionDay),
    ("用户", User), ("角色授权", RoleAssignment),
)


@transaction.atomic
def seed(today: datetime.date) -> None:
    """Create or bring up to date every demo record; reception days are dated from `today`."""
    areas = build_areas()
    congresses, terms = build_congresses(areas)
    units = build_units(areas)
    people, seats = plan_people()
    deputies = build_deputies(people, seats, areas, terms)
    build_groups(people, deputies, congresses, areas)
    specs = station_specs()
    stations = build_stations(specs, areas, congresses)
    members = build_assignments(plan_assignments(specs, people), stations, deputies)
    schedules = build_schedules(stations, members)
    build_days(stations, schedules, members, today)
    build_accounts(congresses, stations, units, deputies[people[0].id_number])


def counts() -> list[tuple[str, int]]:
    """How many rows of each kind the database holds now."""
    return [(label, model.objects.count()) for label, model in COUNTED]
