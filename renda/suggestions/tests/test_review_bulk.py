"""Bulk registration for the week of a plenary session: hundreds at once, each in its own
transaction, numbered in the order submitted, failures reported with their reasons; the
number of queries grows by a fixed amount per item."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.suggestions.models import Suggestion
from renda.suggestions.services import drafting, review
from renda.suggestions.tests.test_drafting_base import SuggestionTestCase, at

S = Suggestion.Status
# Lock with the scope check, the counter (locked read and write), the suggestion, its
# history row, its event, and the savepoint around each item under the test's transaction.
QUERIES_PER_ITEM = 8
MANY = 200


class BulkTest(SuggestionTestCase):
    def test_it_numbers_in_the_order_submitted_whatever_the_order_asked(self):
        with time_machine.travel(at(2022, 3, 1, 9), tick=False):
            late = self.submitted(title="后提交的建议")  # created first, submitted last
        early = []
        for hour in (10, 11, 12):
            with time_machine.travel(at(2022, 2, 1, hour), tick=False):
                early.append(self.submitted(title=f"{hour} 点提交的建议"))
        Suggestion.objects.filter(pk=late.pk).update(submitted_at=at(2022, 3, 2))
        asked = [late.pk, early[2].pk, early[0].pk, early[1].pk]
        result = review.suggestion_register_bulk(actor=self.office, suggestion_ids=asked)
        self.assertEqual([(s.pk, s.number) for s in result.registered],
                         [(early[0].pk, 1), (early[1].pk, 2), (early[2].pk, 3), (late.pk, 4)])
        self.assertEqual(result.failures, [])

    def test_failures_are_reported_with_reasons_and_leave_the_others_registered(self):
        good = [self.submitted() for _ in range(2)]
        done = review.suggestion_register(actor=self.office, suggestion_id=self.submitted().pk)
        draft = self.draft()
        songbei = drafting.suggestion_draft_new(
            actor=self.sun, congress=self.world.congresses["songbei"], title="松北区的建议",
            content="内容", category="urban")
        drafting.suggestion_submit(actor=self.sun, suggestion_id=songbei.pk)
        asked = [g.pk for g in good] + [done.pk, draft.pk, songbei.pk, 10**9]
        result = review.suggestion_register_bulk(actor=self.office, suggestion_ids=asked)
        self.assertEqual(sorted(s.pk for s in result.registered), sorted(g.pk for g in good))
        failures = {f.suggestion_id: (f.title, f.message) for f in result.failures}
        self.assertEqual(set(failures), {done.pk, draft.pk, songbei.pk, 10**9})
        self.assertIn("当前状态下不能执行“立案”", failures[done.pk][1])
        self.assertEqual(failures[songbei.pk], ("", "不存在或无权处理"))
        self.assertEqual(failures[10**9], ("", "不存在或无权处理"))
        songbei.refresh_from_db()
        self.assertEqual(songbei.status, S.SUBMITTED)

    def test_200_at_once_with_a_fixed_number_of_queries_per_item(self):
        items = [self.submitted(title=f"第 {n} 件建议") for n in range(MANY + 3)]
        first, pair, rest = items[0], items[1:3], items[3:]
        review.suggestion_register_bulk(actor=self.office, suggestion_ids=[first.pk])
        with CaptureQueriesContext(connection) as one:
            review.suggestion_register_bulk(actor=self.office, suggestion_ids=[pair[0].pk])
        with CaptureQueriesContext(connection) as two:
            review.suggestion_register_bulk(actor=self.office, suggestion_ids=[pair[1].pk])
        per_item = len(two) - (len(one) - QUERIES_PER_ITEM)
        self.assertEqual(per_item, QUERIES_PER_ITEM)
        fixed = len(one) - QUERIES_PER_ITEM
        with self.assertNumQueries(fixed + QUERIES_PER_ITEM * MANY):
            result = review.suggestion_register_bulk(actor=self.office,
                                                     suggestion_ids=[s.pk for s in rest])
        self.assertEqual(len(result.registered), MANY)
        self.assertEqual([s.number for s in result.registered], list(range(4, MANY + 4)))
        self.assertEqual(Suggestion.objects.filter(status=S.REGISTERED).count(), MANY + 3)


class BulkPageTest(SuggestionTestCase):
    def setUp(self):
        self.client.force_login(self.office)

    def test_the_ticked_rows_are_registered_and_the_result_lists_numbers_and_failures(self):
        items = [self.submitted(title=f"第 {n} 件建议") for n in range(3)]
        review.suggestion_return(actor=self.office, suggestion_id=items[2].pk, reason="补充")
        response = self.client.post(reverse("suggestions:review_bulk"), {
            "scope": "selected", "ids": [items[0].pk, items[1].pk, items[2].pk],
            "note": "大会期间集中审查"})
        self.assertContains(response, "共选择 3 件：2 件已立案，1 件未能立案。")
        self.assertContains(response, "当前状态下不能执行“立案”")
        for item in items[:2]:
            item.refresh_from_db()
            self.assertContains(response, item.code)

    def test_everything_the_filters_find_is_registered_at_once(self):
        self.submitted(title="交通建议", category="transport")
        urban = [self.submitted() for _ in range(2)]
        response = self.client.post(reverse("suggestions:review_bulk"), {
            "scope": "filtered", "category": "urban", "session": "", "kind": "", "deputy": "",
            "expected": "2"})
        self.assertContains(response, "共选择 2 件：2 件已立案，0 件未能立案。")
        self.assertEqual(
            set(Suggestion.objects.filter(status=S.REGISTERED).values_list("pk", flat=True)),
            {s.pk for s in urban})

    def test_all_filtered_refuses_when_the_list_changed_or_the_filters_are_odd(self):
        self.submitted()
        url = reverse("suggestions:review_bulk")
        cases = [({"expected": "2"}, "待审查的建议有变化（现有 1 件）"),
                 ({"session": "abc"}, "筛选条件无效"), ({"kind": "decree"}, "筛选条件无效")]
        for change, message in cases:
            with self.subTest(change=change):
                response = self.client.post(url, {"scope": "filtered", **change}, follow=True)
                self.assertContains(response, message)
        self.assertFalse(Suggestion.objects.filter(status=S.REGISTERED).exists())

    def test_nothing_ticked_or_odd_ids_say_so_and_register_nothing(self):
        self.submitted()
        url = reverse("suggestions:review_bulk")
        for ids in ([], ["abc"], ["-1"], ["1\x00"]):
            with self.subTest(ids=ids):
                response = self.client.post(url, {"scope": "selected", "ids": ids}, follow=True)
                self.assertContains(response, "请")
        self.assertFalse(Suggestion.objects.filter(status=S.REGISTERED).exists())

    def test_others_may_not_register_in_bulk(self):
        item = self.submitted()
        for user in (self.wang, self.world.users["unit_handler"], self.world.users["leader"]):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                response = self.client.post(reverse("suggestions:review_bulk"),
                                            {"scope": "selected", "ids": [item.pk]})
                self.assertEqual(response.status_code, 403)
        self.client.force_login(self.outsider)
        response = self.client.post(reverse("suggestions:review_bulk"),
                                    {"scope": "selected", "ids": [item.pk]})
        self.assertContains(response, "不存在或无权处理")
        self.assertNotContains(response, item.title)
        item.refresh_from_db()
        self.assertEqual(item.status, S.SUBMITTED)

    def test_a_session_week_of_many_deputies_is_filtered_by_session_and_deputy(self):
        session = self.world.terms["pingfang"].sessions.get(number=1)
        with time_machine.travel(at(2022, 1, 6), tick=False):
            self.submitted(title="大会期间的建议")
            by_li = drafting.suggestion_draft_new(
                actor=self.li, congress=self.pingfang, title="李代表的建议", content="内容",
                category="urban")
            drafting.suggestion_submit(actor=self.li, suggestion_id=by_li.pk)
        self.submitted(title="闭会期间的建议")
        page = self.client.get(reverse("suggestions:review_queue"), {"session": session.pk})
        self.assertContains(page, "大会期间的建议")
        self.assertContains(page, "李代表的建议")
        self.assertNotContains(page, "闭会期间的建议")
        page = self.client.get(reverse("suggestions:review_queue"),
                               {"session": session.pk, "deputy": "李"})
        self.assertContains(page, "李代表的建议")
        self.assertNotContains(page, "大会期间的建议")
