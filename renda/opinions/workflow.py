"""The intake loop of DOMAIN §3 as a table: triage, transfer, handling, feedback and rating.

The citizen's own actions (rate, reopen) name the pseudo-permission `CITIZEN`, which no role
holds: `workflow_apply` refuses them to every user, and `services.opinion_rate` and
`services.opinion_reopen` apply them after checking the tracking secret instead.
"""

from django.utils.translation import gettext_lazy as _

from renda.core.workflow import Transition, Workflow
from renda.opinions.models import Opinion

S = Opinion.Status
TRIAGE = "opinions.triage_opinion"
HANDLE = "opinions.handle_opinion"
APPROVE_EXTENSION = "opinions.approve_extension"
CONFIRM = "opinions.confirm_opinion"
CITIZEN = "opinions.tracking_secret"

# Where a triage outcome leads; the service takes the outcome's action name.
TRIAGE_OUTCOMES = ("answer_on_spot", "handle_in_station", "convert", "decline")

OPINION = Workflow(
    model=Opinion,
    transitions=(
        Transition("answer_on_spot", {S.RECEIVED}, S.ANSWERED_ON_SPOT, permission=TRIAGE,
                   label=_("当场答复")),
        Transition("handle_in_station", {S.RECEIVED}, S.HANDLED_IN_STATION, permission=TRIAGE,
                   label=_("站内办结")),
        Transition("transfer", {S.RECEIVED}, S.TRANSFERRED, permission=TRIAGE,
                   label=_("交办承办单位")),
        Transition("convert", {S.RECEIVED}, S.CONVERTED, permission=TRIAGE,
                   label=_("转为代表建议")),
        Transition("decline", {S.RECEIVED}, S.DECLINED, permission=TRIAGE,
                   label=_("不予受理")),
        Transition("accept", {S.TRANSFERRED}, S.ACCEPTED, permission=HANDLE,
                   label=_("签收")),
        Transition("return", {S.TRANSFERRED}, S.RECEIVED, permission=HANDLE,
                   label=_("申请退回")),
        Transition("extend", {S.ACCEPTED}, S.ACCEPTED, permission=APPROVE_EXTENSION,
                   label=_("批准延期")),
        Transition("reply", {S.ACCEPTED}, S.REPLIED, permission=HANDLE, label=_("答复")),
        Transition("confirm", {S.REPLIED}, S.CONFIRMED, permission=CONFIRM,
                   label=_("结果反馈")),
        Transition("rate", {S.CONFIRMED}, S.CLOSED, permission=CITIZEN,
                   label=_("评价（满意或基本满意）")),
        Transition("rate_dissatisfied", {S.CONFIRMED}, S.DISSATISFIED, permission=CITIZEN,
                   label=_("评价（不满意）")),
        Transition("reopen", {S.DISSATISFIED}, S.TRANSFERRED, permission=CITIZEN,
                   label=_("重新办理")),
    ),
)
