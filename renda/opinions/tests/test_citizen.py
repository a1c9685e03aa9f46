"""The citizen's side, by tracking number and secret: rating and the one reopening; and the
whole loop's action log."""

import datetime

import time_machine
from django.core.exceptions import PermissionDenied

from renda.core.deadlines import end_of_day
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.opinions import services
from renda.opinions.tests.helpers import OpinionTestCase


class RatingTest(OpinionTestCase):
    def rate(self, opinion, secret, rating):
        return services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                                     rating=rating, comment="路灯修好了")

    def test_satisfied_or_basically_satisfied_closes_the_item(self):
        for rating in ("satisfied", "basically_satisfied"):
            with self.subTest(rating=rating):
                opinion, secret = self.opinion_in("confirmed")
                opinion = self.rate(opinion, secret, rating)
                self.assertEqual((opinion.status, opinion.rating), ("closed", rating))
                self.assertIsNotNone(opinion.concluded_at)
                event = events_of(opinion).last()
                self.assertEqual((event.action, event.from_status, event.to_status, event.actor,
                                  event.data), ("rate", "confirmed", "closed", None,
                                                {"rating": rating, "solved": None}))
                with self.assertRaises(TransitionNotAllowed):
                    services.opinion_reopen(tracking_number=opinion.tracking_number,
                                            secret=secret, reason="再看看")

    def test_a_wrong_secret_rates_nothing(self):
        opinion, _secret = self.opinion_in("confirmed")
        with self.assertRaises(PermissionDenied):
            self.rate(opinion, "guess", "dissatisfied")
        opinion.refresh_from_db()
        self.assertEqual((opinion.status, opinion.rating), ("confirmed", ""))

    def test_an_item_not_yet_confirmed_cannot_be_rated(self):
        opinion, secret = self.opinion_in("replied")
        with self.assertRaises(TransitionNotAllowed):
            self.rate(opinion, secret, "satisfied")

    def test_dissatisfied_reopens_once_with_the_same_unit_and_a_fresh_deadline(self):
        with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
            opinion, secret = self.opinion_in("confirmed")
            self.rate(opinion, secret, "dissatisfied")
        with time_machine.travel("2026-04-01 10:00 +0800", tick=False):
            opinion = services.opinion_reopen(tracking_number=opinion.tracking_number,
                                              secret=secret, reason="路灯又坏了")
        self.assertEqual((opinion.status, opinion.assigned_unit, opinion.reopened),
                         ("transferred", self.world.units["housing"], True))
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2026, 4, 16)))
        services.opinion_accept(actor=self.handler, opinion_id=opinion.pk)
        services.opinion_reply(actor=self.handler, opinion_id=opinion.pk, body="已彻底更换线路")
        services.opinion_confirm(actor=self.office, opinion_id=opinion.pk)
        self.rate(opinion, secret, "dissatisfied")
        with self.assertRaises(TransitionNotAllowed):
            services.opinion_reopen(tracking_number=opinion.tracking_number, secret=secret,
                                    reason="还是不行")
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, "dissatisfied")
        self.assertEqual(opinion.replies.count(), 2)

    def test_reopening_needs_the_secret(self):
        opinion, secret = self.opinion_in("confirmed")
        self.rate(opinion, secret, "dissatisfied")
        with self.assertRaises(PermissionDenied):
            services.opinion_reopen(tracking_number=opinion.tracking_number, secret="x",
                                    reason="不满意")


class ActionLogTest(OpinionTestCase):
    def test_the_loop_leaves_one_event_per_change(self):
        opinion, secret = self.opinion_in("confirmed")
        services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                              rating="satisfied")
        rows = [(e.action, e.from_status, e.to_status, e.actor) for e in
                events_of(opinion).order_by("id")]
        self.assertEqual(rows, [
            ("submit", "", "received", None),
            ("transfer", "received", "transferred", self.office),
            ("accept", "transferred", "accepted", self.handler),
            ("reply", "accepted", "replied", self.handler),
            ("confirm", "replied", "confirmed", self.office),
            ("rate", "confirmed", "closed", None),
        ])
        # The audit history has the same changes, with their authors, and no private fields.
        history = opinion.history.order_by("history_id")
        self.assertEqual([h.status for h in history],
                         ["received", "transferred", "accepted", "replied", "confirmed",
                          "closed"])
        self.assertFalse(hasattr(history.first(), "citizen_mobile"))
