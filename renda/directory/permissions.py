"""What each role may do with the directory; scoping comes from each model's ACCESS_SCOPES."""

from renda.accounts.access import grant
from renda.accounts.models import Role

MODELS = [
    "area", "congress", "term", "plenarysession", "handlingunit", "deputy", "constituency",
    "mandate", "deputygroup", "groupmembership", "station", "stationassignment",
    "receptionschedule", "receptionday", "congresssetting",
]
STATION_MODELS = ["station", "stationassignment", "receptionschedule", "receptionday"]


def _perms(actions: list[str], models: list[str]) -> list[str]:
    return [f"directory.{action}_{model}" for action in actions for model in models]


def register() -> None:
    everything = _perms(["view", "add", "change", "delete"], MODELS)
    grant(Role.ADMIN, *everything, "directory.view_deputy_private", "directory.import_roster")
    grant(Role.OFFICE_STAFF, *everything, "directory.view_deputy_private",
          "directory.import_roster")
    grant(Role.LEADER, *_perms(["view"], MODELS), "directory.view_deputy_private")
    grant(Role.EVALUATOR, *_perms(["view"], MODELS))
    # Excel export of whole rosters: only the area-wide roles; rows still go through scoping.
    for role in (Role.ADMIN, Role.OFFICE_STAFF, Role.LEADER, Role.EVALUATOR):
        grant(role, "directory.export_roster")
    grant(Role.STATION_STAFF, *_perms(["view"], [*STATION_MODELS, "deputy"]),
          *_perms(["add", "change", "delete"], ["receptionschedule", "receptionday"]),
          "directory.change_station", "directory.view_deputy_private")
    grant(Role.UNIT_HANDLER, "directory.view_handlingunit")
    grant(Role.UNIT_HEAD, "directory.view_handlingunit", "directory.change_handlingunit")
    grant(Role.DEPUTY, "directory.view_deputy", "directory.change_deputy",
          "directory.view_deputy_private", "directory.view_mandate",
          "directory.view_stationassignment", "directory.view_groupmembership")
