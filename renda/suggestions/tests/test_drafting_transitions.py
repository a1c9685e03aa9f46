"""Every move of the propose and review stages, allowed and forbidden: from each state (the
table of `renda.suggestions.workflow`) and by each role (who holds what on which suggestion).

A role refused is refused before any check of state, so a stranger learns nothing; a state
refused raises TransitionNotAllowed and changes nothing."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from renda.core.workflow import TransitionNotAllowed
from renda.suggestions.models import Suggestion
from renda.suggestions.services import drafting, review
from renda.suggestions.tests.test_drafting_base import CONTENT, SuggestionTestCase, motion_minimum

S = Suggestion.Status
STATES = (S.DRAFT, S.COSIGNING, S.SUBMITTED, S.RETURNED, S.REGISTERED, S.LETTER, S.WITHDRAWN)


def call(action: str, user, pk: int) -> Callable[[], object]:
    calls = {
        "edit": lambda: drafting.suggestion_draft_update(
            actor=user, suggestion_id=pk, title="改过的标题", content=CONTENT, category="urban",
            kind=Suggestion.Kind.SUGGESTION, is_public=True),
        "submit": lambda: drafting.suggestion_submit(actor=user, suggestion_id=pk),
        "confirm": lambda: drafting.suggestion_cosign_confirm(actor=user, suggestion_id=pk),
        "decline": lambda: drafting.suggestion_cosign_decline(actor=user, suggestion_id=pk,
                                                              reason="不熟悉情况"),
        "withdraw": lambda: drafting.suggestion_withdraw(actor=user, suggestion_id=pk,
                                                         reason="已经解决"),
        "register": lambda: review.suggestion_register(actor=user, suggestion_id=pk),
        "return": lambda: review.suggestion_return(actor=user, suggestion_id=pk,
                                                   reason="请补充"),
        "to_letter": lambda: review.suggestion_to_letter(
            actor=user, suggestion_id=pk, reason=review.LetterReason.COURT_CASE),
        "to_suggestion": lambda: review.suggestion_motion_to_suggestion(
            actor=user, suggestion_id=pk, reason="不符合议案条件"),
    }
    return calls[action]


# The states each action starts from, and the role that holds it (by persona name).
TABLE = {
    "edit": ({S.DRAFT, S.RETURNED}, "wang"),
    "submit": ({S.DRAFT, S.RETURNED}, "wang"),
    "confirm": ({S.COSIGNING}, "li"),
    "decline": ({S.COSIGNING}, "li"),
    "withdraw": ({S.DRAFT, S.COSIGNING, S.SUBMITTED, S.RETURNED, S.REGISTERED}, "wang"),
    "register": ({S.SUBMITTED}, "office"),
    "return": ({S.SUBMITTED}, "office"),
    "to_letter": ({S.SUBMITTED}, "office"),
    "to_suggestion": ({S.SUBMITTED}, "office"),
}
# The state each action is tried from by every role.
HOME = {action: S.COSIGNING if action in ("confirm", "decline")
        else S.DRAFT if action in ("edit", "submit") else S.SUBMITTED for action in TABLE}


class TransitionTableTest(SuggestionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Motions with two signatures, so that one co-signer makes a motion.
        motion_minimum(cls.world, 2)
        users = cls.world.users
        cls.personas = {
            "wang": cls.wang, "li": cls.li, "zhao": cls.zhao, "sun": cls.sun,
            "office": cls.office, "admin": users["admin"], "leader": users["leader"],
            "evaluator": users["evaluator"], "station_staff": users["station_staff"],
            "unit_handler": users["unit_handler"], "unit_head": users["unit_head"],
            "outsider": cls.outsider,
        }

    def fresh(self, action: str, status: str) -> Suggestion:
        kind = Suggestion.Kind.MOTION if action == "to_suggestion" else Suggestion.Kind.SUGGESTION
        return self.in_state(status, kind=kind)

    def test_each_action_moves_only_from_its_states(self):
        for action, (sources, persona) in TABLE.items():
            for status in STATES:
                suggestion = self.fresh(action, status)
                attempt = call(action, self.personas[persona], suggestion.pk)
                with self.subTest(action=action, status=status):
                    if status in sources:
                        attempt()
                    else:
                        self.assertRaises(TransitionNotAllowed, attempt)
                        suggestion.refresh_from_db()
                        self.assertEqual(suggestion.status, status)

    def test_each_action_is_refused_to_every_other_role(self):
        allowed = {action: {persona} for action, (_s, persona) in TABLE.items()}
        for action in ("register", "return", "to_letter", "to_suggestion"):
            allowed[action].add("admin")
        for action, (_sources, _persona) in TABLE.items():
            suggestion = self.fresh(action, HOME[action])
            for name, user in self.personas.items():
                if name in allowed[action]:
                    continue
                with self.subTest(action=action, role=name):
                    self.assertRaises(PermissionDenied, call(action, user, suggestion.pk))
            suggestion.refresh_from_db()
            self.assertEqual(suggestion.status, HOME[action])

    def test_each_action_is_open_to_its_roles(self):
        for action, (_sources, persona) in TABLE.items():
            names = [persona] + (["admin"] if persona == "office" else [])
            for name in names:
                suggestion = self.fresh(action, HOME[action])
                with self.subTest(action=action, role=name):
                    call(action, self.personas[name], suggestion.pk)()

    def test_the_automatic_moves_are_refused_to_everyone(self):
        from renda.core.workflow import workflow_apply
        from renda.suggestions.workflow import SUGGESTION

        suggestion = self.in_state(S.COSIGNING)
        for action in ("cosigned", "cosign_failed"):
            for name, user in self.personas.items():
                with self.subTest(action=action, role=name), self.assertRaises(PermissionDenied):
                    workflow_apply(workflow=SUGGESTION, pk=suggestion.pk, action=action,
                                   actor=user)
