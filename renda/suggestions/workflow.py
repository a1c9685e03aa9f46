"""The closed loop of DOMAIN §4 as two tables: one for the suggestion, one for each unit's
assignment. Services in `renda.suggestions.services` carry them out; some moves happen on their
own when a condition is met (the last co-signer confirms, the last unit replies), done by the
service with `workflow_move(check_permission=False)` and logged with the acting user.
An approved extension changes an assignment's deadline, not its state: the service appends an
"extend" event (permission `APPROVE_EXTENSION`).
"""

from django.utils.translation import gettext_lazy as _

from renda.core.workflow import Transition, Workflow
from renda.suggestions.models import Assignment, Suggestion

S = Suggestion.Status
A = Assignment.Status
PROPOSE = "suggestions.propose_suggestion"
REVIEW = "suggestions.review_suggestion"
ASSIGN = "suggestions.assign_suggestion"
HANDLE = "suggestions.handle_suggestion"
APPROVE_EXTENSION = "suggestions.approve_suggestion_extension"
EVALUATE = "suggestions.evaluate_suggestion"
SUPERVISE = "suggestions.supervise_suggestion"
# Moves the services make on their own once a condition holds; no role holds this.
AUTOMATIC = "suggestions.automatic"

WITHDRAWABLE = {S.DRAFT, S.COSIGNING, S.SUBMITTED, S.RETURNED, S.REGISTERED, S.ASSIGNED}

SUGGESTION = Workflow(
    model=Suggestion,
    transitions=(
        Transition("submit", {S.DRAFT, S.RETURNED}, S.COSIGNING, permission=PROPOSE,
                   label=_("提交联名")),
        Transition("submit_alone", {S.DRAFT, S.RETURNED}, S.SUBMITTED, permission=PROPOSE,
                   label=_("提交")),
        Transition("cosigned", {S.COSIGNING}, S.SUBMITTED, permission=AUTOMATIC,
                   label=_("联名代表全部确认")),
        Transition("cosign_failed", {S.COSIGNING}, S.DRAFT, permission=AUTOMATIC,
                   label=_("联名代表拒绝，退回草稿")),
        Transition("register", {S.SUBMITTED}, S.REGISTERED, permission=REVIEW,
                   label=_("立案")),
        Transition("return", {S.SUBMITTED}, S.RETURNED, permission=REVIEW,
                   label=_("退回代表")),
        Transition("to_letter", {S.SUBMITTED}, S.LETTER, permission=REVIEW,
                   label=_("转为来信处理")),
        Transition("assign", {S.REGISTERED}, S.ASSIGNED, permission=ASSIGN, label=_("交办")),
        Transition("replied", {S.ASSIGNED, S.REHANDLING}, S.REPLIED, permission=AUTOMATIC,
                   label=_("承办单位全部答复")),
        Transition("evaluate", {S.REPLIED}, S.CLOSED, permission=EVALUATE,
                   label=_("评价（满意或基本满意）")),
        Transition("evaluate_dissatisfied", {S.REPLIED}, S.REHANDLING, permission=EVALUATE,
                   label=_("评价（不满意，重新办理）")),
        Transition("close", {S.REPLIED}, S.CLOSED, permission=AUTOMATIC,
                   label=_("重新办理后评价，办结")),
        Transition("withdraw", WITHDRAWABLE, S.WITHDRAWN, permission=PROPOSE,
                   label=_("撤回")),
    ),
)

ASSIGNMENT = Workflow(
    model=Assignment,
    transitions=(
        Transition("acknowledge", {A.ASSIGNED}, A.ACKNOWLEDGED, permission=HANDLE,
                   label=_("签收")),
        Transition("request_reassign", {A.ASSIGNED, A.ACKNOWLEDGED}, A.REASSIGN_REQUESTED,
                   permission=HANDLE, label=_("申请调整交办")),
        Transition("reassign_approve", {A.REASSIGN_REQUESTED}, A.CANCELLED, permission=ASSIGN,
                   label=_("同意调整")),
        Transition("reassign_refuse", {A.REASSIGN_REQUESTED}, A.ACKNOWLEDGED,
                   permission=ASSIGN, label=_("不同意调整")),
        Transition("send_opinion", {A.ACKNOWLEDGED}, A.OPINION_SENT, permission=HANDLE,
                   label=_("送协办意见")),
        Transition("reply", {A.ACKNOWLEDGED, A.REHANDLING}, A.REPLIED, permission=HANDLE,
                   label=_("答复")),
        Transition("rehandle", {A.REPLIED}, A.REHANDLING, permission=AUTOMATIC,
                   label=_("重新办理")),
    ),
)
