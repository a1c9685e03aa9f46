"""Ballots cast show in the deputies' duty records (that they voted, never how)."""

import datetime

from django.test import TestCase
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.testing import PASSWORD, build_world
from renda.duties.collectors import duty_records_collect
from renda.duties.models import DutyRecord
from renda.projects import ballots
from renda.projects.models import ProjectCycle, Proposal


class BallotDutyRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = world = build_world()
        cls.pingfang = world.congresses["pingfang"]
        cls.office = world.users["office_staff"]
        today = timezone.localdate()
        cls.cycle = ProjectCycle.objects.create(
            congress=cls.pingfang, year=today.year + 1, title="民生实事项目", places=1,
            collect_opens_on=today - datetime.timedelta(days=60),
            collect_closes_on=today - datetime.timedelta(days=20),
            status=ProjectCycle.Status.VOTING)
        for n in (1, 2):
            Proposal.objects.create(cycle=cls.cycle, number=f"P{n}", source="public",
                                    title=f"候选项目 {n}", description="内容", category="other",
                                    status=Proposal.Status.CANDIDATE, ballot_order=n)
        cls.li = User.objects.create_user(username="li", password=PASSWORD,
                                          deputy=world.deputies["li"])
        RoleAssignment.objects.create(user=cls.li, role=Role.DEPUTY, congress=cls.pingfang)

    def test_a_deputy_who_voted_gets_one_record_without_the_choice(self):
        ballot = ballots.ballot_prepare(actor=self.office, cycle_id=self.cycle.pk,
                                        kind="selection")
        deputies = [self.world.deputies[key].pk for key in ("wang", "li", "zhao")]
        ballots.attendance_mark(actor=self.office, ballot_id=ballot.pk, deputy_ids=deputies)
        ballots.ballot_open(actor=self.office, ballot_id=ballot.pk)
        items = {str(item.pk): "for" for item in ballot.items.all()}
        ballots.ballot_cast(actor=self.li, ballot_id=ballot.pk, choices=items)
        year = timezone.localdate().year
        duty_records_collect(congress=self.pingfang, year=year)
        duty_records_collect(congress=self.pingfang, year=year)
        record = DutyRecord.objects.get(activity_type="ballot")
        self.assertEqual(record.deputy, self.world.deputies["li"])
        self.assertEqual(record.title, ballot.title)
        self.assertNotIn("for", record.title + record.description)
        self.assertEqual(record.points, 2)
