"""What the system records by itself: reception days on duty, opinions triaged, suggestions and
motions filed and co-signed. Collected from the real loops' services, twice, never twice
recorded; a source that goes away takes its record with it, and comes back with it."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.directory.models import ReceptionDay
from renda.duties import services
from renda.duties.collectors import duty_records_collect, duty_records_collect_all
from renda.duties.models import DutyRecord, ScoreCard
from renda.opinions import services as opinion_services
from renda.opinions.models import Opinion
from renda.opinions.staff_entry import opinion_enter
from renda.suggestions.models import Suggestion
from renda.suggestions.services import drafting
from renda.suggestions.tests.test_drafting_base import CONTENT, SuggestionTestCase, motion_minimum


class CollectorTests(SuggestionTestCase):
    def setUp(self):
        self.year = timezone.localdate().year

    def collect(self):
        return duty_records_collect(congress=self.pingfang, year=self.year)

    def automatic(self, deputy, activity_type: str):
        return DutyRecord.objects.filter(deputy=deputy, activity_type=activity_type,
                                         source=DutyRecord.Source.AUTOMATIC)

    def test_a_suggestion_and_its_cosigner_are_recorded_once(self):
        suggestion = self.submitted(cosigners=(self.li,))
        first = self.collect()
        self.assertEqual(first.created, 2)
        lead = self.automatic(self.wang.deputy, "suggestion").get()
        self.assertEqual(lead.source_object, suggestion)
        self.assertEqual(lead.title, suggestion.title)
        cosign = self.automatic(self.li.deputy, "cosign").get()
        self.assertIn(suggestion.title, cosign.title)
        # Collecting again records nothing new.
        self.assertEqual(self.collect().created, 0)
        self.assertEqual(DutyRecord.objects.count(), 2)
        card = ScoreCard.objects.get(deputy=self.wang.deputy, congress=self.pingfang,
                                     year=self.year)
        self.assertEqual(card.total, Decimal("3"))

    def test_a_motion_counts_as_a_motion_and_drafts_do_not_count(self):
        self.draft()
        self.collect()
        self.assertFalse(DutyRecord.objects.exists())
        motion_minimum(self.world, 3)
        self.submitted(kind=Suggestion.Kind.MOTION, cosigners=(self.li, self.zhao))
        self.collect()
        self.assertEqual(self.automatic(self.wang.deputy, "motion").count(), 1)
        self.assertEqual(self.automatic(self.zhao.deputy, "cosign").count(), 1)

    def test_a_withdrawn_suggestion_withdraws_its_record(self):
        suggestion = self.submitted()
        self.collect()
        drafting.suggestion_withdraw(actor=self.wang, suggestion_id=suggestion.pk,
                                     reason="问题已解决")
        result = self.collect()
        self.assertEqual(result.withdrawn, 1)
        record = self.automatic(self.wang.deputy, "suggestion").get()
        self.assertEqual(record.status, DutyRecord.Status.WITHDRAWN)
        self.assertEqual(record.points, 0)

    def test_reception_days_on_duty_count_with_the_people_received(self):
        station = self.world.stations["xingjian"]
        today = timezone.localdate()
        held = ReceptionDay.objects.create(station=station, date=today,
                                           start_time=datetime.time(9),
                                           end_time=datetime.time(11), topic="供暖")
        held.deputies.set([self.wang.deputy, self.li.deputy])
        later = ReceptionDay.objects.create(station=station,
                                            date=today + datetime.timedelta(days=1),
                                            start_time=datetime.time(9),
                                            end_time=datetime.time(11))
        later.deputies.set([self.wang.deputy])
        opinion_enter(
            actor=self.world.users["station_staff"], files=[], congress=self.pingfang,
            channel=Opinion.Channel.RECEPTION_DAY, type_code="help", title="楼道灯不亮",
            content="兴建路 8 号楼道灯坏了。", citizen_name="张三", citizen_mobile="13904510001",
            addressed_station=station, reception_date=today)
        self.collect()
        records = DutyRecord.objects.filter(activity_type="reception_day").order_by("deputy")
        self.assertEqual({r.deputy for r in records}, {self.wang.deputy, self.li.deputy})
        self.assertTrue(all(r.people_count == 1 for r in records))
        self.assertTrue(all("供暖" in r.title for r in records))
        # Cancelled afterwards: the records go.
        held.is_cancelled = True
        held.save()
        self.assertEqual(self.collect().withdrawn, 2)

    def test_an_opinion_addressed_to_a_deputy_and_triaged_is_one_constituent(self):
        opinion, _secret = opinion_services.opinion_submit(
            congress=self.pingfang, channel=Opinion.Channel.QR_DEPUTY, type_code="help",
            title="小区路灯不亮", content="兴建路 8 号小区路灯坏了一个月。",
            addressed_station=self.world.stations["xingjian"],
            addressed_deputy=self.wang.deputy)
        self.collect()
        self.assertFalse(DutyRecord.objects.exists())
        opinion_services.opinion_triage(actor=self.world.users["station_staff"],
                                        opinion_id=opinion.pk, outcome="answer_on_spot",
                                        note="已当场答复")
        self.collect()
        record = self.automatic(self.wang.deputy, "opinion_triage").get()
        self.assertEqual(record.people_count, 1)
        self.assertIn(opinion.tracking_number, record.title)
        card = ScoreCard.objects.get(deputy=self.wang.deputy, year=self.year,
                                     congress=self.pingfang)
        self.assertEqual(card.quotas["constituents"]["actual"], 1)

    def test_collect_all_runs_for_every_congress(self):
        self.submitted()
        songbei = drafting.suggestion_draft_new(
            actor=self.sun, congress=self.world.congresses["songbei"], title="关于松北区公交线路的建议",
            content=CONTENT, category="transport", kind=Suggestion.Kind.SUGGESTION)
        drafting.suggestion_submit(actor=self.sun, suggestion_id=songbei.pk)
        duty_records_collect_all()
        self.assertEqual(DutyRecord.objects.filter(congress=self.pingfang).count(), 1)
        self.assertEqual(DutyRecord.objects.exclude(congress=self.pingfang).count(), 1)

    def test_what_the_system_records_cannot_be_entered_by_hand(self):
        with self.assertRaises(ValidationError) as caught:
            services.duty_record_create(
                actor=self.wang, congress=self.pingfang, deputy=self.wang.deputy,
                data={"activity_type": "suggestion", "date": timezone.localdate(),
                      "title": "提出建议"})
        self.assertIn("activity_type", caught.exception.message_dict)
        self.assertIn("自动记录", caught.exception.message_dict["activity_type"][0])
