"""Status tables of the directory: how a deputy's mandate ends (代表资格终止)."""

from django.utils.translation import gettext_lazy as _

from renda.core.workflow import Transition, Workflow
from renda.directory.models import Mandate

S = Mandate.Status
CHANGE = "directory.change_mandate"

MANDATE = Workflow(
    model=Mandate,
    transitions=(
        Transition("resign", {S.ACTIVE}, S.RESIGNED, permission=CHANGE, label=_("辞去代表职务")),
        Transition("terminate", {S.ACTIVE}, S.TERMINATED, permission=CHANGE,
                   label=_("终止代表资格")),
        Transition("expire", {S.ACTIVE}, S.ENDED, permission=CHANGE, label=_("任期届满")),
    ),
)
