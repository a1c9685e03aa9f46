"""Every staff transition of the intake loop, allowed and forbidden, per persona of
`build_world()`: the item is addressed to 兴建街道's station and to 王建国 (the deputy persona),
and transferred to 平房区住房和城乡建设局 (the unit personas' unit)."""

from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.testing import PASSWORD
from renda.opinions import services
from renda.opinions.tests.helpers import OpinionTestCase
from renda.opinions.workflow import OPINION

PERSONAS = ["admin", "office_staff", "leader", "evaluator", "station_staff", "unit_handler",
            "unit_head", "deputy"]
TRIAGERS = {"admin", "office_staff", "station_staff", "deputy"}
HANDLERS = {"unit_handler", "unit_head"}
# action → (the state it starts from, who may take it, how to call it)
TABLE = {
    "answer_on_spot": ("received", TRIAGERS, lambda t, u, pk: services.opinion_triage(
        actor=u, opinion_id=pk, outcome="answer_on_spot", note="已当场解释政策")),
    "handle_in_station": ("received", TRIAGERS, lambda t, u, pk: services.opinion_triage(
        actor=u, opinion_id=pk, outcome="handle_in_station")),
    "convert": ("received", TRIAGERS, lambda t, u, pk: services.opinion_triage(
        actor=u, opinion_id=pk, outcome="convert")),
    "decline": ("received", TRIAGERS, lambda t, u, pk: services.opinion_triage(
        actor=u, opinion_id=pk, outcome="decline", reason="duplicate")),
    "transfer": ("received", TRIAGERS, lambda t, u, pk: services.opinion_transfer(
        actor=u, opinion_id=pk, unit_id=t.world.units["housing"].pk)),
    "accept": ("transferred", HANDLERS, lambda t, u, pk: services.opinion_accept(
        actor=u, opinion_id=pk)),
    "return": ("transferred", HANDLERS, lambda t, u, pk: services.opinion_return(
        actor=u, opinion_id=pk, reason="路灯归城管局管理")),
    "extend": ("accepted", {"admin", "office_staff"}, lambda t, u, pk: services.opinion_extend(
        actor=u, opinion_id=pk, amount=5)),
    "reply": ("accepted", HANDLERS, lambda t, u, pk: services.opinion_reply(
        actor=u, opinion_id=pk, body="已修复")),
    "confirm": ("replied", {"admin", "office_staff", "station_staff"},
                lambda t, u, pk: services.opinion_confirm(actor=u, opinion_id=pk)),
}
TARGETS = {"answer_on_spot": "answered_on_spot", "handle_in_station": "handled_in_station",
           "convert": "converted", "decline": "declined", "transfer": "transferred",
           "accept": "accepted", "return": "received", "extend": "accepted",
           "reply": "replied", "confirm": "confirmed"}
CITIZEN_ONLY = {"rate", "rate_dissatisfied", "reopen"}


class TransitionTableTest(OpinionTestCase):
    def test_the_table_covers_every_staff_action(self):
        self.assertEqual(set(TABLE) | CITIZEN_ONLY, {t.action for t in OPINION.transitions})

    def test_it_allows_and_forbids_each_action_per_persona(self):
        for action, (state, allowed, call) in TABLE.items():
            for persona in PERSONAS:
                with self.subTest(action=action, persona=persona):
                    opinion, _ = self.opinion_in(state)
                    user = self.world.users[persona]
                    offered = {t.action for t in OPINION.available(opinion, user)}
                    self.assertEqual(action in offered, persona in allowed)
                    if persona in allowed:
                        call(self, user, opinion.pk)
                        opinion.refresh_from_db()
                        self.assertEqual(opinion.status, TARGETS[action])
                        last = events_of(opinion).order_by("-id").first()
                        self.assertEqual((last.action, last.from_status, last.to_status,
                                          last.actor), (action, state, TARGETS[action], user))
                    else:
                        with self.assertRaises(PermissionDenied):
                            call(self, user, opinion.pk)
                        opinion.refresh_from_db()
                        self.assertEqual(opinion.status, state)

    def test_the_outsider_can_do_nothing(self):
        for action, (state, _allowed, call) in TABLE.items():
            with self.subTest(action=action):
                opinion, _ = self.opinion_in(state)
                self.assertEqual(OPINION.available(opinion, self.world.outsider), [])
                with self.assertRaises(PermissionDenied):
                    call(self, self.world.outsider, opinion.pk)

    def test_no_user_may_take_the_citizens_actions(self):
        opinion, _ = self.opinion_in("confirmed")
        for persona in PERSONAS:
            offered = {t.action for t in OPINION.available(opinion, self.world.users[persona])}
            self.assertFalse(offered & CITIZEN_ONLY, persona)

    def test_actions_from_the_wrong_state_are_refused(self):
        for action, (state, allowed, call) in TABLE.items():
            wrong = "confirmed" if state != "confirmed" else "received"
            with self.subTest(action=action):
                opinion, _ = self.opinion_in(wrong)
                with self.assertRaises(TransitionNotAllowed):
                    call(self, self.world.users[sorted(allowed)[0]], opinion.pk)


class ScopeTest(OpinionTestCase):
    def test_a_unit_cannot_act_on_an_item_assigned_to_another_unit(self):
        opinion, _ = self.opinion_in("transferred", unit="health")
        for persona in HANDLERS:
            user = self.world.users[persona]
            self.assertEqual(OPINION.available(opinion, user), [])
            with self.assertRaises(PermissionDenied):
                services.opinion_accept(actor=user, opinion_id=opinion.pk)
            with self.assertRaises(PermissionDenied):
                services.opinion_return(actor=user, opinion_id=opinion.pk, reason="不归我们")

    def test_a_unit_cannot_reply_to_an_accepted_item_of_another_unit(self):
        health = User.objects.create_user(username="health", password=PASSWORD)
        RoleAssignment.objects.create(user=health, role=Role.UNIT_HANDLER,
                                      congress=self.world.congresses["pingfang"],
                                      unit=self.world.units["health"])
        opinion, _ = self.opinion_in("transferred", unit="health")
        services.opinion_accept(actor=health, opinion_id=opinion.pk)
        with self.assertRaises(PermissionDenied):
            services.opinion_reply(actor=self.handler, opinion_id=opinion.pk, body="已修复")

    def test_the_deputy_and_the_station_triage_only_items_addressed_to_them(self):
        opinion, _ = self.submit(station="youxie", deputy="zhao")
        for persona in ("deputy", "station_staff"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                services.opinion_triage(actor=self.world.users[persona], opinion_id=opinion.pk,
                                        outcome="answer_on_spot")
        # The district's office still may.
        services.opinion_triage(actor=self.office, opinion_id=opinion.pk,
                                outcome="answer_on_spot")

    def test_an_item_cannot_go_to_another_districts_unit(self):
        opinion, _ = self.submit()
        with self.assertRaises(services.ValidationError):
            services.opinion_transfer(actor=self.office, opinion_id=opinion.pk,
                                      unit_id=self.world.units["songbei_gov"].pk)


class DeclineTest(OpinionTestCase):
    def test_it_needs_a_reason_from_the_list(self):
        opinion, _ = self.submit()
        with self.assertRaises(services.ValidationError):
            services.opinion_triage(actor=self.office, opinion_id=opinion.pk,
                                    outcome="decline", reason="不想办")
        services.opinion_triage(actor=self.office, opinion_id=opinion.pk, outcome="decline",
                                reason="in_litigation", note="已告知其通过行政复议渠道解决")
        opinion.refresh_from_db()
        self.assertEqual((opinion.status, opinion.decline_reason),
                         ("declined", "in_litigation"))
        self.assertIsNotNone(opinion.concluded_at)
        self.assertEqual(events_of(opinion).last().data, {"reason": "in_litigation"})


class ReturnTest(OpinionTestCase):
    def test_a_returned_item_goes_back_to_triage_without_a_unit(self):
        opinion, _ = self.opinion_in("transferred")
        services.opinion_return(actor=self.handler, opinion_id=opinion.pk, reason="不属本局职责")
        opinion.refresh_from_db()
        self.assertEqual((opinion.status, opinion.assigned_unit, opinion.due_at),
                         ("received", None, None))
        event = events_of(opinion).last()
        self.assertEqual((event.note, event.data),
                         ("不属本局职责", {"unit": self.world.units["housing"].pk}))
        # And can be sent on to the right unit.
        services.opinion_transfer(actor=self.office, opinion_id=opinion.pk,
                                  unit_id=self.world.units["health"].pk)

    def test_it_needs_a_reason(self):
        opinion, _ = self.opinion_in("transferred")
        with self.assertRaises(services.ValidationError):
            services.opinion_return(actor=self.handler, opinion_id=opinion.pk, reason="  ")


class ReplyTest(OpinionTestCase):
    def test_the_reply_is_stored_with_its_unit_and_author(self):
        opinion, _ = self.opinion_in("replied")
        [reply] = opinion.replies.all()
        self.assertEqual((reply.unit, reply.author, reply.body, reply.is_final),
                         (self.world.units["housing"], self.handler, "已更换路灯。", True))
        self.assertEqual(reply.history.first().history_user, self.handler)


class DocsTest(OpinionTestCase):
    def test_the_workflow_docs_are_up_to_date(self):
        call_command("workflow_docs", check=True, verbosity=0)
