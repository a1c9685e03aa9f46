"""What each role may do with livelihood projects; scoping from each model's ACCESS_SCOPES.
The office organises the cycle and runs the ballots; deputies propose, vote and supervise;
stations collect proposals; handling units report their projects' progress; leaders read."""

from renda.accounts.access import grant
from renda.accounts.models import Role

MODELS = ("projectcycle", "proposal", "ballot", "ballotitem", "project", "milestone",
          "progressreport", "progressphoto", "supervisiongroup", "inspection")
VIEW = [f"projects.view_{name}" for name in MODELS]
MANAGE = "projects.manage_cycle"
SCREEN = "projects.screen_proposal"
RUN_BALLOT = "projects.run_ballot"
CAST = "projects.cast_ballot"
REPORT = "projects.report_progress"
SUPERVISE = "projects.supervise_project"
PROPOSE = "projects.add_proposal"
# The proposer's name and mobile number in full (elsewhere masked).
VIEW_PRIVATE = "projects.view_proposal_private"
AUTOMATIC = "projects.automatic"


def register() -> None:
    for role in (Role.ADMIN, Role.OFFICE_STAFF):
        grant(role, *VIEW, MANAGE, SCREEN, RUN_BALLOT, SUPERVISE, PROPOSE, REPORT,
              "projects.view_attendance", "projects.view_surveyresponse", VIEW_PRIVATE)
    grant(Role.LEADER, *VIEW, SUPERVISE, "projects.view_attendance")
    grant(Role.DEPUTY, "projects.view_projectcycle", "projects.view_proposal",
          "projects.view_ballot", "projects.view_ballotitem", "projects.view_project",
          "projects.view_milestone", "projects.view_progressreport",
          "projects.view_progressphoto", "projects.view_supervisiongroup",
          "projects.view_inspection", CAST, PROPOSE, SUPERVISE)
    grant(Role.STATION_STAFF, "projects.view_projectcycle", "projects.view_proposal",
          "projects.view_project", PROPOSE)
    for role in (Role.UNIT_HANDLER, Role.UNIT_HEAD):
        grant(role, "projects.view_projectcycle", "projects.view_project",
              "projects.view_milestone", "projects.view_progressreport",
              "projects.view_progressphoto", "projects.view_inspection", REPORT)
