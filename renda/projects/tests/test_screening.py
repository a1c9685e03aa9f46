"""The government's screening (初选), recorded by the office, and the standing committee's
shortlist (审议备选): a rejection needs its reason, a duplicate is merged, only the office may
screen, and the shortlist must hold more candidates than places (差额)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from renda.accounts.models import User
from renda.core.workflow import TransitionNotAllowed
from renda.directory.testing import build_world
from renda.projects import services
from renda.projects.models import ProjectCycle, Proposal
from renda.projects.tests.test_collection import cycle_of, public_proposal

P = Proposal.Status


class ScreeningTests(TestCase):
    def setUp(self) -> None:
        self.world = build_world()
        self.office = self.world.users["office_staff"]
        self.cycle = cycle_of(self.world)
        self.first = public_proposal(self.cycle, "兴建街道老旧小区加装电梯")
        self.second = public_proposal(self.cycle, "兴建街道加装电梯")
        services.cycle_move(actor=self.office, cycle_id=self.cycle.pk, action="close_collection")

    def screen(self, proposal: Proposal, **post) -> object:
        self.client.force_login(self.office)
        return self.client.post(reverse("projects:proposal", args=[proposal.pk]), post)

    def test_it_accepts_a_proposal(self) -> None:
        self.screen(self.first, action="accept", note="")
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, P.ACCEPTED)

    def test_a_rejection_without_a_reason_is_refused(self) -> None:
        response = self.screen(self.first, action="reject", note="  ")
        self.assertContains(response, "不通过初选必须说明理由", status_code=400)
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, P.SUBMITTED)
        with self.assertRaises(ValidationError):
            services.proposal_reject(actor=self.office, proposal_id=self.first.pk, reason="")

    def test_a_rejections_reason_is_published(self) -> None:
        reason = "该路段已列入省级道路改造计划，明年由省交通厅实施。"
        self.screen(self.first, action="reject", note=reason)
        self.first.refresh_from_db()
        self.assertEqual((self.first.status, self.first.screening_note), (P.REJECTED, reason))
        self.client.logout()
        page = self.client.get(reverse("projects:public_proposals", args=[self.cycle.pk]))
        self.assertContains(page, reason)
        self.assertContains(page, "未通过初选")

    def test_a_duplicate_is_merged_and_counts_as_rejected(self) -> None:
        self.screen(self.second, action="merge", into=str(self.first.pk), note="")
        self.second.refresh_from_db()
        self.assertEqual(self.second.status, P.REJECTED)
        self.assertEqual(self.second.merged_into, self.first)
        self.assertEqual(self.second.screening_note,
                         f"已合并到 {self.first.number} {self.first.title}")
        with self.assertRaises(ValidationError):
            services.proposal_merge(actor=self.office, proposal_id=self.first.pk,
                                    into_id=self.first.pk)
        # Merging a proposal that others were merged into takes them along.
        third = Proposal.objects.create(cycle=self.cycle, number="x", source="public",
                                        title="第三", description="…", category="housing")
        services.proposal_merge(actor=self.office, proposal_id=self.first.pk, into_id=third.pk)
        self.second.refresh_from_db()
        self.assertEqual(self.second.merged_into, third)

    def test_only_the_office_screens(self) -> None:
        for key in ("deputy", "station_staff", "unit_handler", "leader"):
            with self.assertRaises((PermissionDenied, ValidationError), msg=key):
                services.proposal_accept(actor=self.world.users[key],
                                         proposal_id=self.first.pk)
        with self.assertRaises(PermissionDenied):
            services.proposal_reject(actor=self.world.outsider, proposal_id=self.first.pk,
                                     reason="不符合")
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, P.SUBMITTED)

    def test_screening_waits_for_its_stage_and_must_be_finished(self) -> None:
        with self.assertRaises(ValidationError):
            services.cycle_move(actor=self.office, cycle_id=self.cycle.pk,
                                action="close_screening")
        services.proposal_accept(actor=self.office, proposal_id=self.first.pk)
        services.proposal_reject(actor=self.office, proposal_id=self.second.pk, reason="重复")
        services.cycle_move(actor=self.office, cycle_id=self.cycle.pk, action="close_screening")
        with self.assertRaises(ValidationError):
            services.proposal_accept(actor=self.office, proposal_id=self.second.pk)


class ShortlistTests(TestCase):
    def setUp(self) -> None:
        self.world = build_world()
        self.office = self.world.users["office_staff"]
        self.cycle = cycle_of(self.world, places=2)
        self.proposals = [public_proposal(self.cycle, f"项目{n}") for n in range(1, 5)]
        services.cycle_move(actor=self.office, cycle_id=self.cycle.pk, action="close_collection")
        for proposal in self.proposals:
            services.proposal_accept(actor=self.office, proposal_id=proposal.pk)
        services.cycle_move(actor=self.office, cycle_id=self.cycle.pk, action="close_screening")

    def post(self, **data) -> object:
        self.client.force_login(self.office)
        return self.client.post(reverse("projects:shortlist", args=[self.cycle.pk]), data)

    def test_the_shortlist_must_exceed_the_places(self) -> None:
        for proposal in self.proposals[:2]:
            self.post(proposal=proposal.pk, action="add")
        response = self.client.post(reverse("projects:cycle_move", args=[self.cycle.pk]),
                                    {"action": "fix_shortlist"}, follow=True)
        self.assertContains(response, "候选项目（2 个）应多于确定项目数（2 个），实行差额票决")
        self.cycle.refresh_from_db()
        self.assertEqual(self.cycle.status, ProjectCycle.Status.SHORTLISTING)
        self.post(proposal=self.proposals[2].pk, action="add")
        services.cycle_move(actor=self.office, cycle_id=self.cycle.pk, action="fix_shortlist")
        self.cycle.refresh_from_db()
        self.assertEqual(self.cycle.status, ProjectCycle.Status.VOTING)

    def test_it_sets_the_ballot_order(self) -> None:
        for proposal in self.proposals[:3]:
            self.post(proposal=proposal.pk, action="add")
        self.post(proposal=self.proposals[2].pk, action="up")
        self.post(proposal=self.proposals[0].pk, action="remove")
        order = list(self.cycle.proposals.filter(status=P.CANDIDATE)
                     .order_by("ballot_order").values_list("title", flat=True))
        self.assertEqual(order, ["项目3", "项目2"])
        self.proposals[0].refresh_from_db()
        self.assertEqual((self.proposals[0].status, self.proposals[0].ballot_order),
                         (P.ACCEPTED, None))

    def test_only_the_office_shortlists(self) -> None:
        deputy = self.world.users["deputy"]
        with self.assertRaises(PermissionDenied):
            services.proposal_shortlist(actor=deputy, proposal_id=self.proposals[0].pk)
        self.client.force_login(User.objects.get(username="deputy"))
        response = self.client.get(reverse("projects:shortlist", args=[self.cycle.pk]))
        self.assertEqual(response.status_code, 403)

    def test_a_rejected_proposal_cannot_be_a_candidate(self) -> None:
        proposal = self.proposals[0]
        Proposal.objects.filter(pk=proposal.pk).update(status=P.REJECTED)
        with self.assertRaises(TransitionNotAllowed):
            services.proposal_shortlist(actor=self.office, proposal_id=proposal.pk)


class StaffPagesTests(TestCase):
    """The office's pages render at each stage, and the deputy's workbench list reaches the
    cycle through the congress of the role."""

    def test_the_office_pages_render(self) -> None:
        world = build_world()
        office = world.users["office_staff"]
        cycle = cycle_of(world, places=1)
        first, second = public_proposal(cycle, "甲"), public_proposal(cycle, "乙")
        self.client.force_login(office)
        self.assertContains(self.client.get(reverse("projects:cycles")), cycle.title)
        self.assertContains(self.client.get(reverse("projects:proposal_enter", args=[cycle.pk])),
                            "常委会提出")
        services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_collection")
        page = self.client.get(reverse("projects:proposal", args=[first.pk]))
        self.assertContains(page, "记录政府初选结果")
        self.assertContains(page, f"{second.number} 乙")
        for proposal in (first, second):
            services.proposal_accept(actor=office, proposal_id=proposal.pk)
        response = self.client.post(reverse("projects:cycle_move", args=[cycle.pk]),
                                    {"action": "close_screening"})
        self.assertRedirects(response, reverse("projects:shortlist", args=[cycle.pk]))
        page = self.client.get(response.url)
        self.assertContains(page, "列为候选", count=2)
        self.client.force_login(User.objects.get(username="deputy"))
        self.assertContains(self.client.get(reverse("projects:cycles")), cycle.title)
        page = self.client.get(reverse("projects:proposal", args=[first.pk]))
        self.assertEqual(page.status_code, 404)
