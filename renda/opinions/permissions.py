"""What each role may do with citizens' opinions; scoping comes from each model's ACCESS_SCOPES.

Station staff act on the items addressed to their station, a deputy on the items addressed to
him, a handling unit on the items assigned to it (and units below it), the office on
everything in its district. Nobody is granted "opinions.tracking_secret": the citizen's
actions are checked against the tracking secret, not against a role.
"""

from renda.accounts.access import grant
from renda.accounts.models import Role

VIEW = ["opinions.view_opinion", "opinions.view_opinionreply", "opinions.view_opinionattachment",
        "opinions.view_opinionnote", "opinions.view_opinionmeeting",
        "opinions.view_echowallpost"]
NOTE = "opinions.add_opinionnote"
MEETING = "opinions.add_opinionmeeting"
ATTACH = "opinions.add_opinionattachment"
REVIEW_WALL = "opinions.review_echowallpost"
PRIVATE = "opinions.view_opinion_private"
TRIAGE = "opinions.triage_opinion"
HANDLE = "opinions.handle_opinion"
APPROVE_EXTENSION = "opinions.approve_extension"
CONFIRM = "opinions.confirm_opinion"


def register() -> None:
    for role in (Role.ADMIN, Role.OFFICE_STAFF):
        grant(role, *VIEW, PRIVATE, TRIAGE, APPROVE_EXTENSION, CONFIRM, NOTE, MEETING, ATTACH,
              REVIEW_WALL)
    # Keys for city apps posting through Open311 are issued by the congress's administrator.
    grant(Role.ADMIN, "opinions.view_open311client", "opinions.add_open311client",
          "opinions.change_open311client")
    grant(Role.LEADER, *VIEW)
    grant(Role.EVALUATOR, *VIEW)
    grant(Role.STATION_STAFF, *VIEW, PRIVATE, TRIAGE, CONFIRM, NOTE, MEETING, ATTACH,
          REVIEW_WALL)
    grant(Role.DEPUTY, *VIEW, PRIVATE, TRIAGE, NOTE, MEETING)
    # Units call the citizen back when the matter needs it, as 12345 handlers do.
    for role in (Role.UNIT_HANDLER, Role.UNIT_HEAD):
        grant(role, *VIEW, PRIVATE, HANDLE, NOTE, ATTACH)
