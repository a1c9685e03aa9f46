"""Every action of 交 and 办, allowed and forbidden, per persona: the suggestion is 王建国's,
assigned to 平房区住房和城乡建设局 (lead, the unit personas' unit) and 平房区卫生健康局
(assisting, the `health` persona's unit). A unit cannot act on another unit's assignment, a
deputy cannot handle, the other district's office can do nothing."""

from django.core.exceptions import PermissionDenied, ValidationError

from renda.core.workflow import TransitionNotAllowed, events_of
from renda.suggestions.models import Assignment, ContactRecord, Reply, Suggestion
from renda.suggestions.services import drafting, handling
from renda.suggestions.tests.factories import HandlingTestCase, deputy_account
from renda.suggestions.workflow import ASSIGNMENT, SUGGESTION

PERSONAS = ["admin", "office_staff", "leader", "evaluator", "station_staff", "unit_handler",
            "unit_head", "deputy", "health", "outsider"]
OFFICE = {"admin", "office_staff"}
HOUSING = {"unit_handler", "unit_head"}
A = Assignment.Status


def _assign(t, user, s):
    return handling.suggestion_assign(actor=user, suggestion_id=s.pk,
                                      lead_unit_id=t.units["housing"].pk,
                                      assisting_unit_ids=[t.units["health"].pk])


def _requested(t):
    s = t.assigned()
    handling.assignment_request_reassign(actor=t.handler, assignment_id=t.assignment(s).pk,
                                         reason="供暖管网归热力公司管理")
    return s


def _health_acknowledged(t):
    s = t.assigned()
    t.acknowledged(s, "health")
    return s


def _ready(t):
    s = t.assigned()
    t.ready_to_reply(s)
    return s


# action → (setup, the unit whose assignment is acted on or None for the suggestion, who may,
# the call, the state it ends in)
TABLE = {
    "assign": (lambda t: t.registered(), None, OFFICE, _assign, Suggestion.Status.ASSIGNED),
    "acknowledge": (lambda t: t.assigned(), "housing", HOUSING,
                    lambda t, u, a: handling.assignment_acknowledge(actor=u, assignment_id=a.pk),
                    A.ACKNOWLEDGED),
    "request_reassign": (lambda t: t.assigned(), "housing", HOUSING,
                         lambda t, u, a: handling.assignment_request_reassign(
                             actor=u, assignment_id=a.pk, reason="不属于本单位职责"),
                         A.REASSIGN_REQUESTED),
    "reassign_approve": (_requested, "housing", OFFICE,
                         lambda t, u, a: handling.assignment_reassign_approve(
                             actor=u, assignment_id=a.pk), A.CANCELLED),
    "reassign_refuse": (_requested, "housing", OFFICE,
                        lambda t, u, a: handling.assignment_reassign_refuse(
                            actor=u, assignment_id=a.pk, reason="属于住建局监管职责"),
                        A.ACKNOWLEDGED),
    "send_opinion": (_health_acknowledged, "health", {"health"},
                     lambda t, u, a: handling.assignment_send_opinion(
                         actor=u, assignment_id=a.pk, body="建议同步改造社区卫生站供暖。"),
                     A.OPINION_SENT),
    "reply": (_ready, "housing", HOUSING, lambda t, u, a: t.reply_as(u, a), A.REPLIED),
}
# Actions that are no transition of the table: the state stays.
EXTRA = {
    "extend": (lambda t: t.assigned(), "housing", OFFICE,
               lambda t, u, a: handling.assignment_extend(actor=u, assignment_id=a.pk, amount=2),
               A.ASSIGNED),
    "contact": (lambda t: _ready(t), "housing", HOUSING, lambda t, u, a: t.contact_as(u, a),
                A.ACKNOWLEDGED),
}


class TransitionTableTest(HandlingTestCase):
    def persona(self, key: str):
        return {"health": self.health, "outsider": self.world.outsider}.get(key) or (
            self.world.users[key])

    def reply_as(self, user, assignment) -> Reply:
        return handling.assignment_reply(actor=user, assignment_id=assignment.pk, category="A",
                                         body="已列入改造计划。", signer="刘局长")

    def contact_as(self, user, assignment) -> ContactRecord:
        return handling.contact_record_add(
            actor=user, assignment_id=assignment.pk, method=ContactRecord.Method.PHONE,
            contacted_on=assignment.assigned_at.date(), participants="王建国代表",
            note="电话沟通改造安排。")

    def target(self, suggestion: Suggestion, unit: str | None):
        return suggestion if unit is None else self.assignment(suggestion, unit)

    def test_the_table_covers_every_action_of_this_stage(self):
        mine = {"assign", "replied"} | {t.action for t in ASSIGNMENT.transitions}
        self.assertEqual(set(TABLE) | {"replied", "rehandle"}, mine)

    def test_it_allows_and_forbids_each_action_per_persona(self):
        for action, (setup, unit, allowed, call, target) in {**TABLE, **EXTRA}.items():
            workflow = SUGGESTION if unit is None else ASSIGNMENT
            for key in PERSONAS:
                with self.subTest(action=action, persona=key):
                    obj = self.target(setup(self), unit)
                    before, user = obj.status, self.persona(key)
                    if action in TABLE:
                        offered = {t.action for t in workflow.available(obj, user)}
                        self.assertEqual(action in offered, key in allowed)
                    if key in allowed:
                        call(self, user, obj)
                        obj.refresh_from_db()
                        self.assertEqual(obj.status, target)
                        last = events_of(obj).order_by("-id").first()
                        self.assertEqual((last.action, last.actor), (action, user))
                    else:
                        with self.assertRaises(PermissionDenied):
                            call(self, user, obj)
                        obj.refresh_from_db()
                        self.assertEqual(obj.status, before)

    def test_a_transition_from_the_wrong_state_is_refused(self):
        suggestion = self.assigned()
        lead = self.assignment(suggestion)
        cases = [
            ("assigning twice", lambda: _assign(self, self.office, suggestion)),
            ("replying before acknowledging", lambda: self.reply_as(self.handler, lead)),
            ("a contact before acknowledging", lambda: self.contact_as(self.handler, lead)),
            ("deciding on no request", lambda: handling.assignment_reassign_approve(
                actor=self.office, assignment_id=lead.pk)),
            ("refusing no request", lambda: handling.assignment_reassign_refuse(
                actor=self.office, assignment_id=lead.pk, reason="无")),
        ]
        for name, call in cases:
            with self.subTest(name), self.assertRaises(TransitionNotAllowed):
                call()
        handling.assignment_acknowledge(actor=self.handler, assignment_id=lead.pk)
        with self.assertRaises(TransitionNotAllowed):
            handling.assignment_acknowledge(actor=self.head, assignment_id=lead.pk)

    def test_roles_keep_to_their_part(self):
        suggestion = self.assigned()
        lead = self.ready_to_reply(suggestion)
        assisting = self.acknowledged(suggestion, "health")
        with self.assertRaisesMessage(ValidationError, "只有协办单位送协办意见"):
            handling.assignment_send_opinion(actor=self.handler, assignment_id=lead.pk,
                                             body="意见")
        with self.assertRaisesMessage(ValidationError, "协办单位不直接答复代表"):
            handling.assignment_reply(actor=self.health, assignment_id=assisting.pk,
                                      category="A", body="答复", signer="王局长")
        lead.refresh_from_db()
        assisting.refresh_from_db()
        self.assertEqual((lead.status, assisting.status), (A.ACKNOWLEDGED, A.ACKNOWLEDGED))

    def test_units_cannot_act_on_a_withdrawn_suggestion(self):
        suggestion = self.assigned()
        drafting.suggestion_withdraw(actor=deputy_account(self.world, "wang"),
                                     suggestion_id=suggestion.pk, reason="问题已自行解决")
        with self.assertRaisesMessage(TransitionNotAllowed, "已撤回或已办结"):
            handling.assignment_acknowledge(actor=self.handler,
                                            assignment_id=self.assignment(suggestion).pk)
