"""The year's cycle and the call for proposals (征集): who may create and move a cycle, the
public's form (bad input kept, a double submit counted once, a clear refusal outside the
dates), and the entries of stations, deputies and the office, with the proposer's mobile
masked for staff without the private permission."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from renda.accounts.models import User
from renda.directory.testing import PASSWORD, World, build_world
from renda.projects import services
from renda.projects.models import ProjectCycle, Proposal
from renda.suggestions.tests.test_drafting_base import deputy_user

MOBILE = "13904517788"


def cycle_of(world: World, *, places: int = 2, year: int | None = None,
             opens: datetime.date | None = None, days: int = 30) -> ProjectCycle:
    """平房区's cycle, created by the office, collecting from a few days ago."""
    today = timezone.localdate()
    opens = opens or today - datetime.timedelta(days=5)
    return services.cycle_create(
        actor=world.users["office_staff"], congress_id=world.congresses["pingfang"].pk,
        year=year or today.year + 1, places=places, collect_opens_on=opens,
        collect_closes_on=opens + datetime.timedelta(days=days - 1))


def data(title: str = "兴建街道老旧小区加装电梯", **extra) -> services.ProposalData:
    values = {"title": title, "description": "为兴建街道 6 层以上老旧住宅加装电梯 20 部。",
              "reasons": "老人上下楼难。", "category": "housing",
              "estimated_cost": Decimal("800")}
    values.update(extra)
    return services.ProposalData(**values)


def public_proposal(cycle: ProjectCycle, title: str = "兴建街道老旧小区加装电梯",
                    **extra) -> Proposal:
    proposal, _created = services.proposal_submit(actor=None, cycle_id=cycle.pk,
                                                  source=Proposal.Source.PUBLIC,
                                                  data=data(title, **extra))
    return proposal


def form_post(cycle: ProjectCycle, **changes) -> dict:
    post = {"idempotency_key": "k-" + changes.pop("key", "1"), "title": "友协街道建社区食堂",
            "description": "在友协街道建两处社区老年食堂。", "reasons": "老人吃饭难",
            "category": "elderly", "area": "", "estimated_cost": "120.5",
            "proposer_name": "张三", "proposer_mobile": MOBILE}
    post.update(changes)
    return post


class CycleTests(TestCase):
    def setUp(self) -> None:
        self.world = build_world()

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_it_creates_the_years_cycle_through_the_page(self) -> None:
        self.login("office")
        today = timezone.localdate()
        response = self.client.post(reverse("projects:cycle_new"), {
            "year": today.year + 1, "places": 10, "title": "",
            "collect_opens_on": today.isoformat(),
            "collect_closes_on": (today + datetime.timedelta(days=40)).isoformat()})
        cycle = ProjectCycle.objects.get()
        self.assertRedirects(response, reverse("projects:cycle", args=[cycle.pk]))
        self.assertEqual(cycle.status, ProjectCycle.Status.COLLECTING)
        self.assertIn(str(today.year + 1), cycle.title)
        page = self.client.get(reverse("projects:cycle", args=[cycle.pk]))
        self.assertContains(page, "结束征集，开始初选")

    def test_it_refuses_a_collection_shorter_than_the_setting(self) -> None:
        self.login("office")
        today = timezone.localdate()
        response = self.client.post(reverse("projects:cycle_new"), {
            "year": today.year + 1, "places": 10, "title": "我的年度",
            "collect_opens_on": today.isoformat(),
            "collect_closes_on": (today + datetime.timedelta(days=9)).isoformat()})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "征集期至少 30 天，现在是 10 天", status_code=400)
        self.assertContains(response, "我的年度", status_code=400)
        self.assertFalse(ProjectCycle.objects.exists())

    def test_it_refuses_a_second_cycle_for_the_year(self) -> None:
        cycle_of(self.world)
        with self.assertRaises(ValidationError):
            cycle_of(self.world)

    def test_it_lets_only_the_office_create_and_move_cycles(self) -> None:
        for username in ("deputy", "station", "handler", "leader"):
            self.login(username)
            self.assertEqual(self.client.get(reverse("projects:cycle_new")).status_code, 403,
                             username)
        cycle = cycle_of(self.world)
        deputy = self.world.users["deputy"]
        with self.assertRaises(PermissionDenied):
            services.cycle_move(actor=deputy, cycle_id=cycle.pk, action="close_collection")
        self.login("deputy")
        self.client.post(reverse("projects:cycle_move", args=[cycle.pk]),
                         {"action": "close_collection"})
        cycle.refresh_from_db()
        self.assertEqual(cycle.status, ProjectCycle.Status.COLLECTING)
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("projects:cycle", args=[cycle.pk])).status_code,
                         404)
        self.login("office")
        self.client.post(reverse("projects:cycle_move", args=[cycle.pk]),
                         {"action": "close_collection"})
        cycle.refresh_from_db()
        self.assertEqual(cycle.status, ProjectCycle.Status.SCREENING)

    def test_the_cycle_page_counts_proposals(self) -> None:
        cycle = cycle_of(self.world)
        public_proposal(cycle)
        public_proposal(cycle, "建设平房区全民健身步道")
        self.login("office")
        page = self.client.get(reverse("projects:cycle", args=[cycle.pk]))
        self.assertEqual(page.context["counts"]["total"], 2)
        self.assertIn(("群众网上提出", 2), page.context["counts"]["source"])


class PublicFormTests(TestCase):
    def setUp(self) -> None:
        self.world = build_world()
        self.cycle = cycle_of(self.world)
        self.url = reverse("projects:propose", args=[self.cycle.pk])

    def test_it_takes_a_proposal_and_numbers_it(self) -> None:
        public_proposal(self.cycle)
        response = self.client.post(self.url, form_post(self.cycle))
        proposal = Proposal.objects.get(title="友协街道建社区食堂")
        self.assertEqual(proposal.number, f"{self.cycle.year}-002")
        self.assertEqual(proposal.source, Proposal.Source.PUBLIC)
        self.assertEqual(proposal.proposer_mobile, MOBILE)
        self.assertEqual(proposal.estimated_cost, Decimal("120.50"))
        self.assertRedirects(response, reverse("projects:proposed",
                                               args=[self.cycle.pk, proposal.number]))
        done = self.client.get(response.url)
        self.assertContains(done, proposal.number)
        self.assertNotContains(done, MOBILE)

    def test_bad_input_keeps_what_was_typed(self) -> None:
        response = self.client.post(self.url, form_post(
            self.cycle, category="", estimated_cost="八百", proposer_mobile="12345"))
        self.assertEqual(response.status_code, 400)
        for typed in ("友协街道建社区食堂", "在友协街道建两处社区老年食堂。", "老人吃饭难", "张三"):
            self.assertContains(response, typed, status_code=400)
        self.assertContains(response, "请选择项目类别", status_code=400)
        self.assertContains(response, "请填写数字，单位为万元", status_code=400)
        self.assertContains(response, "请输入正确的 11 位手机号码", status_code=400)
        self.assertFalse(Proposal.objects.exists())

    def test_a_double_submit_makes_one_proposal(self) -> None:
        first = self.client.post(self.url, form_post(self.cycle, key="same"))
        second = self.client.post(self.url, form_post(self.cycle, key="same"))
        self.assertEqual(Proposal.objects.count(), 1)
        self.assertEqual(first.url, second.url)
        self.client.post(self.url, form_post(self.cycle, key="other"))
        self.assertEqual(Proposal.objects.count(), 2)

    def test_it_refuses_outside_the_dates_and_the_stage(self) -> None:
        ProjectCycle.objects.filter(pk=self.cycle.pk).update(
            collect_closes_on=timezone.localdate() - datetime.timedelta(days=1))
        page = self.client.get(self.url)
        self.assertContains(page, "项目征集已于")
        response = self.client.post(self.url, form_post(self.cycle))
        self.assertContains(response, "项目征集已于", status_code=400)
        self.assertFalse(Proposal.objects.exists())
        services.cycle_move(actor=self.world.users["office_staff"], cycle_id=self.cycle.pk,
                            action="close_collection")
        response = self.client.post(self.url, form_post(self.cycle))
        self.assertContains(response, "本年度项目征集已经结束", status_code=400)

    def test_the_area_must_be_in_the_district(self) -> None:
        songbei = self.world.areas["songbei_street"]
        with self.assertRaises(ValidationError) as caught:
            public_proposal(self.cycle, area_id=songbei.pk)
        self.assertIn("area", caught.exception.error_dict)
        xingjian = self.world.areas["xingjian"]
        self.assertEqual(public_proposal(self.cycle, area_id=xingjian.pk).area, xingjian)


class StaffEntryTests(TestCase):
    def setUp(self) -> None:
        self.world = build_world()
        self.cycle = cycle_of(self.world)
        self.url = reverse("projects:proposal_enter", args=[self.cycle.pk])

    def login(self, username: str) -> None:
        self.client.force_login(User.objects.get(username=username))

    def test_station_staff_enter_what_their_station_collected(self) -> None:
        self.login("station")
        station = self.world.stations["xingjian"]
        response = self.client.post(self.url, form_post(self.cycle, station=station.pk))
        proposal = Proposal.objects.get()
        self.assertRedirects(response, reverse("projects:proposal", args=[proposal.pk]))
        self.assertEqual((proposal.source, proposal.station), (Proposal.Source.STATION, station))
        other = self.world.stations["youxie"]
        response = self.client.post(self.url, form_post(self.cycle, station=other.pk, key="2"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Proposal.objects.count(), 1)

    def test_a_deputy_proposes_from_the_workbench(self) -> None:
        self.login("deputy")
        self.assertRedirects(self.client.get(reverse("projects:proposal_start")), self.url)
        self.client.post(self.url, form_post(self.cycle))
        proposal = Proposal.objects.get()
        self.assertEqual((proposal.source, proposal.deputy), (Proposal.Source.DEPUTY,
                                                              self.world.deputies["wang"]))
        # Another district's deputy reaches neither the cycle nor its form.
        deputy_user(self.world, "sun", congress="songbei")
        self.login("sun")
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_the_office_enters_the_committees_and_the_governments(self) -> None:
        self.login("office")
        self.client.post(self.url, form_post(self.cycle, source="government"))
        self.assertEqual(Proposal.objects.get().source, Proposal.Source.GOVERNMENT)

    def test_unit_handlers_may_not_enter_proposals(self) -> None:
        handler = self.world.users["unit_handler"]
        with self.assertRaises(PermissionDenied):
            services.proposal_submit(actor=handler, cycle_id=self.cycle.pk,
                                     source=Proposal.Source.COMMITTEE, data=data())
        with self.assertRaises(PermissionDenied):
            services.proposal_submit(actor=self.world.users["deputy"], cycle_id=self.cycle.pk,
                                     source=Proposal.Source.GOVERNMENT, data=data())

    def test_staff_see_the_mobile_masked_without_the_private_permission(self) -> None:
        self.login("station")
        self.client.post(self.url, form_post(self.cycle,
                                             station=self.world.stations["xingjian"].pk))
        page = self.client.get(reverse("projects:cycle_proposals", args=[self.cycle.pk]))
        self.assertContains(page, "139****7788")
        self.assertNotContains(page, MOBILE)
        self.assertContains(page, "张*")
        User.objects.create_superuser(username="root", password=PASSWORD)
        self.login("root")
        page = self.client.get(reverse("projects:cycle_proposals", args=[self.cycle.pk]))
        self.assertContains(page, MOBILE)

    def test_a_station_sees_only_its_own_proposals(self) -> None:
        public_proposal(self.cycle)
        self.login("station")
        self.client.post(self.url, form_post(self.cycle,
                                             station=self.world.stations["xingjian"].pk))
        page = self.client.get(reverse("projects:cycle_proposals", args=[self.cycle.pk]))
        self.assertEqual([p.title for p in page.context["rows"]], ["友协街道建社区食堂"])
