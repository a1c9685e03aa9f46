"""The screens of 交 and 办 through HTTP: scopes per persona (a 404 outside them), the office's
assignment and decisions, the unit's actions, stale forms that keep what was typed, and the
inbox's query count."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.suggestions.models import Assignment, Commitment, Suggestion
from renda.suggestions.services import handling
from renda.suggestions.tests.factories import HandlingTestCase

QUEUE = reverse("suggestions:assign_queue")
INBOX = reverse("suggestions:unit_inbox")
A = Assignment.Status


def office_page(suggestion: Suggestion) -> str:
    return reverse("suggestions:assign_detail", args=[suggestion.pk])


def unit_page(assignment: Assignment) -> str:
    return reverse("suggestions:unit_detail", args=[assignment.pk])


class ViewsTestCase(HandlingTestCase):
    def as_(self, user) -> None:
        self.client.force_login(user)

    def post(self, url: str, key: str, **fields):
        data = {"action": key, **{f"{key}-{name}": value for name, value in fields.items()}}
        return self.client.post(url, data)


class AccessTest(ViewsTestCase):
    def test_anonymous_visitors_go_to_login(self):
        suggestion = self.assigned()
        lead = self.assignment(suggestion)
        for url in (QUEUE, INBOX, office_page(suggestion), unit_page(lead),
                    reverse("suggestions:assignment_sheet", args=[suggestion.pk])):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_each_list_belongs_to_its_role(self):
        for user, url, status in ((self.handler, QUEUE, 403), (self.world.users["deputy"], QUEUE,
                                                                 403),
                                  (self.office, INBOX, 403), (self.world.users["deputy"], INBOX,
                                                              403),
                                  (self.office, QUEUE, 200), (self.handler, INBOX, 200)):
            with self.subTest(user=user.username, url=url):
                self.as_(user)
                self.assertEqual(self.client.get(url).status_code, status)

    def test_the_workbench_links_by_role(self):
        home = reverse("accounts:home")
        for user, present, absent in ((self.office, QUEUE, INBOX), (self.handler, INBOX, QUEUE),
                                      (self.world.users["deputy"], None, QUEUE)):
            with self.subTest(user=user.username):
                self.as_(user)
                page = self.client.get(home)
                if present:
                    self.assertContains(page, f'href="{present}"')
                self.assertNotContains(page, f'href="{absent}"')

    def test_pages_outside_the_scope_are_404(self):
        suggestion = self.assigned()
        lead, assisting = self.assignment(suggestion), self.assignment(suggestion, "health")
        for user, url in ((self.handler, office_page(suggestion)),
                          (self.world.outsider, office_page(suggestion)),
                          (self.health, unit_page(lead)), (self.handler, unit_page(assisting)),
                          (self.world.outsider, unit_page(lead)),
                          (self.world.users["deputy"], unit_page(lead))):
            with self.subTest(user=user.username, url=url):
                self.as_(user)
                self.assertEqual(self.client.get(url).status_code, 404)


class OfficeTest(ViewsTestCase):
    @time_machine.travel("2026-09-30 09:00 +0800", tick=False)
    def test_the_queue_shows_registered_suggestions_with_their_deadline(self):
        suggestion = self.registered()
        self.as_(self.office)
        response = self.client.get(QUEUE)
        self.assertContains(response, suggestion.title)
        self.assertContains(response, "须于 2026-10-13 前交办")
        self.as_(self.world.outsider)
        self.assertNotContains(self.client.get(QUEUE), suggestion.title)

    def test_the_queue_costs_the_same_queries_for_one_row_or_four(self):
        self.registered()
        self.as_(self.office)
        self.client.get(QUEUE)  # warm the session and the content types
        with CaptureQueriesContext(connection) as one:
            self.client.get(QUEUE)
        for _ in range(3):
            self.registered()
        with self.assertNumQueries(len(one)):
            response = self.client.get(QUEUE)
        self.assertEqual(len(response.context["page_obj"].object_list), 4)

    def test_the_office_assigns_a_lead_and_an_assisting_unit(self):
        suggestion = self.registered()
        self.as_(self.office)
        url = office_page(suggestion)
        self.assertContains(self.client.get(url), "主办单位")
        response = self.post(url, "assign", lead_unit=self.units["housing"].pk,
                             assisting_units=[self.units["health"].pk], note="请抓紧办理")
        self.assertRedirects(response, url, fetch_redirect_response=False)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, Suggestion.Status.ASSIGNED)
        page = self.client.get(url)
        self.assertContains(page, "已完成“交办”")
        self.assertContains(page, "下载交办单（PDF）")
        self.assertContains(page, "平房区卫生健康局")

    def test_a_bad_plan_comes_back_with_the_note(self):
        suggestion = self.registered()
        self.as_(self.office)
        response = self.post(office_page(suggestion), "assign", note="交办意见保留")
        self.assertContains(response, "请选择主办单位，或选择分别办理的单位", status_code=400)
        self.assertContains(response, "交办意见保留", status_code=400)

    def test_a_stale_assignment_keeps_what_was_typed(self):
        suggestion = self.registered()
        handling.suggestion_assign(actor=self.office, suggestion_id=suggestion.pk,
                                   lead_unit_id=self.units["gov"].pk)
        self.as_(self.office)
        response = self.post(office_page(suggestion), "assign",
                             lead_unit=self.units["housing"].pk, note="另一位同事写的交办意见")
        self.assertContains(response, "未能提交的内容", status_code=409)
        self.assertContains(response, "另一位同事写的交办意见", status_code=409)
        self.assertEqual(suggestion.assignments.count(), 1)

    def test_the_office_decides_a_request_and_extends(self):
        suggestion = self.assigned()
        lead = self.assignment(suggestion)
        handling.assignment_request_reassign(actor=self.handler, assignment_id=lead.pk,
                                             reason="归热力公司管理")
        self.as_(self.office)
        url = office_page(suggestion)
        page = self.client.get(url)
        self.assertContains(page, "归热力公司管理")
        self.assertContains(page, "同意调整")
        response = self.post(url, f"reassign_refuse-{lead.pk}", reason="属住建局职责")
        self.assertRedirects(response, url)
        lead.refresh_from_db()
        self.assertEqual(lead.status, A.ACKNOWLEDGED)
        response = self.post(url, f"extend-{lead.pk}", amount=3, note="需列入明年预算")
        self.assertRedirects(response, url)
        lead.refresh_from_db()
        self.assertTrue(lead.extension_used)
        self.assertContains(self.client.get(url), "答复期限由")

    def test_an_assignment_of_another_suggestion_is_not_found(self):
        suggestion, other = self.assigned(), self.assigned()
        self.as_(self.office)
        response = self.post(office_page(suggestion),
                             f"extend-{self.assignment(other).pk}", amount=1)
        self.assertEqual(response.status_code, 404)
        response = self.post(office_page(suggestion), "explode")
        self.assertEqual(response.status_code, 400)


class UnitTest(ViewsTestCase):
    def test_the_inbox_shows_only_the_unit_own_assignments(self):
        suggestion = self.assigned(title="关于改造兴建路供暖管网的建议")
        other = self.assigned(lead="health", assisting=(), title="关于增设社区卫生站的建议")
        self.as_(self.handler)
        response = self.client.get(INBOX)
        self.assertContains(response, suggestion.title)
        self.assertNotContains(response, other.title)
        self.assertContains(response, "还剩")
        self.as_(self.health)
        response = self.client.get(INBOX)
        self.assertContains(response, suggestion.title)  # as assisting unit
        self.assertContains(response, other.title)

    def test_the_inbox_costs_the_same_queries_for_one_row_or_four(self):
        self.assigned()
        self.as_(self.handler)
        self.client.get(INBOX)  # warm the session and the content types
        with CaptureQueriesContext(connection) as one:
            self.client.get(INBOX)
        for _ in range(3):
            self.assigned()
        with self.assertNumQueries(len(one)):
            response = self.client.get(INBOX)
        self.assertEqual(len(response.context["page_obj"].object_list), 4)

    def test_the_unit_walks_its_assignment_through_the_page(self):
        suggestion = self.assigned()
        lead = self.assignment(suggestion)
        self.as_(self.handler)
        url = unit_page(lead)
        self.assertRedirects(self.post(url, "acknowledge"), url)
        response = self.post(url, "reply", category="A", body="已列入计划。", signer="刘局长",
                             contact_person="张科长", contact_phone="0451-86801111",
                             is_public="on")
        self.assertContains(response, "答复前须先与代表沟通", status_code=400)
        self.assertContains(response, "已列入计划。", status_code=400)
        self.assertRedirects(self.post(url, "contact", method="face_to_face",
                                       contacted_on=datetime.date.today().isoformat(),
                                       participants="王建国代表、刘科长", note="现场查看管网。"),
                             url)
        promised = (datetime.date.today() + datetime.timedelta(days=120)).isoformat()
        response = self.post(url, "reply", category="B", body="一、列入明年改造计划。",
                             signer="刘局长", contact_person="张科长",
                             contact_phone="0451-86801111", promised_date=promised)
        self.assertRedirects(response, url)
        lead.refresh_from_db()
        self.assertEqual(lead.status, A.REPLIED)
        self.assertFalse(lead.replies.get().is_public)  # the box was left unticked
        self.assertEqual(Commitment.objects.get().promised_date.isoformat(), promised)
        page = self.client.get(url)
        self.assertContains(page, "下载答复函（PDF）")
        self.assertContains(page, "现场查看管网。")

    def test_the_lead_unit_reads_the_assisting_view_a_separate_unit_not_the_others_reply(self):
        suggestion = self.assigned()
        assisting = self.acknowledged(suggestion, "health")
        handling.assignment_send_opinion(actor=self.health, assignment_id=assisting.pk,
                                         body="卫健局协办意见：同步改造卫生站。")
        self.as_(self.handler)
        self.assertContains(self.client.get(unit_page(self.assignment(suggestion))),
                            "卫健局协办意见")
        separate = self.assigned(lead=None, assisting=(), separate=("housing", "health"))
        self.reply(self.ready_to_reply(separate, "health"), body="卫健局的分办答复。")
        page = self.client.get(unit_page(self.assignment(separate)))
        self.assertNotContains(page, "卫健局的分办答复。")
        self.assertContains(page, "平房区卫生健康局（分办）")

    def test_a_late_request_for_reassignment_says_why(self):
        with time_machine.travel("2026-09-28 10:00 +0800", tick=False):
            lead = self.assignment(self.assigned())
        self.as_(self.handler)
        with time_machine.travel("2026-10-20 10:00 +0800", tick=False):
            response = self.post(unit_page(lead), "request_reassign", reason="不是本单位职责")
        self.assertContains(response, "已超过申请调整交办的时限", status_code=400)
        self.assertContains(response, "不是本单位职责", status_code=400)

    def test_a_cancelled_assignment_leaves_the_unit_page(self):
        lead = self.assignment(self.assigned())
        self.as_(self.handler)
        response = self.post(unit_page(lead), "request_reassign", reason="不是本单位职责")
        self.assertRedirects(response, unit_page(lead))
        handling.assignment_reassign_approve(actor=self.office, assignment_id=lead.pk)
        self.assertEqual(self.client.get(unit_page(lead)).status_code, 404)
        self.assertNotContains(self.client.get(INBOX), lead.suggestion.title)
