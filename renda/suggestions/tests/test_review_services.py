"""Review (审查/立案) through the services: numbering in its series, return and resubmission,
conversion to a letter, motions registered as motions or made suggestions."""

import datetime

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from renda.core.models import Event
from renda.core.workflow import TransitionNotAllowed
from renda.directory.models import CongressSetting
from renda.suggestions.models import Suggestion, SuggestionCounter
from renda.suggestions.services import drafting, review
from renda.suggestions.tests.test_drafting_base import (
    CONTENT,
    SuggestionTestCase,
    at,
    motion_minimum,
    second_session,
)

S = Suggestion.Status


def number_format(world, value: str) -> None:
    CongressSetting.objects.create(congress=world.congresses["pingfang"],
                                   key="suggestions.number_format", value=value,
                                   effective_from=datetime.date(2020, 1, 1))


class NumberingTest(SuggestionTestCase):
    def register(self, suggestion: Suggestion) -> Suggestion:
        return review.suggestion_register(actor=self.office, suggestion_id=suggestion.pk)

    def submitted_on(self, moment: datetime.datetime, **draft) -> Suggestion:
        with time_machine.travel(moment, tick=False):
            return self.submitted(**draft)

    def test_the_closed_period_is_numbered_per_year(self):
        first = self.submitted_on(at(2022, 3, 1))
        second = self.submitted_on(at(2022, 11, 30))
        next_year = self.submitted_on(at(2023, 2, 1))
        codes = [(s.numbering_key, s.number, s.code) for s in
                 map(self.register, (first, second, next_year))]
        self.assertEqual(codes, [("Y2022", 1, "2022闭会建议第1号"), ("Y2022", 2, "2022闭会建议第2号"),
                                 ("Y2023", 1, "2023闭会建议第1号")])

    def test_each_plenary_session_has_its_own_series(self):
        number_format(self.world, "{year}{series}第{session}次会议第{number:03d}号{kind}")
        session_two = second_session(self.world)
        first = self.world.terms["pingfang"].sessions.get(number=1)
        in_one = [self.submitted_on(at(2022, 1, 6)) for _ in range(2)]
        interim = self.submitted_on(at(2022, 6, 1))
        in_two = self.submitted_on(at(2023, 1, 11))
        registered = [self.register(s) for s in (*in_one, interim, in_two)]
        self.assertEqual([(s.numbering_key, s.number) for s in registered],
                         [(f"S{first.pk}", 1), (f"S{first.pk}", 2), ("Y2022", 1),
                          (f"S{session_two.pk}", 1)])
        self.assertEqual([s.code for s in registered],
                         ["2022大会第1次会议第001号建议", "2022大会第1次会议第002号建议",
                          "2022闭会第次会议第001号建议", "2023大会第2次会议第001号建议"])

    def test_motions_are_numbered_apart_from_suggestions(self):
        motion_minimum(self.world, 2)
        suggestion = self.submitted_on(at(2022, 3, 1))
        motion = self.submitted_on(at(2022, 3, 2), kind=Suggestion.Kind.MOTION,
                                   cosigners=(self.li,))
        self.assertEqual([self.register(s).number for s in (suggestion, motion)], [1, 1])
        self.assertEqual(
            sorted(SuggestionCounter.objects.values_list("kind", "numbering_key", "last")),
            [("motion", "Y2022", 1), ("suggestion", "Y2022", 1)])

    def test_registration_is_logged_with_its_number(self):
        suggestion = self.register(self.submitted())
        event = Event.objects.get(action="register", object_id=suggestion.pk)
        self.assertEqual((event.actor, event.from_status, event.to_status, event.data["code"]),
                         (self.office, S.SUBMITTED, S.REGISTERED, suggestion.code))
        self.assertIsNotNone(suggestion.registered_at)

    def test_a_refused_registration_spends_no_number(self):
        suggestion = self.register(self.submitted())
        with self.assertRaises(TransitionNotAllowed):
            self.register(suggestion)
        self.assertEqual(SuggestionCounter.objects.get().last, 1)

    def test_a_broken_number_format_is_refused_with_a_message(self):
        number_format(self.world, "{year}-{session:02d}-{number}")
        suggestion = self.submitted()
        with self.assertRaises(ValidationError) as caught:
            self.register(suggestion)
        self.assertIn("建议编号格式", " ".join(caught.exception.messages))
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.number), (S.SUBMITTED, None))
        self.assertFalse(SuggestionCounter.objects.filter(last__gt=0).exists())


class ReturnTest(SuggestionTestCase):
    def test_returned_with_a_reason_edited_and_resubmitted_keeps_its_series(self):
        with time_machine.travel(at(2022, 12, 28), tick=False):
            suggestion = self.submitted(cosigners=(self.li,))
            review.suggestion_return(actor=self.office, suggestion_id=suggestion.pk,
                                     reason="请补充具体小区名单")
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.return_reason),
                         (S.RETURNED, "请补充具体小区名单"))
        with time_machine.travel(at(2023, 1, 3), tick=False):
            drafting.suggestion_draft_update(
                actor=self.wang, suggestion_id=suggestion.pk, title=suggestion.title,
                content=CONTENT + "\n涉及：兴建路 1 号至 9 号小区。", category="urban",
                kind=Suggestion.Kind.SUGGESTION, is_public=True)
            drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
            suggestion = drafting.suggestion_cosign_confirm(actor=self.li,
                                                            suggestion_id=suggestion.pk)
        self.assertEqual((suggestion.status, suggestion.year), (S.SUBMITTED, 2022))
        suggestion = review.suggestion_register(actor=self.office, suggestion_id=suggestion.pk)
        self.assertEqual(suggestion.numbering_key, "Y2022")

    def test_a_return_needs_a_reason(self):
        suggestion = self.submitted()
        with self.assertRaises(ValidationError):
            review.suggestion_return(actor=self.office, suggestion_id=suggestion.pk, reason=" ")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.SUBMITTED)


class LetterTest(SuggestionTestCase):
    def test_each_reason_of_the_fixed_list_converts_with_its_note(self):
        for reason in review.LetterReason.values:
            suggestion = self.submitted()
            with self.subTest(reason=reason):
                review.suggestion_to_letter(actor=self.office, suggestion_id=suggestion.pk,
                                            reason=reason, note="已转信访部门")
                event = Event.objects.get(action="to_letter", object_id=suggestion.pk)
                self.assertEqual((event.data, event.note), ({"reason": reason}, "已转信访部门"))

    def test_a_reason_outside_the_list_is_refused(self):
        suggestion = self.submitted()
        for reason in ("", "other", "<script>"):
            with self.subTest(reason=reason), self.assertRaises(ValidationError):
                review.suggestion_to_letter(actor=self.office, suggestion_id=suggestion.pk,
                                            reason=reason)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.SUBMITTED)


class MotionReviewTest(SuggestionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        motion_minimum(cls.world, 2)

    def motion(self) -> Suggestion:
        return self.submitted(kind=Suggestion.Kind.MOTION, cosigners=(self.li,))

    def test_a_motion_is_registered_as_a_motion(self):
        motion = review.suggestion_register(actor=self.office, suggestion_id=self.motion().pk)
        self.assertEqual((motion.kind, motion.status, motion.number),
                         (Suggestion.Kind.MOTION, S.REGISTERED, 1))

    def test_a_motion_made_a_suggestion_keeps_its_history_and_joins_the_suggestions(self):
        review.suggestion_register(actor=self.office, suggestion_id=self.submitted().pk)
        motion = self.motion()
        converted = review.suggestion_motion_to_suggestion(
            actor=self.office, suggestion_id=motion.pk, reason="属于具体工作建议，不符合议案条件")
        self.assertEqual((converted.kind, converted.status),
                         (Suggestion.Kind.SUGGESTION, S.SUBMITTED))
        event = Event.objects.get(action="to_suggestion", object_id=motion.pk)
        self.assertEqual((event.actor, event.note), (self.office, "属于具体工作建议，不符合议案条件"))
        self.assertTrue(Event.objects.filter(action="cosigned", object_id=motion.pk).exists())
        self.assertEqual(converted.history.all()[1].kind, Suggestion.Kind.MOTION)
        registered = review.suggestion_register(actor=self.office, suggestion_id=motion.pk)
        self.assertEqual((registered.kind, registered.number), (Suggestion.Kind.SUGGESTION, 2))

    def test_only_a_submitted_motion_converts(self):
        with self.assertRaises(ValidationError):
            review.suggestion_motion_to_suggestion(
                actor=self.office, suggestion_id=self.submitted().pk, reason="原因")
        registered = review.suggestion_register(actor=self.office,
                                                suggestion_id=self.motion().pk)
        with self.assertRaises(TransitionNotAllowed):
            review.suggestion_motion_to_suggestion(actor=self.office,
                                                   suggestion_id=registered.pk, reason="原因")


class ReviewScopeTest(SuggestionTestCase):
    def test_the_office_of_another_district_and_a_missing_id_are_refused_alike(self):
        suggestion = self.submitted()
        for pk in (suggestion.pk, 10**9):
            with self.subTest(pk=pk), self.assertRaises(PermissionDenied):
                review.suggestion_register(actor=self.outsider, suggestion_id=pk)
        with self.assertRaises(PermissionDenied):
            review.suggestion_register(actor=self.office, suggestion_id=10**9)
