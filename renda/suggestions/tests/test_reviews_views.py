"""Third-party review pages: the evaluator's list and report form, read-only once submitted,
the office's list of reports."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment
from renda.directory.testing import PASSWORD
from renda.suggestions.models import ThirdPartyReview
from renda.suggestions.services.supervision import review_assign
from renda.suggestions.tests.states import SuggestionTestCase

LIST = reverse("suggestions:review_reports")
FULL = {"score_contact": 18, "score_reply_quality": 25, "score_implementation": 30,
        "score_timeliness": 10}


class ReviewPagesTest(SuggestionTestCase):
    def setUp(self):
        self.suggestion = self.replied("A", title="关于修缮兴建路人行道的建议")
        self.review = review_assign(actor=self.office, suggestion_id=self.suggestion.pk,
                                    reviewer_id=self.evaluator.pk,
                                    due_date=timezone.localdate() + datetime.timedelta(days=20))
        self.url = reverse("suggestions:review_report", args=[self.review.pk])

    def test_the_evaluator_saves_a_draft_then_submits_a_read_only_report(self):
        self.client.force_login(self.evaluator)
        self.assertContains(self.client.get(LIST), self.suggestion.title)
        response = self.client.get(self.url)
        self.assertContains(response, "沟通联系（0–20 分）")
        self.assertContains(response, "答复和评价")
        response = self.client.post(self.url, {"score_contact": 15, "conclusion": "",
                                               "save": ""})
        self.assertRedirects(response, self.url)
        self.review.refresh_from_db()
        self.assertEqual((self.review.status, self.review.scores),
                         (ThirdPartyReview.Status.ASSIGNED, {"contact": 15}))
        self.assertContains(self.client.get(self.url), 'value="15"')
        response = self.client.post(self.url, FULL | {"conclusion": "办理规范", "submit": ""})
        self.assertRedirects(response, self.url)
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, ThirdPartyReview.Status.SUBMITTED)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'name="submit"')
        self.assertContains(response, '<td class="num" id="review-total">83</td>', html=True)
        self.assertEqual(self.client.post(self.url, FULL | {"submit": ""}).status_code, 403)

    def test_scores_out_of_range_come_back_on_the_form(self):
        self.client.force_login(self.evaluator)
        response = self.client.post(self.url, FULL | {"score_contact": 25, "conclusion": "结论",
                                                      "submit": ""})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.url, {"conclusion": "结论", "submit": ""})
        self.assertContains(response, "请为“沟通联系”评分", status_code=400)
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, ThirdPartyReview.Status.ASSIGNED)

    def test_another_evaluator_sees_nothing_and_the_office_reads_only(self):
        other = get_user_model().objects.create_user(username="evaluator2", password=PASSWORD)
        RoleAssignment.objects.create(user=other, role=Role.EVALUATOR,
                                      congress=self.world.congresses["pingfang"])
        self.client.force_login(other)
        self.assertNotContains(self.client.get(LIST), self.suggestion.title)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, FULL | {"submit": ""}).status_code, 404)
        self.client.force_login(self.office)
        self.assertContains(self.client.get(LIST), self.suggestion.title)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'name="submit"')
        self.assertEqual(self.client.post(self.url, FULL | {"submit": ""}).status_code, 403)
        for user in (self.handler, self.world.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.deputy)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, ThirdPartyReview.Status.ASSIGNED)
