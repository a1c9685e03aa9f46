"""The duty report's and the star round's steps as tables (`renda.core.workflow`).

A duty report: selected → submitted (the deputy's text) → voting (codes issued) → closed (the
tally written onto the report) → published; a selected deputy may be excused. A star round:
nominating → reviewing → voting → deciding → published.
"""

from django.utils.translation import gettext_lazy as _

from renda.core.workflow import Transition, Workflow
from renda.duties.models import DutyReport, StarRound

R = DutyReport.Status
S = StarRound.Status
MANAGE_REPORTS = "duties.manage_duty_reports"
SUBMIT_REPORT = "duties.submit_duty_report"
MANAGE_STARS = "duties.manage_star_round"
DECIDE_STAR = "duties.decide_star"

DUTY_REPORT = Workflow(
    model=DutyReport,
    transitions=(
        Transition("submit", {R.SELECTED, R.SUBMITTED}, R.SUBMITTED, permission=SUBMIT_REPORT,
                   label=_("提交述职报告")),
        Transition("submit_for", {R.SELECTED, R.SUBMITTED}, R.SUBMITTED,
                   permission=MANAGE_REPORTS, label=_("代为录入述职报告")),
        Transition("open_vote", {R.SUBMITTED}, R.VOTING, permission=MANAGE_REPORTS,
                   label=_("开始测评")),
        Transition("close_vote", {R.VOTING}, R.CLOSED, permission=MANAGE_REPORTS,
                   label=_("结束测评")),
        Transition("publish", {R.CLOSED}, R.PUBLISHED, permission=MANAGE_REPORTS,
                   label=_("公布结果")),
        Transition("excuse", {R.SELECTED, R.SUBMITTED}, R.EXCUSED, permission=MANAGE_REPORTS,
                   label=_("取消述职")),
    ),
)

STAR_ROUND = Workflow(
    model=StarRound,
    transitions=(
        Transition("start_review", {S.NOMINATING}, S.REVIEWING, permission=MANAGE_STARS,
                   label=_("结束申报，开始评审")),
        Transition("open_vote", {S.REVIEWING}, S.VOTING, permission=MANAGE_STARS,
                   label=_("开始网络投票")),
        Transition("close_vote", {S.VOTING}, S.DECIDING, permission=MANAGE_STARS,
                   label=_("结束投票，提交评审组")),
        Transition("publish", {S.DECIDING}, S.PUBLISHED, permission=DECIDE_STAR,
                   label=_("公布评定结果")),
    ),
)
