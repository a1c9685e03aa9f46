"""The office's review pages: the queue (filters, a fixed number of queries), one suggestion
with a form per action, the link to the citizen's opinion, stale actions keeping the text."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.opinions import services as opinion_services
from renda.opinions.models import Opinion
from renda.suggestions.models import Suggestion
from renda.suggestions.services import drafting, review
from renda.suggestions.tests.test_drafting_base import SuggestionTestCase, motion_minimum

S = Suggestion.Status
QUEUE = reverse("suggestions:review_queue")


def page_of(suggestion: Suggestion) -> str:
    return reverse("suggestions:review_detail", args=[suggestion.pk])


class ReviewPageTest(SuggestionTestCase):
    def setUp(self):
        self.client.force_login(self.office)

    def post(self, suggestion, action, **fields):
        data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
        return self.client.post(page_of(suggestion), data, follow=True)

    def test_the_page_offers_the_review_actions_of_a_submitted_suggestion(self):
        suggestion = self.submitted(cosigners=(self.li,))
        page = self.client.get(page_of(suggestion))
        for text in ("立案", "退回代表", "转为来信处理", "王建国", "李秀英", "已确认",
                     "代表本人或其亲属的个人事务", "具体司法案件"):
            self.assertContains(page, text)
        self.assertNotContains(page, "不作为议案，转为建议")

    def test_registering_shows_the_number(self):
        suggestion = self.submitted()
        page = self.post(suggestion, "register", note="符合立案条件")
        suggestion.refresh_from_db()
        self.assertContains(page, f"已立案，编号 {suggestion.code}")
        self.assertContains(page, suggestion.code)
        self.assertNotContains(page, "退回代表</button>")

    def test_returning_needs_a_reason_and_the_deputy_reads_it(self):
        suggestion = self.submitted()
        response = self.client.post(page_of(suggestion), {"action": "return", "return-reason": ""})
        self.assertContains(response, "此项不能为空", status_code=400)
        self.post(suggestion, "return", reason="请补充问题发生的具体位置")
        self.client.force_login(self.wang)
        page = self.client.get(reverse("suggestions:mine_detail", args=[suggestion.pk]))
        self.assertContains(page, "请补充问题发生的具体位置")

    def test_a_letter_needs_a_reason_from_the_list_and_the_deputy_reads_it(self):
        suggestion = self.submitted()
        response = self.client.post(page_of(suggestion), {
            "action": "to_letter", "to_letter-reason": "", "to_letter-note": "说明"})
        self.assertContains(response, "请选择转为来信处理的理由", status_code=400)
        self.assertContains(response, "说明", status_code=400)
        self.post(suggestion, "to_letter", reason="petition", note="已转区信访局")
        self.client.force_login(self.wang)
        page = self.client.get(reverse("suggestions:mine_detail", args=[suggestion.pk]))
        self.assertContains(page, "代转的群众来信来访（信访事项）")
        self.assertContains(page, "已转区信访局")

    def test_a_motion_is_registered_as_one_or_made_a_suggestion(self):
        motion_minimum(self.world, 2)
        motion = self.submitted(kind=Suggestion.Kind.MOTION, cosigners=(self.li,))
        page = self.client.get(page_of(motion))
        self.assertContains(page, "作为议案立案")
        self.assertContains(page, "不作为议案，转为建议")
        page = self.post(motion, "to_suggestion", reason="属于具体工作建议")
        self.assertContains(page, "已转为建议，可按建议立案")
        self.assertContains(page, "议案转为建议")
        self.assertNotContains(page, "作为议案立案")

    def test_a_stale_action_keeps_the_typed_reason(self):
        suggestion = self.submitted()
        review.suggestion_register(actor=self.office, suggestion_id=suggestion.pk)
        response = self.client.post(page_of(suggestion),
                                    {"action": "return", "return-reason": "我写的退回理由"})
        self.assertContains(response, "当前状态下不能执行“退回代表”", status_code=409)
        self.assertContains(response, "我写的退回理由", status_code=409)

    def test_an_unknown_action_is_a_400(self):
        suggestion = self.submitted()
        response = self.client.post(page_of(suggestion), {"action": "submit"})
        self.assertEqual(response.status_code, 400)

    def test_a_suggestion_from_a_citizens_opinion_links_to_it_and_back(self):
        opinion, _secret = opinion_services.opinion_submit(
            congress=self.pingfang, channel=Opinion.Channel.HOTLINE, type_code="help",
            title="小区路灯不亮", content="兴建路 8 号小区路灯坏了一个月。",
            addressed_station=self.world.stations["xingjian"])
        suggestion = drafting.suggestion_draft_from_opinion(
            actor=self.world.users["station_staff"], opinion_id=opinion.pk,
            deputy=self.wang.deputy)
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        opinion_url = reverse("opinions:staff_detail", args=[opinion.pk])
        page = self.client.get(page_of(suggestion))
        self.assertContains(page, f'href="{opinion_url}"')
        self.assertContains(page, opinion.tracking_number)
        self.assertContains(self.client.get(opinion_url), suggestion.title)
        queue = self.client.get(QUEUE)
        self.assertContains(queue, "来自群众反映")

    def test_the_queue_costs_the_same_whatever_its_length(self):
        self.submitted()
        with CaptureQueriesContext(connection) as few:
            self.assertEqual(self.client.get(QUEUE).status_code, 200)
        for _ in range(8):
            self.submitted(cosigners=(self.li,))
        with self.assertNumQueries(len(few)):
            page = self.client.get(QUEUE)
        self.assertContains(page, "共 9 件待审查")

    def test_odd_filters_are_harmless(self):
        self.submitted()
        for params in ({"session": "abc"}, {"session": "999999999999999999999"},
                       {"category": "\x00"}, {"deputy": "<script>"}, {"kind": "x"},
                       {"page": "-1"}):
            with self.subTest(params=params):
                self.assertEqual(self.client.get(QUEUE, params).status_code, 200)

    def test_the_workbench_links_by_permission(self):
        home = reverse("accounts:home")
        self.assertContains(self.client.get(home), "建议审查（立案、退回）")
        self.assertNotContains(self.client.get(home), "我的建议（起草、联名确认）")
        self.client.force_login(self.wang)
        self.assertContains(self.client.get(home), "我的建议（起草、联名确认）")
        self.assertNotContains(self.client.get(home), "建议审查（立案、退回）")
        self.client.force_login(self.world.users["unit_handler"])
        page = self.client.get(home)
        self.assertNotContains(page, "我的建议（起草、联名确认）")
        self.assertNotContains(page, "建议审查（立案、退回）")
