"""The workflow engine on its first table, the end of a deputy's mandate: every allowed and
forbidden transition per role, the row's event, and the generated docs."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import TestCase

from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import Mandate
from renda.directory.services import mandate_end
from renda.directory.testing import build_world
from renda.directory.workflow import MANDATE

END = datetime.date(2026, 6, 30)
# persona → may end a 平房区 mandate
ALLOWED = {
    "admin": True, "office_staff": True, "leader": False, "evaluator": False,
    "station_staff": False, "unit_handler": False, "unit_head": False, "deputy": False,
}


class MandateWorkflowTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def mandate(self) -> Mandate:
        return Mandate.objects.get(deputy=self.world.deputies["li"],
                                   term=self.world.terms["pingfang"])

    def test_each_role_may_or_may_not_end_a_mandate(self):
        for persona, allowed in ALLOWED.items():
            user = self.world.users[persona]
            for action in ("resign", "terminate", "expire"):
                with self.subTest(persona=persona, action=action):
                    mandate = self.mandate()
                    offered = {t.action for t in MANDATE.available(mandate, user)}
                    self.assertEqual(action in offered, allowed)
                    if not allowed:
                        with self.assertRaises(PermissionDenied):
                            mandate_end(actor=user, mandate_id=mandate.pk, action=action,
                                        end_date=END)
                        self.assertEqual(self.mandate().status, Mandate.Status.ACTIVE)

    def test_another_district_cannot_end_it(self):
        with self.assertRaises(PermissionDenied):
            mandate_end(actor=self.world.outsider, mandate_id=self.mandate().pk,
                        action="resign", end_date=END)

    def test_resignation_saves_the_state_and_appends_an_event(self):
        office = self.world.users["office_staff"]
        mandate = mandate_end(actor=office, mandate_id=self.mandate().pk, action="resign",
                              end_date=END, note="本人书面提出辞职")
        mandate.refresh_from_db()
        self.assertEqual(mandate.status, Mandate.Status.RESIGNED)
        self.assertEqual(mandate.end_date, END)
        [event] = events_of(mandate)
        self.assertEqual((event.action, event.from_status, event.to_status),
                         ("resign", "active", "resigned"))
        self.assertEqual(event.actor, office)
        self.assertEqual(event.note, "本人书面提出辞职")
        self.assertEqual(event.data, {"end_date": "2026-06-30"})
        # The audit history records the same change with its author.
        latest = mandate.history.first()
        self.assertEqual((latest.history_type, latest.history_user), ("~", office))

    def test_an_ended_mandate_cannot_end_again(self):
        office = self.world.users["office_staff"]
        pk = self.mandate().pk
        mandate_end(actor=office, mandate_id=pk, action="expire", end_date=END)
        for action in ("resign", "terminate", "expire"):
            with self.subTest(action=action), self.assertRaises(TransitionNotAllowed):
                mandate_end(actor=office, mandate_id=pk, action=action, end_date=END)
        self.assertEqual(len(events_of(self.mandate())), 1)
        self.assertEqual(MANDATE.available(self.mandate(), office), [])

    def test_the_workflow_docs_are_up_to_date(self):
        call_command("workflow_docs", check=True, verbosity=0)
