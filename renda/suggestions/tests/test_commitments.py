"""The commitments ledger (跨年度台账): every B reply's promise, across years, until the unit
fulfils or re-plans it; the office sees all of its congress, a unit its own."""

import datetime

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from renda.core.workflow import TransitionNotAllowed, events_of
from renda.suggestions.models import Commitment
from renda.suggestions.selectors.supervision import commitment_ledger, ledger_choices
from renda.suggestions.services.supervision import (
    commitment_fulfil,
    commitment_progress,
    commitment_replan,
)
from renda.suggestions.tests.states import SuggestionTestCase, handler_of, replied

C = Commitment.Status


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


def commitment_of(world, *categories, moment="2025-03-10 10:00") -> Commitment:
    with at(moment):
        suggestion = replied(world, *(categories or ("B",)))
    return Commitment.objects.filter(reply__assignment__suggestion=suggestion).latest("id")


class CommitmentTestCase(SuggestionTestCase):
    def commitment(self, *categories, **options) -> Commitment:
        return commitment_of(self.world, *categories, **options)


class CommitmentWritesTest(CommitmentTestCase):
    def test_a_b_reply_opens_a_commitment_with_its_promised_date(self):
        commitment = self.commitment()
        self.assertEqual((commitment.status, commitment.unit, commitment.promised_date),
                         (C.OPEN, self.world.units["housing"], datetime.date(2025, 12, 31)))

    def test_the_unit_records_progress_and_earlier_accounts_stay_in_the_events(self):
        commitment = self.commitment()
        for text in ("已完成设计招标", "已开工，完成 40%"):
            commitment_progress(actor=self.handler, commitment_id=commitment.pk, progress=text)
        commitment.refresh_from_db()
        self.assertEqual((commitment.progress, commitment.status), ("已开工，完成 40%", C.OPEN))
        self.assertEqual([(e.action, e.note, e.actor) for e in events_of(commitment)],
                         [("progress", "已完成设计招标", self.handler),
                          ("progress", "已开工，完成 40%", self.handler)])
        self.assertEqual(commitment.history.first().history_user, self.handler)

    def test_the_unit_marks_it_fulfilled_and_then_it_is_closed_to_changes(self):
        commitment = self.commitment()
        with at("2025-11-20 10:00"):
            commitment_fulfil(actor=self.world.users["unit_head"], commitment_id=commitment.pk,
                              progress="人行道修缮完工并通过验收")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, C.FULFILLED)
        self.assertEqual(commitment.fulfilled_at,
                         datetime.datetime.fromisoformat("2025-11-20 10:00 +08:00"))
        event = events_of(commitment).last()
        self.assertEqual((event.action, event.from_status, event.to_status),
                         ("fulfil", C.OPEN, C.FULFILLED))
        for write in (
            lambda: commitment_progress(actor=self.handler, commitment_id=commitment.pk,
                                        progress="补充"),
            lambda: commitment_fulfil(actor=self.handler, commitment_id=commitment.pk,
                                      progress="再次"),
            lambda: commitment_replan(actor=self.handler, commitment_id=commitment.pk,
                                      promised_date=datetime.date(2030, 1, 1), reason="x"),
        ):
            with self.assertRaises(TransitionNotAllowed):
                write()

    def test_a_replan_moves_the_date_with_a_reason_and_stays_unfinished(self):
        commitment = self.commitment()
        with at("2025-12-01 10:00"):
            commitment_replan(actor=self.handler, commitment_id=commitment.pk,
                              promised_date=datetime.date(2026, 6, 30),
                              reason="冬季无法施工，顺延至明年上半年")
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.promised_date, commitment.reminded_at),
                         (C.REPLANNED, datetime.date(2026, 6, 30), None))
        event = events_of(commitment).last()
        self.assertEqual((event.action, event.note, event.data),
                         ("replan", "冬季无法施工，顺延至明年上半年",
                          {"from": "2025-12-31", "to": "2026-06-30"}))
        with at("2026-06-01 10:00"):
            commitment_fulfil(actor=self.handler, commitment_id=commitment.pk, progress="完工")
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, C.FULFILLED)

    def test_bad_input_changes_nothing(self):
        commitment = self.commitment()
        with at("2025-12-01 10:00"):
            for write in (
                lambda: commitment_progress(actor=self.handler, commitment_id=commitment.pk,
                                            progress="   "),
                lambda: commitment_fulfil(actor=self.handler, commitment_id=commitment.pk,
                                          progress=""),
                lambda: commitment_replan(actor=self.handler, commitment_id=commitment.pk,
                                          promised_date=datetime.date(2025, 12, 1),
                                          reason="今天不行"),
                lambda: commitment_replan(actor=self.handler, commitment_id=commitment.pk,
                                          promised_date=datetime.date(2026, 3, 1), reason=""),
            ):
                with self.assertRaises(ValidationError):
                    write()
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.progress), (C.OPEN, ""))
        self.assertFalse(events_of(commitment).exists())

    def test_only_the_units_own_people_write(self):
        commitment = self.commitment()
        health = handler_of(self.world, self.world.units["health"])
        for user in (self.office, self.leader, self.deputy, self.evaluator, health,
                     self.world.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                commitment_progress(actor=user, commitment_id=commitment.pk, progress="进展")
        self.assertFalse(events_of(commitment).exists())


class LedgerTest(CommitmentTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = commitment_of(cls.world, moment="2024-05-10 10:00")  # promised 2024-12-31
        cls.mixed = commitment_of(cls.world, "A", "B")  # the health bureau's B
        cls.done = commitment_of(cls.world, moment="2025-04-10 10:00")
        Commitment.objects.filter(pk=cls.done.pk).update(status=C.FULFILLED)

    def ids(self, rows) -> list[int]:
        return [row.pk for row in rows]

    def test_the_office_sees_every_unfinished_commitment_across_years(self):
        self.assertEqual(self.ids(commitment_ledger(user=self.office)),
                         [self.old.pk, self.mixed.pk])
        self.assertEqual(self.ids(commitment_ledger(user=self.office, status="all")),
                         [self.old.pk, self.mixed.pk, self.done.pk])
        self.assertEqual(self.ids(commitment_ledger(user=self.office, status=C.FULFILLED)),
                         [self.done.pk])
        self.assertEqual(self.ids(commitment_ledger(user=self.office, year=2024)),
                         [self.old.pk])
        self.assertEqual(self.ids(commitment_ledger(
            user=self.office, unit_id=self.world.units["health"].pk)), [self.mixed.pk])
        years, units = ledger_choices(user=self.office)
        self.assertEqual(years, [2024, 2025])
        self.assertEqual({u.code for u in units}, {"PF-ZJJ", "PF-WJJ"})

    def test_a_unit_sees_its_own_and_a_stranger_nothing(self):
        self.assertEqual(self.ids(commitment_ledger(user=self.handler)), [self.old.pk])
        health = handler_of(self.world, self.world.units["health"])
        self.assertEqual(self.ids(commitment_ledger(user=health)), [self.mixed.pk])
        self.assertEqual(self.ids(commitment_ledger(user=self.world.outsider, status="all")), [])
        # The lead deputy follows the promises made to him.
        self.assertEqual(len(commitment_ledger(user=self.deputy, status="all")), 3)
