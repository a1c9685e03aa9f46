"""Evaluation (评) by the lead deputy: every transition of the stage, the re-handling round with
its deadline, and every role that may not rate."""

import datetime

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from renda.core.deadlines import end_of_day
from renda.core.models import Event
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import CongressSetting
from renda.suggestions.models import Assignment, Evaluation, Suggestion
from renda.suggestions.selectors.evaluation import evaluation_queue, pending_replies
from renda.suggestions.services.evaluation import reply_evaluate, reply_evaluate_follow_up
from renda.suggestions.tests.states import SuggestionTestCase, answering

S = Suggestion.Status
A = Assignment.Status
R = Evaluation.Rating


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


class EvaluationTestCase(SuggestionTestCase):
    def rate(self, reply, rating=R.SATISFIED, comment="", actor=None):
        return reply_evaluate(actor=actor or self.deputy, reply_id=reply.pk, rating=rating,
                              comment=comment)

    def replies(self, suggestion):
        return [assignment.replies.latest("id") for assignment in answering(suggestion)]

    def actions(self, obj) -> list[str]:
        return [event.action for event in events_of(obj)]


class FirstRoundTest(EvaluationTestCase):
    def test_it_closes_a_suggestion_when_every_reply_is_satisfactory(self):
        for rating in (R.SATISFIED, R.BASICALLY_SATISFIED):
            with self.subTest(rating=rating):
                suggestion = self.replied("A")
                [reply] = self.replies(suggestion)
                evaluation = self.rate(reply, rating, comment="办理认真，问题已解决")
                suggestion.refresh_from_db()
                self.assertEqual(suggestion.status, S.CLOSED)
                self.assertIsNotNone(suggestion.concluded_at)
                self.assertEqual((evaluation.kind, evaluation.rating, evaluation.deputy),
                                 (Evaluation.Kind.INITIAL, rating, self.world.deputies["wang"]))
                last = events_of(suggestion).last()
                self.assertEqual((last.action, last.actor, last.from_status, last.to_status),
                                 ("evaluate", self.deputy, S.REPLIED, S.CLOSED))
                self.assertEqual(self.actions(suggestion)[-2:], ["evaluate_reply", "evaluate"])

    def test_the_suggestion_waits_for_the_last_reply_of_the_round(self):
        suggestion = self.replied("A", "B")
        first, second = self.replies(suggestion)
        self.rate(first)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.REPLIED)
        self.assertEqual([r.pk for r in pending_replies(suggestion=suggestion)], [second.pk])
        self.rate(second, R.BASICALLY_SATISFIED)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.CLOSED)

    def test_a_dissatisfied_rating_sends_that_unit_back_for_rehandling(self):
        with at("2025-03-03 10:00"):
            suggestion = self.replied("A", "B")
            satisfied, dissatisfied = self.replies(suggestion)
            self.rate(satisfied)
        with at("2025-03-10 15:00"):
            self.rate(dissatisfied, R.DISSATISFIED, comment="改造时间太晚，希望今年完成")
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.concluded_at), (S.REHANDLING, None))
        kept, back = answering(suggestion)
        self.assertEqual((kept.status, kept.round), (A.REPLIED, 1))
        self.assertEqual((back.status, back.round), (A.REHANDLING, 2))
        # One month (the default) from the rating, to the end of that day.
        self.assertEqual(back.due_at, end_of_day(datetime.date(2025, 4, 10)))
        self.assertEqual((back.reminded_at, back.escalated_at), (None, None))
        event = events_of(back).last()
        self.assertEqual((event.action, event.actor, event.from_status, event.to_status),
                         ("rehandle", self.deputy, A.REPLIED, A.REHANDLING))
        self.assertEqual(event.data["round"], 2)
        self.assertEqual(self.actions(suggestion)[-1], "evaluate_dissatisfied")

    def test_assisting_units_are_not_rated(self):
        suggestion = self.replied("A", assisting=("health",))
        [reply] = pending_replies(suggestion=suggestion)
        self.assertEqual(reply.assignment.unit, self.world.units["housing"])
        self.rate(reply)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.CLOSED)


class SecondRoundTest(EvaluationTestCase):
    def rehandled(self, *categories):
        suggestion = self.replied(*categories)
        for reply in self.replies(suggestion):
            self.rate(reply, R.DISSATISFIED if reply.category == "B" else R.SATISFIED)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.REHANDLING)
        return suggestion

    def test_the_second_reply_is_rated_and_closes_the_suggestion_whatever_the_rating(self):
        for rating in R.values:
            with self.subTest(rating=rating):
                suggestion = self.rehandled("B")
                [assignment] = answering(suggestion)
                second = self.reply(assignment, "A")
                suggestion.refresh_from_db()
                self.assertEqual(suggestion.status, S.REPLIED)
                self.assertEqual([r.pk for r in pending_replies(suggestion=suggestion)],
                                 [second.pk])
                self.rate(second, rating)
                suggestion.refresh_from_db()
                self.assertEqual(suggestion.status, S.CLOSED)
                self.assertIsNotNone(suggestion.concluded_at)
                last = events_of(suggestion).last()
                self.assertEqual((last.action, last.actor), ("close", self.deputy))
                # The first and the final satisfaction are both kept, one per round.
                ratings = list(Evaluation.objects.filter(reply__assignment=assignment)
                               .order_by("reply__round").values_list("reply__round", "rating"))
                self.assertEqual(ratings, [(1, R.DISSATISFIED), (2, rating)])

    def test_only_the_rehandled_units_reply_is_rated_again(self):
        suggestion = self.rehandled("A", "B")
        kept, back = answering(suggestion)
        second = self.reply(back, "A")
        self.assertEqual([r.pk for r in pending_replies(suggestion=suggestion)], [second.pk])
        with self.assertRaises(ValidationError):
            self.rate(kept.replies.get())
        self.rate(second, R.SATISFIED)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.CLOSED)

    def test_the_first_reply_cannot_be_rated_while_the_unit_rehandles(self):
        suggestion = self.rehandled("B")
        [assignment] = answering(suggestion)
        with self.assertRaises(TransitionNotAllowed):
            self.rate(assignment.replies.get(), R.SATISFIED)


class RehandlingDeadlineTest(EvaluationTestCase):
    def test_a_deadline_in_working_days_skips_the_national_day_holiday(self):
        with at("2025-09-20 10:00"):
            suggestion = self.replied("B")
            CongressSetting.objects.create(congress=suggestion.congress,
                                           key="suggestions.rehandle_deadline", value="10wd",
                                           effective_from=datetime.date(2025, 1, 1))
        with at("2025-09-26 16:00"):  # a Friday; 1–8 October are holidays
            self.rate(self.replies(suggestion)[0], R.DISSATISFIED)
        [assignment] = answering(suggestion)
        # 28 Sep (a Sunday worked), 29, 30 Sep, 9, 10, 11 (a Saturday worked), 13–16 Oct.
        self.assertEqual(assignment.due_at, end_of_day(datetime.date(2025, 10, 16)))

    def test_a_month_ends_on_the_last_day_of_a_shorter_month(self):
        with at("2025-01-20 10:00"):
            suggestion = self.replied("B")
        with at("2025-01-31 09:00"):
            self.rate(self.replies(suggestion)[0], R.DISSATISFIED)
        [assignment] = answering(suggestion)
        self.assertEqual(assignment.due_at, end_of_day(datetime.date(2025, 2, 28)))


class ForbiddenTest(EvaluationTestCase):
    def test_nobody_but_the_lead_deputy_rates(self):
        suggestion = self.replied("A", cosigners=("li",))
        [reply] = self.replies(suggestion)
        users = self.world.users
        zhao = self.deputy_account("zhao")
        for name, user in [("co-signer", self.cosigner), ("other deputy", zhao),
                           ("unit handler", self.handler), ("unit head", users["unit_head"]),
                           ("office", self.office), ("leader", self.leader),
                           ("evaluator", self.evaluator), ("station", users["station_staff"]),
                           ("outsider", self.world.outsider), ("admin role", users["admin"])]:
            with self.subTest(name), self.assertRaises(PermissionDenied):
                self.rate(reply, actor=user)
        self.assertFalse(Evaluation.objects.exists())
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.REPLIED)
        self.assertEqual(evaluation_queue(user=self.cosigner), [])

    def deputy_account(self, key):
        from renda.suggestions.tests.states import deputy_user

        return deputy_user(self.world, key)

    def test_a_stranger_learns_nothing_about_the_state(self):
        # Refused before the state is checked: the same answer for a closed suggestion.
        suggestion = self.replied("A")
        [reply] = self.replies(suggestion)
        self.rate(reply)
        with self.assertRaises(PermissionDenied):
            self.rate(reply, actor=self.world.outsider)

    def test_it_refuses_a_second_rating_and_bad_input(self):
        suggestion = self.replied("A", "A")
        first, _second = self.replies(suggestion)
        self.rate(first)
        with self.assertRaises(ValidationError):
            self.rate(first, R.DISSATISFIED)
        with self.assertRaises(ValidationError):
            self.rate(_second, "excellent")
        with self.assertRaises(ValidationError):
            self.rate(_second, R.SATISFIED, comment="很" * 10001)
        self.assertEqual(Evaluation.objects.count(), 1)

    def test_a_suggestion_not_fully_replied_cannot_be_rated(self):
        suggestion = self.replied("A")
        [assignment] = answering(suggestion)
        Suggestion.objects.filter(pk=suggestion.pk).update(status=S.ASSIGNED)
        with self.assertRaises(TransitionNotAllowed):
            self.rate(assignment.replies.get())
        self.assertFalse(Event.objects.filter(action="evaluate_reply").exists())


class StatesTest(EvaluationTestCase):
    def test_the_lead_deputy_rates_only_replied_suggestions_and_rates_again_only_closed_ones(self):
        suggestion = self.replied("A")
        [reply] = self.replies(suggestion)
        for status in S.values:
            Suggestion.objects.filter(pk=suggestion.pk).update(status=status)
            with self.subTest(status=status):
                if status != S.REPLIED:
                    with self.assertRaises(TransitionNotAllowed):
                        self.rate(reply)
                if status != S.CLOSED:
                    with self.assertRaises(TransitionNotAllowed):
                        reply_evaluate_follow_up(actor=self.deputy, reply_id=reply.pk,
                                                 rating=R.SATISFIED)
        self.assertFalse(Evaluation.objects.exists())


class FollowUpTest(EvaluationTestCase):
    def follow_up(self, reply, rating=R.SATISFIED, actor=None):
        return reply_evaluate_follow_up(actor=actor or self.deputy, reply_id=reply.pk,
                                        rating=rating, comment="年底回头看：已落实")

    def test_each_final_reply_of_a_closed_suggestion_is_rated_again_once(self):
        suggestion = self.replied("B")
        [reply] = self.replies(suggestion)
        with self.assertRaises(TransitionNotAllowed):
            self.follow_up(reply)
        self.rate(reply, R.BASICALLY_SATISFIED)
        evaluation = self.follow_up(reply, R.SATISFIED)
        self.assertEqual(evaluation.kind, Evaluation.Kind.FOLLOW_UP)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.CLOSED)
        self.assertEqual(self.actions(suggestion)[-1], "follow_up")
        with self.assertRaises(ValidationError):
            self.follow_up(reply, R.DISSATISFIED)
        self.assertEqual(list(reply.evaluations.order_by("id").values_list("kind", "rating")),
                         [("initial", R.BASICALLY_SATISFIED), ("follow_up", R.SATISFIED)])

    def test_only_the_final_reply_of_a_rehandled_unit_is_rated_again(self):
        suggestion = self.replied("B")
        [first] = self.replies(suggestion)
        self.rate(first, R.DISSATISFIED)
        [assignment] = answering(suggestion)
        second = self.reply(assignment, "A")
        self.rate(second, R.SATISFIED)
        with self.assertRaises(ValidationError):
            self.follow_up(first)
        self.follow_up(second)

    def test_only_the_lead_deputy_rates_again(self):
        suggestion = self.replied("A", cosigners=("li",))
        [reply] = self.replies(suggestion)
        self.rate(reply)
        for user in (self.cosigner, self.handler, self.office, self.world.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.follow_up(reply, actor=user)
