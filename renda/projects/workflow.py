"""The cycle's, the proposals' and the ballots' steps as tables (`renda.core.workflow`)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.workflow import Transition, Workflow
from renda.projects.models import Ballot, ProjectCycle, Proposal

C = ProjectCycle.Status
P = Proposal.Status
B = Ballot.Status
MANAGE = "projects.manage_cycle"
SCREEN = "projects.screen_proposal"
RUN_BALLOT = "projects.run_ballot"
AUTOMATIC = "projects.automatic"

CYCLE = Workflow(
    model=ProjectCycle,
    transitions=(
        Transition("close_collection", {C.COLLECTING}, C.SCREENING, permission=MANAGE,
                   label=_("结束征集，开始初选")),
        Transition("close_screening", {C.SCREENING}, C.SHORTLISTING, permission=MANAGE,
                   label=_("结束初选，提请常委会审议")),
        Transition("fix_shortlist", {C.SHORTLISTING}, C.VOTING, permission=MANAGE,
                   label=_("确定候选项目，提请代表票决")),
        Transition("chosen", {C.VOTING}, C.IMPLEMENTING, permission=AUTOMATIC,
                   label=_("票决结果公布，进入实施")),
        Transition("start_evaluation", {C.IMPLEMENTING}, C.EVALUATING, permission=MANAGE,
                   label=pgettext_lazy("project cycle", "开始测评")),
        Transition("report", {C.EVALUATING}, C.REPORTED, permission=MANAGE,
                   label=_("通报结果")),
    ),
)

PROPOSAL = Workflow(
    model=Proposal,
    transitions=(
        Transition("accept", {P.SUBMITTED, P.REJECTED}, P.ACCEPTED, permission=SCREEN,
                   label=_("通过初选")),
        Transition("reject", {P.SUBMITTED, P.ACCEPTED}, P.REJECTED, permission=SCREEN,
                   label=_("不通过初选（说明理由）")),
        Transition("shortlist", {P.ACCEPTED}, P.CANDIDATE, permission=MANAGE,
                   label=_("列为候选项目")),
        Transition("unshortlist", {P.CANDIDATE}, P.ACCEPTED, permission=MANAGE,
                   label=_("移出候选项目")),
        Transition("chosen", {P.CANDIDATE}, P.CHOSEN, permission=AUTOMATIC,
                   label=_("票决确定")),
        Transition("not_chosen", {P.CANDIDATE}, P.NOT_CHOSEN, permission=AUTOMATIC,
                   label=_("未当选")),
    ),
)

BALLOT = Workflow(
    model=Ballot,
    transitions=(
        Transition("open", {B.PREPARED}, B.OPEN, permission=RUN_BALLOT, label=_("开始投票")),
        Transition("close", {B.OPEN}, B.CLOSED, permission=RUN_BALLOT, label=_("结束投票并计票")),
        Transition("fail", {B.OPEN}, B.FAILED, permission=RUN_BALLOT,
                   label=_("结束投票（未达法定人数）")),
        Transition("publish", {B.CLOSED}, B.PUBLISHED, permission=RUN_BALLOT,
                   label=_("公布结果")),
    ),
)
