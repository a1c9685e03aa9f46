"""The staff screens: scopes per persona, the whole loop through HTTP POSTs, stale actions,
masking of the citizen's mobile number and the list's query count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.models import Event
from renda.opinions.models import Opinion
from renda.opinions.tests.helpers import MOBILE, OpinionTestCase

LIST = reverse("opinions:staff_list")
INBOX = reverse("opinions:unit_inbox")
SUPERVISION = reverse("opinions:supervision")
MASKED = "139****0001"


def detail(opinion: Opinion) -> str:
    return reverse("opinions:staff_detail", args=[opinion.pk])


class StaffViewsTestCase(OpinionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = cls.world.users
        cls.station = users["station_staff"]
        cls.leader = users["leader"]
        cls.other_handler = User.objects.create_user(username="health", display_name="卫健局经办")
        RoleAssignment.objects.create(user=cls.other_handler, role=Role.UNIT_HANDLER,
                                      congress=cls.world.congresses["pingfang"],
                                      unit=cls.world.units["health"])
        cls.nobody = User.objects.create_user(username="nobody")

    def as_(self, user: User) -> None:
        self.client.force_login(user)

    def post(self, opinion: Opinion, action: str, **fields):
        data = {"action": action, **{f"{action}-{key}": value for key, value in fields.items()}}
        return self.client.post(detail(opinion), data)

    def status_of(self, opinion: Opinion) -> str:
        opinion.refresh_from_db()
        return opinion.status


class TestAccess(StaffViewsTestCase):
    def test_it_sends_anonymous_visitors_to_login(self):
        opinion, _ = self.opinion_in("received")
        for url in (LIST, INBOX, SUPERVISION, detail(opinion)):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_shows_the_list_to_every_role_that_reads_opinions(self):
        opinion, _ = self.opinion_in("transferred")
        for key in ("office_staff", "station_staff", "unit_handler", "deputy", "leader"):
            self.as_(self.world.users[key])
            response = self.client.get(LIST)
            self.assertEqual(response.status_code, 200, key)
            self.assertContains(response, opinion.tracking_number)

    def test_it_hides_items_outside_the_scope(self):
        opinion, _ = self.opinion_in("transferred")
        for user in (self.world.outsider, self.other_handler):
            self.as_(user)
            self.assertNotContains(self.client.get(LIST), opinion.tracking_number)
            self.assertEqual(self.client.get(detail(opinion)).status_code, 404)

    def test_it_keeps_songbei_out_of_pingfang_and_back(self):
        songbei, _ = self.submit(congress="songbei", station="songbei", deputy="sun")
        pingfang, _ = self.submit()
        self.as_(self.world.outsider)
        self.assertEqual(self.client.get(detail(songbei)).status_code, 200)
        self.assertEqual(self.client.get(detail(pingfang)).status_code, 404)
        self.as_(self.office)
        self.assertEqual(self.client.get(detail(songbei)).status_code, 404)

    def test_it_refuses_users_without_a_role(self):
        self.as_(self.nobody)
        for url in (LIST, INBOX, SUPERVISION):
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_it_opens_the_inbox_to_units_only(self):
        opinion, _ = self.opinion_in("transferred")
        self.as_(self.handler)
        self.assertContains(self.client.get(INBOX), opinion.tracking_number)
        self.as_(self.other_handler)
        self.assertNotContains(self.client.get(INBOX), opinion.tracking_number)
        self.as_(self.station)
        self.assertEqual(self.client.get(INBOX).status_code, 403)

    def test_it_opens_supervision_to_the_office_only(self):
        opinion, _ = self.opinion_in("accepted")
        self.as_(self.office)
        self.assertContains(self.client.get(SUPERVISION), opinion.tracking_number)
        self.as_(self.world.outsider)
        self.assertNotContains(self.client.get(SUPERVISION), opinion.tracking_number)
        for user in (self.handler, self.station):
            self.as_(user)
            self.assertEqual(self.client.get(SUPERVISION).status_code, 403)

    def test_it_links_the_inboxes_from_the_workbench(self):
        self.as_(self.handler)
        response = self.client.get(reverse("accounts:home"))
        self.assertContains(response, INBOX)
        self.assertNotContains(response, SUPERVISION)
        self.as_(self.office)
        self.assertContains(self.client.get(reverse("accounts:home")), SUPERVISION)
        self.as_(self.nobody)
        self.assertNotContains(self.client.get(reverse("accounts:home")), LIST)


class TestList(StaffViewsTestCase):
    def test_it_filters_by_status_and_tracking_number(self):
        received, _ = self.opinion_in("received")
        transferred, _ = self.opinion_in("transferred")
        self.as_(self.office)
        response = self.client.get(LIST, {"status": "transferred"})
        self.assertContains(response, transferred.tracking_number)
        self.assertNotContains(response, received.tracking_number)
        response = self.client.get(LIST, {"q": received.tracking_number[-6:]})
        self.assertContains(response, received.tracking_number)
        self.assertNotContains(response, transferred.tracking_number)

    def test_it_shows_the_working_days_left(self):
        self.opinion_in("transferred")
        self.as_(self.office)
        self.assertContains(self.client.get(LIST), "个工作日")

    def test_it_marks_overdue_items(self):
        opinion, _ = self.opinion_in("accepted")
        Opinion.objects.filter(pk=opinion.pk).update(due_at=opinion.transferred_at)
        self.as_(self.office)
        self.assertContains(self.client.get(SUPERVISION), "已超期")

    def test_it_masks_the_mobile_for_roles_without_the_private_permission(self):
        self.opinion_in("received")
        self.as_(self.leader)
        response = self.client.get(LIST)
        self.assertContains(response, MASKED)
        self.assertNotContains(response, MOBILE)
        self.as_(self.station)
        response = self.client.get(LIST)
        self.assertContains(response, MOBILE)
        self.assertNotContains(response, MASKED)

    def test_it_masks_the_mobile_on_the_detail_page_too(self):
        opinion, _ = self.opinion_in("received")
        self.as_(self.leader)
        self.assertNotContains(self.client.get(detail(opinion)), MOBILE)
        self.as_(self.office)
        self.assertContains(self.client.get(detail(opinion)), MOBILE)

    def test_its_query_count_does_not_grow_with_rows(self):
        def transferred(count: int) -> None:
            for _ in range(count):
                self.opinion_in("transferred")

        self.as_(self.office)
        transferred(3)
        with CaptureQueriesContext(connection) as three:
            self.assertEqual(self.client.get(LIST).status_code, 200)
        transferred(9)
        with self.assertNumQueries(len(three)):
            response = self.client.get(LIST)
        self.assertEqual(len(response.context["page_obj"].object_list), 12)


class TestActions(StaffViewsTestCase):
    def test_it_runs_the_whole_loop_through_the_screens(self):
        opinion, _ = self.opinion_in("received")
        self.as_(self.station)
        response = self.post(opinion, "transfer", unit=self.world.units["housing"].pk,
                             note="请尽快修复")
        self.assertRedirects(response, detail(opinion))
        self.assertEqual(self.status_of(opinion), Opinion.Status.TRANSFERRED)
        self.as_(self.handler)
        self.assertRedirects(self.post(opinion, "accept"), detail(opinion))
        self.assertEqual(self.status_of(opinion), Opinion.Status.ACCEPTED)
        self.assertRedirects(self.post(opinion, "reply", body="已更换路灯。"), detail(opinion))
        self.assertEqual(self.status_of(opinion), Opinion.Status.REPLIED)
        self.as_(self.station)
        response = self.post(opinion, "confirm", note="已电话告知")
        self.assertRedirects(response, detail(opinion))
        self.assertEqual(self.status_of(opinion), Opinion.Status.CONFIRMED)
        page = self.client.get(detail(opinion))
        self.assertContains(page, "已更换路灯。")
        self.assertContains(page, "已电话告知")
        self.assertContains(page, str(self.handler))

    def test_it_offers_only_the_actions_the_user_may_take(self):
        opinion, _ = self.opinion_in("transferred")
        self.as_(self.handler)
        actions = [a["action"] for a in self.client.get(detail(opinion)).context["actions"]]
        self.assertEqual(actions, ["accept", "return"])
        self.as_(self.leader)
        self.assertEqual(self.client.get(detail(opinion)).context["actions"], [])

    def test_it_offers_only_units_of_the_congress_area(self):
        opinion, _ = self.opinion_in("received")
        self.as_(self.office)
        response = self.client.get(detail(opinion))
        self.assertContains(response, self.world.units["housing"].name)
        self.assertNotContains(response, self.world.units["songbei_gov"].name)

    def test_a_stale_action_asks_to_refresh_and_changes_nothing(self):
        opinion, _ = self.opinion_in("accepted")
        events = Event.objects.count()
        self.as_(self.handler)
        response = self.post(opinion, "accept", note="签收")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "请刷新", status_code=409)
        self.assertEqual(self.status_of(opinion), Opinion.Status.ACCEPTED)
        self.assertEqual(Event.objects.count(), events)

    def test_a_stale_triage_keeps_what_was_typed(self):
        opinion, _ = self.opinion_in("transferred")
        self.as_(self.office)
        response = self.post(opinion, "answer_on_spot", note="路灯已列入本周维修计划")
        self.assertContains(response, "请刷新", status_code=409)
        self.assertContains(response, "路灯已列入本周维修计划", status_code=409)
        self.assertEqual(self.status_of(opinion), Opinion.Status.TRANSFERRED)

    def test_it_declines_with_a_reason_from_the_list(self):
        opinion, _ = self.opinion_in("received")
        self.as_(self.station)
        response = self.post(opinion, "decline", reason="made-up", note="说明")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.status_of(opinion), Opinion.Status.RECEIVED)
        self.post(opinion, "decline", reason=Opinion.DeclineReason.DUPLICATE)
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, Opinion.Status.DECLINED)
        self.assertEqual(opinion.decline_reason, Opinion.DeclineReason.DUPLICATE)

    def test_an_empty_reply_keeps_the_form_and_changes_nothing(self):
        opinion, _ = self.opinion_in("accepted")
        self.as_(self.handler)
        response = self.post(opinion, "reply", body="   ")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["actions"])
        self.assertEqual(self.status_of(opinion), Opinion.Status.ACCEPTED)

    def test_a_return_needs_a_reason(self):
        opinion, _ = self.opinion_in("transferred")
        self.as_(self.handler)
        self.assertEqual(self.post(opinion, "return", reason="").status_code, 400)
        # The item has left the unit's scope: back to the inbox, not to a 404.
        self.assertRedirects(self.post(opinion, "return", reason="不属于本单位职责"), INBOX)
        self.assertEqual(self.status_of(opinion), Opinion.Status.RECEIVED)

    def test_an_extension_is_bounded_by_the_setting(self):
        opinion, _ = self.opinion_in("accepted")
        due = opinion.due_at
        self.as_(self.office)
        response = self.post(opinion, "extend", amount=11)
        self.assertContains(response, "10", status_code=400)
        self.assertRedirects(self.post(opinion, "extend", amount=5, note="需协调供电公司"),
                             detail(opinion))
        opinion.refresh_from_db()
        self.assertTrue(opinion.extension_used)
        self.assertGreater(opinion.due_at, due)

    def test_a_second_extension_is_refused_with_a_message(self):
        opinion, _ = self.opinion_in("accepted")
        self.as_(self.office)
        self.post(opinion, "extend", amount=5)
        response = self.post(opinion, "extend", amount=5)
        self.assertContains(response, "只能延期一次", status_code=409)

    def test_it_answers_403_to_an_action_without_the_permission(self):
        opinion, _ = self.opinion_in("replied")
        self.as_(self.leader)
        self.assertEqual(self.post(opinion, "confirm").status_code, 403)
        self.assertEqual(self.status_of(opinion), Opinion.Status.REPLIED)

    def test_another_unit_cannot_act_on_the_item(self):
        opinion, _ = self.opinion_in("transferred")
        self.as_(self.other_handler)
        self.assertEqual(self.post(opinion, "accept").status_code, 404)
        self.assertEqual(self.status_of(opinion), Opinion.Status.TRANSFERRED)

    def test_it_rejects_unknown_actions(self):
        opinion, _ = self.opinion_in("confirmed")
        self.as_(self.office)
        self.assertEqual(self.client.post(detail(opinion), {"action": "rate"}).status_code, 400)
