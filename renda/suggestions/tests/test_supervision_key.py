"""Key supervision (重点督办) by standing-committee leaders, supervision and three-party meetings
(三方会商), and the flag on suggestions repeating one of an earlier year."""

import datetime

import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import CongressSetting
from renda.directory.testing import PASSWORD
from renda.suggestions.models import KeySupervision, Suggestion, SupervisionMeeting
from renda.suggestions.selectors.supervision import (
    jaccard,
    key_supervisions_for,
    repeat_candidates,
    repeats_for,
    title_bigrams,
)
from renda.suggestions.services.drafting import suggestion_draft_create
from renda.suggestions.services.supervision import (
    key_supervision_mark,
    suggestion_repeat_flag,
    suggestion_repeats_flag,
    supervision_meeting_record,
)
from renda.suggestions.tests.states import SuggestionTestCase, assigned, deputy_user

S = Suggestion.Status


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


class KeySupervisionTest(SuggestionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.leader.email = "leader@pingfang.example.cn"
        cls.leader.save(update_fields=["email"])
        cls.other_leader = get_user_model().objects.create_user(
            username="leader2", password=PASSWORD, display_name="李副主任")
        RoleAssignment.objects.create(user=cls.other_leader, role=Role.LEADER,
                                      congress=cls.world.congresses["pingfang"])

    def mark(self, suggestion, leaders=None, actor=None, reason="群众反映集中，多年未解决"):
        return key_supervision_mark(actor=actor or self.office, suggestion_id=suggestion.pk,
                                    reason=reason,
                                    leader_ids=[u.pk for u in (leaders or [self.leader])])

    def test_the_office_marks_a_suggestion_key_with_its_leaders(self):
        suggestion = assigned(self.world)
        key = self.mark(suggestion)
        self.assertEqual((key.suggestion, key.reason, key.created_by),
                         (suggestion, "群众反映集中，多年未解决", self.office))
        self.assertEqual(list(key.leaders.all()), [self.leader])
        event = events_of(suggestion).last()
        self.assertEqual((event.action, event.actor, event.data),
                         ("mark_key", self.office, {"leaders": [self.leader.pk]}))
        self.assertEqual([m.to for m in mail.outbox], [["leader@pingfang.example.cn"]])
        self.assertIn(suggestion.title, mail.outbox[0].body)

    def test_marking_again_changes_the_leaders_and_reason(self):
        suggestion = assigned(self.world)
        self.mark(suggestion)
        key = self.mark(suggestion, leaders=[self.leader, self.other_leader], reason="新理由")
        self.assertEqual(KeySupervision.objects.count(), 1)
        self.assertEqual((key.reason, set(key.leaders.all())),
                         ("新理由", {self.leader, self.other_leader}))
        self.assertEqual(events_of(suggestion).last().action, "update_key")
        # The leader already told is not told twice.
        self.assertEqual(len(mail.outbox), 1)

    def test_only_the_office_marks_and_only_leaders_supervise(self):
        suggestion = assigned(self.world)
        for user in (self.leader, self.handler, self.deputy, self.evaluator,
                     self.world.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.mark(suggestion, actor=user)
        for leaders in ([self.office], [self.world.outsider], []):
            with self.subTest(leaders=leaders), self.assertRaises(ValidationError):
                key_supervision_mark(actor=self.office, suggestion_id=suggestion.pk,
                                     reason="理由", leader_ids=[u.pk for u in leaders])
        with self.assertRaises(ValidationError):
            self.mark(suggestion, reason=" ")
        self.assertFalse(KeySupervision.objects.exists())

    def test_a_closed_or_draft_suggestion_is_not_marked(self):
        suggestion = assigned(self.world)
        for status in (S.CLOSED, S.DRAFT, S.WITHDRAWN):
            Suggestion.objects.filter(pk=suggestion.pk).update(status=status)
            with self.subTest(status=status), self.assertRaises(TransitionNotAllowed):
                self.mark(suggestion)

    def test_a_leader_sees_the_suggestions_he_supervises(self):
        mine = assigned(self.world, title="关于治理兴建路积水的建议")
        theirs = assigned(self.world, title="关于增设社区卫生服务站的建议")
        assigned(self.world, title="不是重点的建议")
        self.mark(mine)
        self.mark(theirs, leaders=[self.other_leader])
        # The leader's roles, the rows, their leaders and their assignments: whatever the count.
        with self.assertNumQueries(4):
            rows = list(key_supervisions_for(user=self.leader, mine=True))
            self.assertEqual([row.suggestion for row in rows], [mine])
            self.assertEqual([a.unit.code for a in rows[0].suggestion.assignments.all()],
                             ["PF-ZJJ"])
        self.assertEqual([r.suggestion for r in key_supervisions_for(user=self.other_leader,
                                                                     mine=True)], [theirs])
        self.assertEqual({r.suggestion for r in key_supervisions_for(user=self.office)},
                         {mine, theirs})
        self.assertEqual(list(key_supervisions_for(user=self.world.outsider)), [])
        self.assertEqual(list(key_supervisions_for(user=self.handler, mine=True)), [])


class MeetingTest(SuggestionTestCase):
    def record(self, suggestion, actor=None, **changes):
        values = {"held_at": timezone.now() - datetime.timedelta(days=1),
                  "place": "兴建街道人大工委会议室",
                  "participants": "王建国代表、平房区住房和城乡建设局、兴建街道人大工委",
                  "outcome": "商定今年 10 月底前完成人行道修缮", "three_party": True} | changes
        return supervision_meeting_record(actor=actor or self.office,
                                          suggestion_id=suggestion.pk, **values)

    def test_the_office_and_leaders_record_meetings(self):
        suggestion = assigned(self.world)
        meeting = self.record(suggestion)
        self.record(suggestion, actor=self.leader, three_party=False, place="区人大常委会")
        self.assertEqual(SupervisionMeeting.objects.filter(suggestion=suggestion).count(), 2)
        self.assertEqual(meeting.recorded_by, self.office)
        events = [(e.action, e.data["three_party"]) for e in events_of(suggestion)
                  if e.action == "meeting"]
        self.assertEqual(events, [("meeting", True), ("meeting", False)])

    def test_nobody_else_records_and_bad_input_is_refused(self):
        suggestion = assigned(self.world)
        for user in (self.handler, self.deputy, self.evaluator, self.world.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.record(suggestion, actor=user)
        for changes in ({"held_at": timezone.now() + datetime.timedelta(hours=2)},
                        {"place": ""}, {"participants": ""}, {"outcome": "x" * 10001}):
            with self.subTest(changes=list(changes)), self.assertRaises(ValidationError):
                self.record(suggestion, **changes)
        draft = suggestion_draft_create(
            actor=self.deputy, congress=self.world.congresses["pingfang"],
            lead_deputy=self.world.deputies["wang"], title="草稿", content="内容",
            category="urban")
        with self.assertRaises(TransitionNotAllowed):
            self.record(draft)
        self.assertFalse(SupervisionMeeting.objects.exists())


class RepeatTest(SuggestionTestCase):
    def earlier(self, title, category="urban", moment="2024-03-01 10:00"):
        with at(moment):
            return assigned(self.world, title=title, category=category)

    def test_title_similarity_is_the_jaccard_index_of_character_bigrams(self):
        self.assertEqual(title_bigrams("修缮 人行道！"), {"修缮", "缮人", "人行", "行道"})
        self.assertEqual(title_bigrams("路"), {"路"})
        self.assertEqual(jaccard(title_bigrams("修缮人行道"), title_bigrams("修缮人行道")), 1.0)
        self.assertEqual(jaccard(set(), {"ab"}), 0.0)

    def test_it_flags_a_similar_title_of_an_earlier_year_in_the_same_category(self):
        old = self.earlier("关于修缮兴建路人行道的建议")
        self.earlier("关于修缮兴建路人行道的建议", category="transport")  # another category
        self.earlier("关于增设社区卫生服务站的建议")  # another subject
        with at("2025-03-01 10:00"):
            suggestion = assigned(self.world, title="关于尽快修缮兴建路人行道的建议")
            same_year = assigned(self.world, title="关于修缮兴建路人行道的建议")
        [candidate] = repeat_candidates(suggestion=suggestion)
        self.assertEqual(candidate.suggestion, old)
        self.assertGreaterEqual(candidate.similarity, 0.5)
        self.assertEqual(suggestion_repeat_flag(suggestion_id=suggestion.pk), old)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.repeat_of, old)
        event = events_of(suggestion).last()
        self.assertEqual((event.action, event.data["repeat_of"]), ("flag_repeat", old.pk))
        self.assertEqual([r.pk for r in repeats_for(user=self.office)], [suggestion.pk])
        self.assertNotIn(same_year.pk, [c.suggestion.pk for c in
                                        repeat_candidates(suggestion=suggestion)])

    def test_the_threshold_is_a_setting(self):
        self.earlier("关于修缮兴建路人行道的建议")
        with at("2025-03-01 10:00"):
            suggestion = assigned(self.world, title="关于修缮友协街道人行道的建议")
            self.assertEqual(repeat_candidates(suggestion=suggestion), [])
            CongressSetting.objects.create(congress=suggestion.congress,
                                           key="suggestions.repeat_similarity", value=0.3,
                                           effective_from=datetime.date(2025, 1, 1))
            self.assertEqual(len(repeat_candidates(suggestion=suggestion)), 1)

    def test_the_office_flags_a_whole_year_once(self):
        self.earlier("关于修缮兴建路人行道的建议")
        self.earlier("关于治理兴建路积水的建议")
        with at("2025-03-01 10:00"):
            assigned(self.world, title="关于尽快修缮兴建路人行道的建议")
            assigned(self.world, title="再次建议治理兴建路积水")
            assigned(self.world, title="关于增设公交线路的建议")
            self.assertEqual(suggestion_repeats_flag(actor=self.office, year=2025), 2)
            self.assertEqual(suggestion_repeats_flag(actor=self.office, year=2025), 0)
            self.assertEqual(suggestion_repeats_flag(actor=self.world.outsider, year=2025), 0)
        self.assertEqual(len(repeats_for(user=self.office)), 2)
        self.assertEqual(list(repeats_for(user=self.world.outsider)), [])

    def test_drafts_neither_repeat_nor_are_repeated(self):
        with at("2024-03-01 10:00"):
            suggestion_draft_create(
                actor=self.deputy, congress=self.world.congresses["pingfang"],
                lead_deputy=self.world.deputies["wang"], title="关于修缮兴建路人行道的建议",
                content="内容", category="urban")
        with at("2025-03-01 10:00"):
            suggestion = assigned(self.world, title="关于修缮兴建路人行道的建议")
        self.assertIsNone(suggestion_repeat_flag(suggestion_id=suggestion.pk))
        self.assertEqual(deputy_user(self.world, "wang"), self.deputy)
