"""Who is who: areas, congresses and their terms and sessions, handling units, deputies,
constituencies and groups, and the liaison network of stations with their reception days."""

from renda.directory.models.base import PATH_STEP, TreeModel
from renda.directory.models.deputies import (
    Constituency,
    Deputy,
    DeputyGroup,
    GroupMembership,
    Mandate,
)
from renda.directory.models.organisations import (
    Area,
    Congress,
    CongressSetting,
    HandlingUnit,
    PlenarySession,
    Term,
)
from renda.directory.models.stations import (
    ReceptionDay,
    ReceptionSchedule,
    Station,
    StationAssignment,
    station_code_validator,
)

__all__ = [
    "PATH_STEP",
    "Area",
    "Congress",
    "CongressSetting",
    "Constituency",
    "Deputy",
    "DeputyGroup",
    "GroupMembership",
    "HandlingUnit",
    "Mandate",
    "PlenarySession",
    "ReceptionDay",
    "ReceptionSchedule",
    "Station",
    "StationAssignment",
    "Term",
    "TreeModel",
    "station_code_validator",
]
