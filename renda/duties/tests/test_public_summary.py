"""The duty summary on a deputy's public page: counts by type and the suggestions' outcomes,
nothing private."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from renda.directory.models import CongressSetting
from renda.duties.models import DutyRecord
from renda.duties.points import scorecards_recompute
from renda.suggestions.services import review
from renda.suggestions.tests.test_drafting_base import SuggestionTestCase


class PublicSummaryTests(SuggestionTestCase):
    def setUp(self):
        self.today = timezone.localdate()
        deputy = self.wang.deputy
        for title, kind, people in [("到兴建街道联络站接待选民", "reception", 6),
                                    ("视察老旧小区改造", "inspection", 0),
                                    ("走访兴建路社区", "contact", 3)]:
            DutyRecord.objects.create(congress=self.pingfang, deputy=deputy, activity_type=kind,
                                      date=self.today, title=title, people_count=people,
                                      place="兴建路 8 号 3 单元", description="私下了解的情况")
        DutyRecord.objects.create(congress=self.pingfang, deputy=deputy, activity_type="contact",
                                  date=self.today, title="被退回的记录", people_count=50,
                                  status=DutyRecord.Status.REJECTED)
        scorecards_recompute(congress=self.pingfang, year=self.today.year)

    def page(self) -> str:
        response = Client().get(reverse("directory:deputy_detail", args=[self.wang.deputy_id]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_counts_by_type_without_private_details(self):
        html = self.page()
        self.assertIn("履职情况", html)
        self.assertIn("共登记履职活动 3 次，联系群众 9 人次", html)
        for label in ("接待选民", "视察", "联系选民"):
            self.assertIn(label, html)
        for private in ("兴建路 8 号 3 单元", "私下了解的情况", "被退回的记录"):
            self.assertNotIn(private, html)
        self.assertNotIn("年度积分", html)

    def test_scores_show_only_when_the_congress_publishes_them(self):
        CongressSetting.objects.create(congress=self.pingfang, key="duties.publish_scores",
                                       value=True, effective_from=datetime.date(2020, 1, 1))
        self.assertIn("年度积分 6.00 分", self.page())

    def test_suggestions_and_their_outcomes(self):
        public = self.submitted(title="关于兴建路增设公交站点的建议")
        review.suggestion_register(actor=self.office, suggestion_id=public.pk)
        hidden = self.submitted(title="关于某企业的内部建议", is_public=False)
        review.suggestion_register(actor=self.office, suggestion_id=hidden.pk)
        self.draft(title="还在起草的建议")
        html = self.page()
        self.assertIn("关于兴建路增设公交站点的建议", html)
        self.assertNotIn("关于某企业的内部建议", html)
        self.assertNotIn("还在起草的建议", html)
        self.assertRegex(html, r"领衔提出</dt><dd>2</dd>")
