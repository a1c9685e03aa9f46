"""The office's supervision pages: the list of late and nearly due work, key suggestions (a
leader's own), one suggestion as supervised with its forms, and repeated suggestions."""

import datetime

import time_machine
from django.urls import reverse

from renda.core.workflow import events_of
from renda.suggestions.models import KeySupervision, SupervisionMeeting, ThirdPartyReview
from renda.suggestions.services.supervision import key_supervision_mark
from renda.suggestions.tests.states import SuggestionTestCase, answering, assigned

LIST = reverse("suggestions:supervision")
KEY = reverse("suggestions:key_list")
REPEATS = reverse("suggestions:repeats")


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


def detail(suggestion) -> str:
    return reverse("suggestions:supervision_detail", args=[suggestion.pk])


class SupervisionListTest(SuggestionTestCase):
    def test_the_office_sees_overdue_and_nearly_due_work_in_fixed_queries(self):
        with at("2025-07-10 10:00"):
            late = assigned(self.world, title="超期的建议")  # due 10 October 2025
        with at("2025-07-20 10:00"):
            near = assigned(self.world, title="临近期限的建议")  # due 20 October 2025
        with at("2025-09-20 10:00"):
            assigned(self.world, title="期限还早的建议")  # due 20 December
            promised = self.replied("B", title="有承诺的建议")
        answering(promised)[0].replies.get().commitment.__class__.objects.update(
            promised_date=datetime.date(2025, 10, 14))
        self.client.force_login(self.office)
        with at("2025-10-13 09:00"), self.assertNumQueries(10):
            response = self.client.get(LIST)
        overview = response.context["overview"]
        self.assertEqual([a.suggestion for a in overview.overdue], [late])
        self.assertEqual([a.suggestion for a in overview.near], [near])
        self.assertEqual([c.reply.assignment.suggestion for c in overview.commitments],
                         [promised])
        self.assertContains(response, "已超期")
        self.assertContains(response, detail(late))
        with at("2025-07-20 10:00"):
            for title in ("再一件", "又一件"):
                assigned(self.world, title=title)
        with at("2025-10-13 09:00"), self.assertNumQueries(10):
            response = self.client.get(LIST)
        self.assertEqual(len(response.context["overview"].near), 3)

    def test_leaders_see_it_units_deputies_and_strangers_do_not(self):
        with at("2025-07-10 10:00"):
            assigned(self.world)
        self.client.force_login(self.leader)
        with at("2025-10-13 09:00"):
            self.assertEqual(len(self.client.get(LIST).context["overview"].overdue), 1)
            for user in (self.handler, self.deputy, self.evaluator):
                self.client.force_login(user)
                self.assertEqual(self.client.get(LIST).status_code, 403)
            self.client.force_login(self.world.outsider)
            self.assertEqual(self.client.get(LIST).context["overview"].overdue, [])


class SupervisionDetailTest(SuggestionTestCase):
    def post(self, suggestion, action, **fields):
        data = {"action": action} | {f"{action}-{k}": v for k, v in fields.items()}
        return self.client.post(detail(suggestion), data)

    def test_the_office_marks_a_key_suggestion_and_the_leader_finds_it_as_his(self):
        suggestion = assigned(self.world)
        self.client.force_login(self.office)
        response = self.client.get(detail(suggestion))
        self.assertContains(response, "列为重点督办")
        response = self.post(suggestion, "key", reason="多年反映，群众关注", leaders=self.leader.pk)
        self.assertRedirects(response, detail(suggestion))
        key = KeySupervision.objects.get()
        self.assertEqual(list(key.leaders.all()), [self.leader])
        self.client.force_login(self.leader)
        response = self.client.get(KEY)
        self.assertTrue(response.context["mine"])
        self.assertContains(response, "我督办的重点建议")
        self.assertContains(response, suggestion.title)
        self.assertContains(response, "平房区住房和城乡建设局")
        # A leader supervises but does not choose: the form is not his, the POST is refused.
        self.assertNotContains(self.client.get(detail(suggestion)), "修改重点督办")
        self.post(suggestion, "key", reason="改理由", leaders=self.leader.pk)
        key.refresh_from_db()
        self.assertEqual(key.reason, "多年反映，群众关注")

    def test_a_leader_records_a_three_party_meeting(self):
        suggestion = assigned(self.world)
        self.client.force_login(self.leader)
        response = self.client.get(detail(suggestion))
        self.assertContains(response, "王建国代表、平房区住房和城乡建设局")
        response = self.post(suggestion, "meeting", held_at="2026-01-05T09:30",
                             place="兴建街道人大工委", three_party="on",
                             participants="王建国代表、区住建局、兴建街道人大工委",
                             outcome="商定年底前完成")
        self.assertRedirects(response, detail(suggestion))
        meeting = SupervisionMeeting.objects.get()
        self.assertEqual(meeting.held_at, datetime.datetime.fromisoformat(
            "2026-01-05 09:30 +08:00"))
        response = self.client.get(detail(suggestion))
        self.assertContains(response, "三方会商")
        self.assertContains(response, "商定年底前完成")

    def test_a_failed_form_comes_back_in_place(self):
        suggestion = assigned(self.world)
        self.client.force_login(self.office)
        response = self.post(suggestion, "meeting", held_at="2026-01-05T09:30", place="",
                             participants="某某", outcome="结果")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "此项不能为空", status_code=400)
        self.assertFalse(SupervisionMeeting.objects.exists())

    def test_the_office_assigns_a_third_party_review(self):
        suggestion = self.replied("A")
        self.client.force_login(self.office)
        due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        response = self.post(suggestion, "review", reviewer=self.evaluator.pk, due_date=due)
        self.assertRedirects(response, detail(suggestion))
        self.assertEqual(ThirdPartyReview.objects.get().reviewer, self.evaluator)
        self.assertContains(self.client.get(detail(suggestion)), self.evaluator.display_name)

    def test_strangers_get_nothing(self):
        suggestion = assigned(self.world)
        for user, status in ((self.world.outsider, 404), (self.handler, 404),
                             (self.deputy, 404), (self.evaluator, 404)):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(detail(suggestion)).status_code, status)
                self.assertEqual(self.post(suggestion, "key", reason="x",
                                           leaders=self.leader.pk).status_code, status)
        self.assertFalse(KeySupervision.objects.exists())


class KeyAndRepeatPagesTest(SuggestionTestCase):
    def test_the_office_sees_all_key_suggestions_and_a_leader_his_own_first(self):
        first, second = assigned(self.world, title="第一件"), assigned(self.world, title="第二件")
        key_supervision_mark(actor=self.office, suggestion_id=first.pk, reason="理由",
                             leader_ids=[self.leader.pk])
        key_supervision_mark(actor=self.office, suggestion_id=second.pk, reason="理由",
                             leader_ids=[self.leader.pk])
        self.client.force_login(self.office)
        response = self.client.get(KEY)
        self.assertFalse(response.context["mine"])
        self.assertEqual(len(response.context["rows"]), 2)
        self.assertEqual(self.client.get(KEY + "?show=mine").context["rows"], [])
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(KEY).status_code, 403)

    def test_the_office_flags_repeats_of_this_year(self):
        with at("2024-03-01 10:00"):
            assigned(self.world, title="关于修缮兴建路人行道的建议")
        with at("2025-03-01 10:00"):
            repeat = assigned(self.world, title="关于尽快修缮兴建路人行道的建议")
            self.client.force_login(self.office)
            response = self.client.post(REPEATS, follow=True)
        self.assertContains(response, "新标记重复提出 1 件")
        self.assertContains(response, repeat.title)
        self.assertEqual(events_of(repeat).last().action, "flag_repeat")
        self.client.force_login(self.leader)
        self.assertEqual(self.client.post(REPEATS).status_code, 403)
        self.assertContains(self.client.get(REPEATS), repeat.title)
