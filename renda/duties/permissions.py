"""What each role may do with duty records, points, duty reports and star ratings; scoping
comes from each model's ACCESS_SCOPES (a deputy sees his or her own records and card, a
station's staff those of the deputies assigned to the station, the office all of its congress).
Nobody holds "duties.automatic": automatic records and closing moves are the services' own."""

from renda.accounts.access import grant
from renda.accounts.models import Role

MODELS = ("dutyrecord", "dutyphoto", "pointsscheme", "pointsrule", "quota", "scorecard",
          "scoreline", "dutyreportround", "dutyreport", "reporttally", "starround",
          "starcandidate", "starreviewscore")
VIEW = [f"duties.view_{name}" for name in MODELS]
RECORD = "duties.record_duty"
RECORD_FOR_OTHERS = "duties.record_duty_for_others"
REJECT = "duties.reject_duty"
MANAGE_POINTS = "duties.manage_points"
MANAGE_REPORTS = "duties.manage_duty_reports"
SUBMIT_REPORT = "duties.submit_duty_report"
MANAGE_STARS = "duties.manage_star_round"
NOMINATE = "duties.nominate_star"
REVIEW_STAR = "duties.review_star"
DECIDE_STAR = "duties.decide_star"
AUTOMATIC = "duties.automatic"


def register() -> None:
    for role in (Role.ADMIN, Role.OFFICE_STAFF):
        grant(role, *VIEW, RECORD, RECORD_FOR_OTHERS, REJECT, MANAGE_POINTS, MANAGE_REPORTS,
              MANAGE_STARS, NOMINATE, DECIDE_STAR)
    grant(Role.LEADER, *VIEW, REVIEW_STAR, DECIDE_STAR)
    grant(Role.EVALUATOR, "duties.view_starround", "duties.view_starcandidate",
          "duties.view_starreviewscore", REVIEW_STAR)
    grant(Role.STATION_STAFF, "duties.view_dutyrecord", "duties.view_dutyphoto",
          "duties.view_scorecard", "duties.view_scoreline", "duties.view_dutyreport",
          "duties.view_starround", "duties.view_starcandidate", RECORD, RECORD_FOR_OTHERS,
          REJECT, NOMINATE)
    grant(Role.DEPUTY, "duties.view_dutyrecord", "duties.view_dutyphoto",
          "duties.view_scorecard", "duties.view_scoreline", "duties.view_dutyreport",
          "duties.view_starround", "duties.view_starcandidate", RECORD, SUBMIT_REPORT, NOMINATE)
