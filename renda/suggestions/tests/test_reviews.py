"""Third-party reviews (第三方评估): the office assigns a suggestion to an evaluator with a due
date; only that evaluator writes the structured report, which is read-only once submitted."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.testing import PASSWORD
from renda.suggestions.models import Suggestion, ThirdPartyReview
from renda.suggestions.selectors.supervision import reviews_for
from renda.suggestions.services.supervision import review_assign, review_report_save
from renda.suggestions.tests.states import SuggestionTestCase

FULL = {"contact": 18, "reply_quality": 25, "implementation": 30, "timeliness": 10}


class ReviewTestCase(SuggestionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_evaluator = get_user_model().objects.create_user(
            username="evaluator2", password=PASSWORD, display_name="第二评估机构")
        RoleAssignment.objects.create(user=cls.other_evaluator, role=Role.EVALUATOR,
                                      congress=cls.world.congresses["pingfang"])

    def due(self, days=30) -> datetime.date:
        return timezone.localdate() + datetime.timedelta(days=days)

    def assign(self, suggestion=None, reviewer=None, actor=None, **changes):
        suggestion = suggestion or self.replied("A")
        values = {"reviewer_id": (reviewer or self.evaluator).pk, "due_date": self.due()}
        return review_assign(actor=actor or self.office, suggestion_id=suggestion.pk,
                             **values | changes)

    def save(self, review, scores=None, conclusion="办理规范，落实到位", submit=False,
             actor=None):
        return review_report_save(actor=actor or self.evaluator, review_id=review.pk,
                                  scores=FULL if scores is None else scores,
                                  conclusion=conclusion, submit=submit)


class AssignTest(ReviewTestCase):
    def test_the_office_assigns_a_suggestion_to_an_evaluator(self):
        review = self.assign()
        self.assertEqual((review.status, review.reviewer, review.assigned_by, review.due_date),
                         (ThirdPartyReview.Status.ASSIGNED, self.evaluator, self.office,
                          self.due()))
        event = events_of(review).get()
        self.assertEqual((event.action, event.actor, event.data["reviewer"]),
                         ("assign", self.office, self.evaluator.pk))

    def test_only_the_office_assigns_and_only_to_an_evaluator(self):
        suggestion = self.replied("A")
        for user in (self.leader, self.evaluator, self.handler, self.deputy,
                     self.world.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.assign(suggestion, actor=user)
        for reviewer in (self.leader, self.handler, self.world.outsider):
            with self.subTest(reviewer=reviewer.username), self.assertRaises(ValidationError):
                self.assign(suggestion, reviewer=reviewer)
        with self.assertRaises(ValidationError):
            self.assign(suggestion, due_date=timezone.localdate() - datetime.timedelta(days=1))
        self.assertFalse(ThirdPartyReview.objects.exists())

    def test_one_open_review_per_evaluator_and_handled_suggestions_only(self):
        suggestion = self.replied("A")
        self.assign(suggestion)
        with self.assertRaises(ValidationError):
            self.assign(suggestion)
        self.assign(suggestion, reviewer=self.other_evaluator)
        Suggestion.objects.filter(pk=suggestion.pk).update(status=Suggestion.Status.SUBMITTED)
        with self.assertRaises(TransitionNotAllowed):
            self.assign(suggestion, reviewer=self.other_evaluator)


class ReportTest(ReviewTestCase):
    def test_the_evaluator_saves_a_draft_then_submits_and_it_is_read_only(self):
        review = self.assign()
        self.save(review, scores={"contact": 15}, conclusion="")
        review.refresh_from_db()
        self.assertEqual((review.status, review.scores), (ThirdPartyReview.Status.ASSIGNED,
                                                          {"contact": 15}))
        self.save(review, submit=True)
        review.refresh_from_db()
        self.assertEqual((review.status, review.scores, review.conclusion),
                         (ThirdPartyReview.Status.SUBMITTED, FULL, "办理规范，落实到位"))
        self.assertIsNotNone(review.submitted_at)
        self.assertEqual([e.action for e in events_of(review)],
                         ["assign", "save_draft", "submit"])
        self.assertEqual(events_of(review).last().data["criteria"][0]["code"], "contact")
        with self.assertRaises(TransitionNotAllowed):
            self.save(review, scores=FULL | {"contact": 0}, submit=True)
        review.refresh_from_db()
        self.assertEqual(review.scores, FULL)

    def test_only_the_assigned_evaluator_writes(self):
        review = self.assign()
        for user in (self.other_evaluator, self.office, self.leader, self.handler, self.deputy,
                     self.world.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.save(review, actor=user, submit=True)
        review.refresh_from_db()
        self.assertEqual((review.status, review.scores), (ThirdPartyReview.Status.ASSIGNED, {}))

    def test_scores_are_checked_against_the_criteria(self):
        review = self.assign()
        for scores in (FULL | {"contact": 21}, FULL | {"contact": -1},
                       FULL | {"contact": "18"}, {k: v for k, v in FULL.items()
                                                  if k != "timeliness"}):
            with self.subTest(scores=scores), self.assertRaises(ValidationError):
                self.save(review, scores=scores, submit=True)
        with self.assertRaises(ValidationError):
            self.save(review, conclusion=" ", submit=True)
        review.refresh_from_db()
        self.assertEqual(review.status, ThirdPartyReview.Status.ASSIGNED)


class ReviewListTest(ReviewTestCase):
    def test_an_evaluator_sees_his_own_and_the_office_all(self):
        suggestion = self.replied("A")
        mine = self.assign(suggestion)
        theirs = self.assign(suggestion, reviewer=self.other_evaluator)
        self.assertEqual(list(reviews_for(user=self.evaluator)), [mine])
        self.assertEqual(list(reviews_for(user=self.other_evaluator)), [theirs])
        self.assertEqual(set(reviews_for(user=self.office)), {mine, theirs})
        for user in (self.world.outsider, self.deputy, self.handler):
            with self.subTest(user=user.username):
                self.assertEqual(list(reviews_for(user=user)), [])
