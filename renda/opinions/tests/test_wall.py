"""The echo wall (回音壁): posts prepared when a consenting citizen's item is resolved, the
staff's review per role, the public pages (published posts only, anonymised, escaped, a fixed
number of queries) and the demo."""

from io import StringIO

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.models import Event
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.opinions import services, wall
from renda.opinions.models import EchoWallPost, Opinion
from renda.opinions.tests.helpers import MOBILE, OpinionTestCase

P = EchoWallPost.Status
R = Opinion.Rating
WALL = reverse("opinions:wall")
QUEUE = reverse("opinions:wall_review")
CONTENT = ("我叫张三，住兴建路8号3单元502室，电话13904510001。楼下王阿姨也反映过，"
           "2026年3月以来路灯坏了3个月，物业说修要500元。")
MASKED_CONTENT = ("我叫张*，住兴建路*号*单元*室，电话***********。楼下某阿姨也反映过，"
                  "2026年3月以来路灯坏了3个月，物业说修要500元。")


def wall_detail(post: EchoWallPost) -> str:
    return reverse("opinions:wall_detail", args=[post.pk])


def review_url(post: EchoWallPost) -> str:
    return reverse("opinions:wall_review_post", args=[post.pk])


class WallTestCase(OpinionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.station = cls.world.users["station_staff"]
        cls.youxie_staff = User.objects.create_user(username="youxie", display_name="友协站")
        RoleAssignment.objects.create(user=cls.youxie_staff, role=Role.STATION_STAFF,
                                      congress=cls.world.congresses["pingfang"],
                                      station=cls.world.stations["youxie"])

    def submit_own(self, *, consent: bool = True, content: str = CONTENT,
                   title: str = "张三反映兴建路8号路灯不亮", type_code: str = "help",
                   station: str = "xingjian", congress: str = "pingfang"):
        return services.opinion_submit(
            congress=self.world.congresses[congress], channel=Opinion.Channel.QR_STATION,
            type_code=type_code, title=title, content=content, citizen_name="张三",
            citizen_mobile=MOBILE, addressed_station=self.world.stations[station],
            consent_publish=consent)

    def rated(self, *, consent: bool = True, rating: str = R.SATISFIED,
              **submit) -> Opinion:
        """An item the citizen rates after the unit's reply ("已更换路灯。")."""
        opinion, secret = self.submit_own(consent=consent, **submit)
        for step in (
            lambda: services.opinion_transfer(actor=self.office, opinion_id=opinion.pk,
                                              unit_id=self.world.units["housing"].pk),
            lambda: services.opinion_accept(actor=self.handler, opinion_id=opinion.pk),
            lambda: services.opinion_reply(actor=self.handler, opinion_id=opinion.pk,
                                           body="已更换路灯。如有问题请联系张三家门口的"
                                                "物业，电话0451-86661234。"),
            lambda: services.opinion_confirm(actor=self.office, opinion_id=opinion.pk),
            lambda: services.opinion_rate(tracking_number=opinion.tracking_number,
                                          secret=secret, rating=rating),
        ):
            step()
        opinion.refresh_from_db()
        return opinion

    def triaged(self, outcome: str = "answer_on_spot", *, consent: bool = True,
                actor: User | None = None, **submit) -> Opinion:
        opinion, _secret = self.submit_own(consent=consent, **submit)
        services.opinion_triage(actor=actor or self.station, opinion_id=opinion.pk,
                                outcome=outcome, reason="duplicate",
                                note="已当场解答，可拨打13904510001找到张三本人核实。")
        opinion.refresh_from_db()
        return opinion

    def post_of(self, opinion: Opinion) -> EchoWallPost:
        return EchoWallPost.objects.get(opinion=opinion)

    def published(self, **kwargs) -> EchoWallPost:
        post = self.post_of(self.rated(**kwargs))
        return wall.wall_post_review(actor=self.office, post_id=post.pk, action="publish",
                                     title=post.title, content=post.content, reply=post.reply)


# Preparing -------------------------------------------------------------------------------------


class TestPrepare(WallTestCase):
    def test_it_prepares_an_anonymised_pending_post_when_the_citizen_is_satisfied(self):
        post = self.post_of(self.rated())
        self.assertEqual(post.status, P.PENDING)
        self.assertEqual(post.title, "张*反映兴建路*号路灯不亮")
        self.assertEqual(post.content, MASKED_CONTENT)
        self.assertEqual(post.reply, "已更换路灯。如有问题请联系张*家门口的物业，电话****-********。")
        self.assertEqual([e.action for e in events_of(post)], ["prepare"])

    def test_basically_satisfied_also_counts(self):
        self.assertEqual(self.post_of(self.rated(rating=R.BASICALLY_SATISFIED)).status,
                         P.PENDING)

    def test_it_prepares_nothing_without_consent_or_when_dissatisfied(self):
        self.rated(consent=False)
        self.rated(rating=R.DISSATISFIED)
        self.triaged(consent=False)
        self.assertFalse(EchoWallPost.objects.exists())

    def test_on_the_spot_and_in_the_station_the_triage_note_is_the_reply(self):
        for outcome in ("answer_on_spot", "handle_in_station"):
            with self.subTest(outcome=outcome):
                post = self.post_of(self.triaged(outcome))
                self.assertEqual(post.reply, "已当场解答，可拨打***********找到张*本人核实。")

    def test_converted_and_declined_items_never_get_a_post(self):
        for outcome in ("convert", "decline"):
            self.triaged(outcome)
        self.assertFalse(EchoWallPost.objects.exists())

    def test_it_is_idempotent(self):
        opinion = self.rated()
        first = self.post_of(opinion)
        wall.wall_post_review(actor=self.office, post_id=first.pk, action="reject",
                              note="涉及具体住户")
        again = wall.wall_post_prepare(opinion_id=opinion.pk)
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(again.status, P.REJECTED)
        self.assertEqual(EchoWallPost.objects.count(), 1)
        self.assertEqual([e.action for e in events_of(first)], ["prepare", "reject"])

    def test_an_unresolved_item_gets_nothing_when_called_directly(self):
        opinion, _secret = self.submit_own()
        self.assertIsNone(wall.wall_post_prepare(opinion_id=opinion.pk))

    def test_a_reopened_item_shows_the_latest_reply(self):
        opinion, secret = self.submit_own()
        services.opinion_transfer(actor=self.office, opinion_id=opinion.pk,
                                  unit_id=self.world.units["housing"].pk)
        services.opinion_accept(actor=self.handler, opinion_id=opinion.pk)
        services.opinion_reply(actor=self.handler, opinion_id=opinion.pk, body="第一次答复")
        services.opinion_confirm(actor=self.office, opinion_id=opinion.pk)
        number = opinion.tracking_number
        services.opinion_rate(tracking_number=number, secret=secret, rating=R.DISSATISFIED)
        services.opinion_reopen(tracking_number=number, secret=secret, reason="没修好")
        services.opinion_accept(actor=self.handler, opinion_id=opinion.pk)
        services.opinion_reply(actor=self.handler, opinion_id=opinion.pk, body="第二次答复")
        services.opinion_confirm(actor=self.office, opinion_id=opinion.pk)
        services.opinion_rate(tracking_number=number, secret=secret, rating=R.SATISFIED)
        self.assertEqual(self.post_of(opinion).reply, "第二次答复")


# Reviewing -------------------------------------------------------------------------------------


class TestReview(WallTestCase):
    def publish(self, actor: User, post: EchoWallPost, **edits) -> EchoWallPost:
        fields = {"title": post.title, "content": post.content, "reply": post.reply, **edits}
        return wall.wall_post_review(actor=actor, post_id=post.pk, action="publish", **fields)

    def test_who_may_review_a_post_of_the_xingjian_station(self):
        users = self.world.users
        allowed = {"admin": users["admin"], "office_staff": users["office_staff"],
                   "station_staff": users["station_staff"]}
        refused = {"leader": users["leader"], "evaluator": users["evaluator"],
                   "deputy": users["deputy"], "unit_handler": users["unit_handler"],
                   "unit_head": users["unit_head"], "outsider": self.world.outsider,
                   "other_station": self.youxie_staff}
        for key, user in refused.items():
            post = self.post_of(self.rated())
            with self.subTest(role=key), self.assertRaises(PermissionDenied):
                self.publish(user, post)
            self.assertEqual(self.post_of(post.opinion).status, P.PENDING)
        for key, user in allowed.items():
            with self.subTest(role=key):
                post = self.publish(user, self.post_of(self.rated()))
                self.assertEqual(post.status, P.PUBLISHED)

    def test_it_refuses_a_stranger_before_telling_the_state(self):
        post = self.published()
        with self.assertRaises(PermissionDenied):
            self.publish(self.world.outsider, post)

    def test_publishing_keeps_the_reviewers_edits_and_is_audited(self):
        post = self.publish(self.station, self.post_of(self.rated()), title="路灯修好了",
                            reply="住建局已更换路灯。")
        post.refresh_from_db()
        self.assertEqual((post.title, post.reply), ("路灯修好了", "住建局已更换路灯。"))
        self.assertEqual(post.reviewed_by, self.station)
        self.assertIsNotNone(post.published_at)
        event = events_of(post).get(action="publish")
        self.assertEqual((event.actor, event.from_status, event.to_status),
                         (self.station, P.PENDING, P.PUBLISHED))
        self.assertEqual(post.history.first().history_user, self.station)

    def test_it_refuses_to_publish_the_citizens_name_or_mobile(self):
        post = self.post_of(self.rated())
        for field, text in (("content", "张三反映路灯"), ("reply", "已回电 139 0451 0001"),
                            ("title", "13904510001")):
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                self.publish(self.office, post, **{field: text})
            self.assertIn(field, caught.exception.error_dict)
        self.assertEqual(self.post_of(post.opinion).status, P.PENDING)

    def test_publishing_needs_a_title_and_a_question(self):
        post = self.post_of(self.rated())
        with self.assertRaises(ValidationError):
            self.publish(self.office, post, title="  ")
        with self.assertRaises(ValidationError):
            self.publish(self.office, post, content="")

    def test_rejecting_and_withdrawing_need_a_reason(self):
        pending, published = self.post_of(self.rated()), self.published()
        for post, action in ((pending, "reject"), (published, "withdraw")):
            with self.subTest(action=action):
                with self.assertRaises(ValidationError):
                    wall.wall_post_review(actor=self.office, post_id=post.pk, action=action)
                post = wall.wall_post_review(actor=self.office, post_id=post.pk, action=action,
                                             note="反映人要求撤回")
                self.assertEqual(post.review_note, "反映人要求撤回")

    def test_the_transition_table_per_state(self):
        cases = [  # (state reached, action, allowed)
            ("pending", "publish", True), ("pending", "reject", True),
            ("pending", "withdraw", False),
            ("published", "publish", False), ("published", "reject", False),
            ("published", "withdraw", True),
            ("rejected", "publish", False), ("rejected", "withdraw", False),
            ("withdrawn", "publish", False), ("withdrawn", "withdraw", False),
        ]
        for state, action, allowed in cases:
            with self.subTest(state=state, action=action):
                post = self.in_state(state)
                call = lambda post=post, action=action: wall.wall_post_review(  # noqa: E731
                    actor=self.office, post_id=post.pk, action=action, title=post.title,
                    content=post.content, note="理由")
                if allowed:
                    call()
                else:
                    self.assertRaises(TransitionNotAllowed, call)

    def in_state(self, state: str) -> EchoWallPost:
        post = self.post_of(self.rated())
        steps = {"published": ["publish"], "rejected": ["reject"],
                 "withdrawn": ["publish", "withdraw"]}.get(state, [])
        for action in steps:
            post = wall.wall_post_review(actor=self.office, post_id=post.pk, action=action,
                                         title=post.title, content=post.content, note="理由")
        self.assertEqual(post.status, state)
        return post

    def test_an_unknown_action_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            wall.wall_post_review(actor=self.office, post_id=1, action="delete")


# Reading ---------------------------------------------------------------------------------------


class TestSelectors(WallTestCase):
    def test_the_public_list_holds_published_posts_only_newest_first(self):
        first, second = self.published(), self.published()
        self.post_of(self.rated())  # pending
        rejected = self.post_of(self.rated())
        wall.wall_post_review(actor=self.office, post_id=rejected.pk, action="reject",
                              note="不宜公开")
        withdrawn = self.published()
        wall.wall_post_review(actor=self.office, post_id=withdrawn.pk, action="withdraw",
                              note="反映人要求")
        page = wall.wall_public_list(page=1)
        self.assertEqual([entry.pk for entry in page.object_list], [second.pk, first.pk])

    def test_an_entry_carries_public_facts_only(self):
        post = self.published()
        entry = wall.wall_public_get(pk=post.pk)
        self.assertIsInstance(entry, wall.WallEntry)
        self.assertFalse(hasattr(entry, "opinion"))
        self.assertEqual((entry.type_label, entry.station_name, entry.rating, entry.outcome),
                         ("求助", "兴建街道人大代表联络站", "满意", "已办结"))
        self.assertIsNotNone(entry.concluded_on)

    def test_filters_by_station_type_and_congress(self):
        lamp = self.published()
        other = self.published(station="youxie", type_code="proposal")
        songbei = self.post_of(self.triaged(actor=self.world.outsider, congress="songbei",
                                            station="songbei"))
        wall.wall_post_review(actor=self.world.outsider, post_id=songbei.pk, action="publish",
                              title=songbei.title, content=songbei.content)

        def pks(**filters):
            return [entry.pk for entry in wall.wall_public_list(page=1, **filters).object_list]

        self.assertEqual(pks(station="PF-XJ-01"), [lamp.pk])
        self.assertEqual(pks(category="proposal"), [other.pk])
        self.assertEqual(pks(congress=self.world.congresses["songbei"]), [songbei.pk])
        choices = wall.wall_public_choices()
        self.assertEqual([code for code, _name in choices["stations"]],
                         ["PF-XJ-01", "PF-YX-01", "SB-SB-01"])
        self.assertEqual(choices["types"], [("help", "求助"), ("proposal", "建议")])

    def test_the_review_queue_is_scoped(self):
        xingjian = self.post_of(self.rated())
        youxie = self.post_of(self.rated(station="youxie"))
        cases = {self.station: [xingjian], self.youxie_staff: [youxie],
                 self.office: [xingjian, youxie], self.world.outsider: [],
                 self.handler: []}
        for user, expected in cases.items():
            with self.subTest(user=user.username):
                self.assertEqual(list(wall.wall_review_queue(user=user)), expected)


# Public pages ----------------------------------------------------------------------------------


class TestPublicPages(WallTestCase):
    def test_it_shows_published_posts_anonymised(self):
        post = self.published()
        self.post_of(self.rated(title="待审核的一件"))
        response = self.client.get(WALL)
        self.assertContains(response, post.title)
        self.assertNotContains(response, "待审核的一件")
        detail = self.client.get(wall_detail(post))
        for response in (self.client.get(WALL), detail):
            with self.subTest(url=response.request["PATH_INFO"]):
                content = response.content.decode()
                for private in ("张三", MOBILE, "0451-86661234", "8号", "502",
                                post.opinion.tracking_number):
                    self.assertNotIn(private, content)
                self.assertIn("满意", content)
        self.assertContains(detail, "兴建路*号*单元*室")

    def test_rejected_withdrawn_and_pending_posts_are_not_found(self):
        pending = self.post_of(self.rated())
        rejected = self.post_of(self.rated())
        wall.wall_post_review(actor=self.office, post_id=rejected.pk, action="reject",
                              note="不宜公开")
        withdrawn = self.published()
        wall.wall_post_review(actor=self.office, post_id=withdrawn.pk, action="withdraw",
                              note="反映人要求")
        for post in (pending, rejected, withdrawn):
            self.assertEqual(self.client.get(wall_detail(post)).status_code, 404)
        self.assertContains(self.client.get(WALL), "暂无公开的内容")

    def test_it_escapes_what_was_written(self):
        post = self.published(title="<script>alert(1)</script>",
                              content="<img src=x onerror=alert(2)>路灯坏了")
        for url in (WALL, wall_detail(post)):
            response = self.client.get(url)
            self.assertNotContains(response, "<script>alert(1)")
            self.assertNotContains(response, "<img src=x")
            self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_it_filters_by_station_from_the_station_page(self):
        lamp, other = self.published(), self.published(station="youxie", title="友协的路灯")
        station = self.world.stations["xingjian"]
        page = self.client.get(reverse("directory:station_detail", args=[station.code]))
        link = f'{WALL}?station={station.code}'
        self.assertContains(page, f'href="{link}"')
        response = self.client.get(link)
        self.assertContains(response, lamp.title)
        self.assertNotContains(response, other.title)
        self.assertContains(response, f"回音壁 · {station.name}")

    def test_odd_parameters_are_harmless(self):
        self.published()
        response = self.client.get(WALL, {"station": "\x00<script>", "type": "\x00",
                                          "page": "x"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>")
        self.assertEqual(self.client.get(WALL, {"page": "999"}).status_code, 200)

    def test_it_is_linked_from_the_navigation(self):
        self.assertContains(self.client.get("/"), f'href="{WALL}"')

    def test_the_list_runs_a_fixed_number_of_queries(self):
        self.published()
        self.published(station="youxie", type_code="proposal")
        with CaptureQueriesContext(connection) as few:
            self.client.get(WALL)
        for _n in range(4):
            self.published()
        with self.assertNumQueries(len(few)):
            response = self.client.get(WALL)
        self.assertEqual(len(response.context["page_obj"].object_list), 6)
        self.assertLessEqual(len(few), 7)


# Staff pages -----------------------------------------------------------------------------------


class TestStaffPages(WallTestCase):
    def as_(self, user: User) -> None:
        self.client.force_login(user)

    def form(self, post: EchoWallPost, action: str, **fields) -> dict[str, str]:
        values = {"title": post.title, "content": post.content, "reply": post.reply,
                  "note": "", **fields}
        return {"action": action, **{f"wall-{post.pk}-{k}": v for k, v in values.items()}}

    def test_it_sends_visitors_to_login_and_refuses_users_without_a_role(self):
        post = self.post_of(self.rated())
        for url in (QUEUE, review_url(post)):
            self.assertEqual(self.client.get(url).status_code, 302)
        self.as_(User.objects.create_user(username="nobody"))
        self.assertEqual(self.client.get(QUEUE).status_code, 403)

    def test_it_shows_the_original_next_to_the_draft_in_the_scope(self):
        post = self.post_of(self.rated())
        self.as_(self.station)
        response = self.client.get(QUEUE)
        self.assertContains(response, CONTENT)  # the original, for staff
        self.assertContains(response, MASKED_CONTENT)
        self.assertContains(response, 'value="publish"')
        self.as_(self.world.outsider)
        self.assertNotContains(self.client.get(QUEUE), post.opinion.tracking_number)
        self.assertEqual(self.client.get(review_url(post)).status_code, 404)

    def test_readers_who_may_not_review_see_no_buttons(self):
        post = self.post_of(self.rated())
        for key in ("leader", "unit_handler"):
            with self.subTest(role=key):
                self.as_(self.world.users[key])
                response = self.client.get(QUEUE)
                self.assertContains(response, post.opinion.tracking_number)
                self.assertNotContains(response, 'value="publish"')
                self.assertEqual(self.client.post(review_url(post), self.form(
                    post, "publish")).status_code, 404)
        self.assertEqual(self.post_of(post.opinion).status, P.PENDING)

    def test_publishing_with_edits_through_the_form(self):
        post = self.post_of(self.rated())
        self.as_(self.station)
        response = self.client.post(review_url(post), self.form(post, "publish",
                                                                title="路灯已修好"))
        self.assertRedirects(response, f"{QUEUE}?status=pending")
        post.refresh_from_db()
        self.assertEqual((post.status, post.title), (P.PUBLISHED, "路灯已修好"))
        self.assertContains(self.client.get(WALL), "路灯已修好")

    def test_a_rejection_without_a_reason_keeps_what_was_typed(self):
        post = self.post_of(self.rated())
        self.as_(self.office)
        response = self.client.post(review_url(post), self.form(post, "reject",
                                                                title="改过的标题"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "此项不能为空", status_code=400)
        self.assertContains(response, "改过的标题", status_code=400)
        self.assertEqual(self.post_of(post.opinion).status, P.PENDING)

    def test_the_citizens_name_typed_back_is_refused_on_its_field(self):
        post = self.post_of(self.rated())
        self.as_(self.office)
        response = self.client.post(review_url(post), self.form(post, "publish",
                                                                content="张三说路灯坏了"))
        self.assertContains(response, "含有反映人的姓名或手机号码", status_code=400)
        self.assertEqual(self.post_of(post.opinion).status, P.PENDING)

    def test_a_stale_action_asks_to_refresh_and_keeps_what_was_typed(self):
        post = self.post_of(self.rated())
        wall.wall_post_review(actor=self.office, post_id=post.pk, action="publish",
                              title=post.title, content=post.content)
        self.as_(self.station)
        response = self.client.post(review_url(post), self.form(post, "publish",
                                                                title="我改的标题"))
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "请刷新后重试", status_code=409)
        self.assertContains(response, "我改的标题", status_code=409)
        self.assertEqual(self.post_of(post.opinion).title, post.title)

    def test_withdrawing_a_published_post(self):
        post = self.published()
        self.as_(self.station)
        response = self.client.get(f"{QUEUE}?status=published")
        self.assertContains(response, 'value="withdraw"')
        response = self.client.post(review_url(post), self.form(post, "withdraw",
                                                                note="反映人要求撤下"))
        self.assertRedirects(response, f"{QUEUE}?status=published")
        self.assertEqual(self.post_of(post.opinion).status, P.WITHDRAWN)
        self.assertEqual(self.client.get(wall_detail(post)).status_code, 404)

    def test_an_unknown_action_is_a_bad_request(self):
        post = self.post_of(self.rated())
        self.as_(self.office)
        self.assertEqual(self.client.post(review_url(post), {"action": "delete"}).status_code,
                         400)

    def test_the_queue_runs_a_fixed_number_of_queries(self):
        self.post_of(self.rated())
        self.post_of(self.triaged())
        self.as_(self.station)
        with CaptureQueriesContext(connection) as few:
            self.client.get(QUEUE)
        for _n in range(2):
            self.post_of(self.rated())
            self.post_of(self.triaged("handle_in_station"))
        with self.assertNumQueries(len(few)):
            response = self.client.get(QUEUE)
        self.assertEqual(len(response.context["cards"]), 6)

    def test_the_workbench_links_the_queue(self):
        self.as_(self.station)
        self.assertContains(self.client.get(reverse("accounts:home")), f'href="{QUEUE}"')


# The demo --------------------------------------------------------------------------------------


NOW = "2026-11-24 10:00 +0800"


def _wall_counts() -> dict[str, object]:
    return {
        "posts": sorted(EchoWallPost.objects.values_list("opinion_id", "status", "title")),
        "events": Event.objects.filter(content_type__model="echowallpost").count(),
        "consents": Opinion.objects.filter(consent_publish=True).count(),
    }


@time_machine.travel(NOW, tick=False)
class TestDemo(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.output = StringIO()
            call_command("seed_demo", stdout=cls.output)
            cls.first = _wall_counts()
            call_command("seed_demo", stdout=cls.output)
            cls.second = _wall_counts()

    def test_second_run_changes_nothing(self):
        self.assertEqual(self.first, self.second)

    def test_several_published_and_some_pending(self):
        statuses = [status for _pk, status, _title in self.first["posts"]]
        self.assertGreaterEqual(statuses.count(P.PUBLISHED), 3)
        self.assertGreaterEqual(statuses.count(P.PENDING), 1)
        self.assertIn("回音壁: ", self.output.getvalue())
        self.assertGreaterEqual(len(wall.wall_public_list(page=1).object_list), 3)

    def test_every_post_comes_from_a_consenting_resolved_item(self):
        for post in EchoWallPost.objects.select_related("opinion"):
            self.assertTrue(post.opinion.consent_publish)
            self.assertIn(post.opinion.status, {Opinion.Status.CLOSED,
                                                *wall.STATION_OUTCOMES})
            if post.opinion.citizen_name:
                self.assertNotIn(post.opinion.citizen_name, post.content + post.reply)
