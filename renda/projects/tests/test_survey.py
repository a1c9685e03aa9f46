"""The public survey (群众测评): a citizen confirms a mobile number by SMS and rates the
projects; one response per confirmed number per project; nothing is counted from an
unconfirmed number, a closed survey or a second attempt."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from renda.core.verification import phone_digest
from renda.opinions.tests.test_public_views import CAPTURE, SENT, last_code
from renda.projects import survey
from renda.projects.models import ProjectCycle, SurveyResponse
from renda.projects.tests.test_implementation import project_world

MOBILE = "13904510077"


@CAPTURE
class SurveyTests(TestCase):
    def setUp(self) -> None:
        SENT.clear()
        self.pw = project_world(status=ProjectCycle.Status.EVALUATING)
        self.url = reverse("projects:survey", args=[self.pw.cycle.pk])

    def confirm(self, mobile: str = MOBILE) -> None:
        sent = self.client.post(self.url, {"action": "send_code", "mobile": mobile})
        self.assertContains(sent, "验证码已发送至 139****0077")
        confirmed = self.client.post(self.url, {"action": "confirm", "mobile": mobile,
                                                "code": last_code(mobile)})
        self.assertEqual(confirmed.status_code, 302)

    def rate(self, **ratings: str):
        data = {"action": "rate"}
        for key, code in ratings.items():
            data[f"p{getattr(self.pw, key).pk}"] = code
        return self.client.post(self.url, data)

    def test_a_confirmed_citizen_rates_the_projects(self) -> None:
        self.confirm()
        response = self.client.post(self.url, {
            "action": "rate", f"p{self.pw.housing.pk}": "satisfied",
            f"p{self.pw.health.pk}": "dissatisfied",
            f"c{self.pw.health.pk}": "服务站还没开门"})
        self.assertEqual(response.status_code, 302)
        rows = {row.project_id: row for row in SurveyResponse.objects.all()}
        self.assertEqual(rows[self.pw.housing.pk].rating, "satisfied")
        self.assertEqual(rows[self.pw.health.pk].comment, "服务站还没开门")
        self.assertEqual(rows[self.pw.housing.pk].phone_digest, phone_digest(MOBILE))
        page = self.client.get(self.url)
        self.assertContains(page, "您已评价：满意")
        self.assertContains(page, "您已评价：不满意")
        self.assertNotContains(page, MOBILE)

    def test_a_number_rates_a_project_once_and_a_second_attempt_counts_nothing(self) -> None:
        self.confirm()
        self.assertEqual(self.rate(housing="satisfied").status_code, 302)
        # A page opened before the first rating still offers the project: the second
        # submission, with a new project too, is refused whole.
        again = self.rate(housing="dissatisfied", health="satisfied")
        self.assertContains(again, "这个手机号码已经评价过“兴建街道老旧小区改造”",
                            status_code=400)
        self.assertContains(again, "本次提交的评价都没有计入", status_code=400)
        self.assertEqual(list(SurveyResponse.objects.values_list("project_id", "rating")),
                         [(self.pw.housing.pk, "satisfied")])
        # The same number in another browser is refused as well.
        self.client.logout()
        with self.assertRaises(ValidationError) as caught:
            survey.survey_ratings_cast(cycle_id=self.pw.cycle.pk,
                                       phone_digest=phone_digest(MOBILE),
                                       ratings={self.pw.housing.pk: "basic"})
        self.assertEqual(caught.exception.code, "already")
        self.assertEqual(SurveyResponse.objects.count(), 1)

    def test_the_database_holds_one_response_per_number_and_project(self) -> None:
        SurveyResponse.objects.create(project=self.pw.housing, phone_digest="d", rating="basic")
        with self.assertRaises(IntegrityError), transaction.atomic():
            SurveyResponse.objects.create(project=self.pw.housing, phone_digest="d",
                                          rating="satisfied")

    def test_an_unconfirmed_number_is_refused_and_the_choice_kept(self) -> None:
        response = self.rate(housing="basic")
        self.assertContains(response, "请先用短信验证码确认手机号码，再评价", status_code=400)
        self.assertRegex(response.content.decode(), r'value="basic"[^>]*checked')
        self.assertFalse(SurveyResponse.objects.exists())
        with self.assertRaises(ValidationError):
            survey.survey_ratings_cast(cycle_id=self.pw.cycle.pk,
                                       phone_digest=phone_digest(MOBILE),
                                       ratings={self.pw.housing.pk: "basic"})

    def test_a_wrong_code_is_refused(self) -> None:
        self.client.post(self.url, {"action": "send_code", "mobile": MOBILE})
        wrong = "000000" if last_code(MOBILE) != "000000" else "111111"
        response = self.client.post(self.url, {"action": "confirm", "mobile": MOBILE,
                                               "code": wrong})
        self.assertContains(response, "验证码不正确或已失效", status_code=400)
        self.assertContains(response, MOBILE, status_code=400)
        self.assertEqual(self.rate(housing="basic").status_code, 400)
        self.assertFalse(SurveyResponse.objects.exists())

    def test_codes_are_rate_limited(self) -> None:
        self.client.post(self.url, {"action": "send_code", "mobile": MOBILE})
        again = self.client.post(self.url, {"action": "send_code", "mobile": MOBILE})
        self.assertContains(again, "验证码发送过于频繁", status_code=400)
        self.assertEqual(len(SENT), 1)

    def test_nothing_rated_or_an_unknown_choice_is_refused(self) -> None:
        self.confirm()
        self.assertContains(self.rate(), "请至少评价一个项目", status_code=400)
        self.assertContains(self.rate(housing="great"), "请从列出的选项中选择", status_code=400)
        with self.assertRaises(ValidationError):
            survey.survey_ratings_cast(cycle_id=self.pw.cycle.pk,
                                       phone_digest=phone_digest(MOBILE),
                                       ratings={self.pw.housing.pk: "great"})
        self.assertFalse(SurveyResponse.objects.exists())

    def test_the_survey_is_open_only_during_evaluation(self) -> None:
        self.confirm()
        ProjectCycle.objects.filter(pk=self.pw.cycle.pk).update(
            status=ProjectCycle.Status.REPORTED)
        page = self.client.get(self.url)
        self.assertContains(page, "群众测评已经结束")
        with self.assertRaises(ValidationError) as caught:
            survey.survey_ratings_cast(cycle_id=self.pw.cycle.pk,
                                       phone_digest=phone_digest(MOBILE),
                                       ratings={self.pw.housing.pk: "basic"})
        self.assertEqual(caught.exception.code, "closed")
        ProjectCycle.objects.filter(pk=self.pw.cycle.pk).update(
            status=ProjectCycle.Status.IMPLEMENTING)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(SurveyResponse.objects.exists())

    def test_the_open_surveys_are_listed(self) -> None:
        self.assertContains(self.client.get(reverse("projects:surveys")), self.pw.cycle.title)
