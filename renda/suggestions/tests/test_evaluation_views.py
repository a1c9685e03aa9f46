"""The lead deputy's evaluation pages: what he sees and rates, what everyone else gets."""

from django.urls import reverse

from renda.suggestions.models import Evaluation, Suggestion
from renda.suggestions.tests.states import SuggestionTestCase, answering

EVALUATE = reverse("suggestions:evaluate")
FOLLOW_UP = reverse("suggestions:follow_up")


def rate_url(reply) -> str:
    return reverse("suggestions:evaluate_reply", args=[reply.pk])


def form(reply, rating="satisfied", comment="") -> dict:
    return {f"reply-{reply.pk}-rating": rating, f"reply-{reply.pk}-comment": comment}


class EvaluationPageTest(SuggestionTestCase):
    def test_the_lead_deputy_sees_each_reply_to_rate_in_a_constant_number_of_queries(self):
        suggestion = self.replied("A", "B")
        self.client.force_login(self.deputy)
        with self.assertNumQueries(8):
            response = self.client.get(EVALUATE)
        self.assertContains(response, suggestion.title)
        for assignment in answering(suggestion):
            self.assertContains(response, assignment.unit.name)
            self.assertContains(response, rate_url(assignment.replies.get()))
        self.assertContains(response, "B 类：正在解决或列入计划逐步解决")
        self.assertContains(response, "不满意")
        self.replied("A")
        self.replied("C", "D")
        with self.assertNumQueries(8):
            response = self.client.get(EVALUATE)
        self.assertEqual(len(response.context["suggestions"]), 3)

    def test_rating_the_last_reply_closes_the_suggestion(self):
        suggestion = self.replied("A")
        [assignment] = answering(suggestion)
        self.client.force_login(self.deputy)
        response = self.client.post(rate_url(assignment.replies.get()),
                                    form(assignment.replies.get(), "basically_satisfied",
                                         "基本解决"), follow=True)
        self.assertRedirects(response, EVALUATE)
        self.assertContains(response, "评价已提交，这件建议已办结。")
        self.assertContains(response, "暂无待评价的答复。")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, Suggestion.Status.CLOSED)
        self.assertEqual(Evaluation.objects.get().comment, "基本解决")

    def test_a_dissatisfied_rating_says_the_unit_will_handle_it_again(self):
        suggestion = self.replied("B")
        reply = answering(suggestion)[0].replies.get()
        self.client.force_login(self.deputy)
        response = self.client.post(rate_url(reply), form(reply, "dissatisfied", "太慢"),
                                    follow=True)
        self.assertContains(response, "承办单位将重新办理并再次答复")

    def test_a_form_without_a_rating_comes_back_with_what_was_typed(self):
        suggestion = self.replied("A")
        reply = answering(suggestion)[0].replies.get()
        self.client.force_login(self.deputy)
        response = self.client.post(rate_url(reply), form(reply, "", "写了一半的意见"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请选择满意、基本满意或不满意", status_code=400)
        self.assertContains(response, "写了一半的意见", status_code=400)
        self.assertFalse(Evaluation.objects.exists())

    def test_a_second_rating_of_the_same_reply_is_refused(self):
        suggestion = self.replied("A", "A")
        reply = answering(suggestion)[0].replies.get()
        self.client.force_login(self.deputy)
        self.client.post(rate_url(reply), form(reply))
        response = self.client.post(rate_url(reply), form(reply, "dissatisfied"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Evaluation.objects.get().rating, "satisfied")

    def test_co_signers_units_and_strangers_cannot_rate(self):
        suggestion = self.replied("A", cosigners=("li",))
        reply = answering(suggestion)[0].replies.get()
        self.client.force_login(self.cosigner)
        self.assertNotContains(self.client.get(EVALUATE), suggestion.title)
        self.assertEqual(self.client.post(rate_url(reply), form(reply)).status_code, 404)
        for user in (self.handler, self.office, self.leader, self.world.outsider):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(EVALUATE).status_code, 403)
                self.assertEqual(self.client.post(rate_url(reply), form(reply)).status_code,
                                 403)
        self.client.logout()
        self.assertEqual(self.client.get(EVALUATE).status_code, 302)
        self.assertFalse(Evaluation.objects.exists())
        self.assertEqual(self.client.get(rate_url(reply)).status_code, 405)


class FollowUpPageTest(SuggestionTestCase):
    def test_the_deputy_rates_this_years_closed_suggestions_again_once(self):
        suggestion = self.replied("B")
        reply = answering(suggestion)[0].replies.get()
        self.client.force_login(self.deputy)
        self.client.post(rate_url(reply), form(reply, "satisfied"))
        response = self.client.get(FOLLOW_UP)
        self.assertContains(response, suggestion.title)
        url = reverse("suggestions:follow_up_reply", args=[reply.pk])
        self.assertContains(response, url)
        response = self.client.post(url, form(reply, "basically_satisfied", "年底回头看"),
                                    follow=True)
        self.assertRedirects(response, FOLLOW_UP)
        self.assertContains(response, "已完成二次评价")
        self.assertNotContains(response, url)
        self.assertEqual(self.client.post(url, form(reply)).status_code, 400)
        self.assertEqual(list(reply.evaluations.values_list("kind", flat=True).order_by("id")),
                         ["initial", "follow_up"])

    def test_early_in_january_the_deputy_looks_back_on_the_year_just_ended(self):
        import time_machine

        with time_machine.travel("2025-12-20 10:00 +0800", tick=False):
            suggestion = self.replied("A")
            reply = answering(suggestion)[0].replies.get()
            self.client.force_login(self.deputy)
            self.client.post(rate_url(reply), form(reply))
        with time_machine.travel("2026-01-06 10:00 +0800", tick=False):
            self.client.force_login(self.deputy)
            self.assertNotContains(self.client.get(FOLLOW_UP), suggestion.title)
            response = self.client.get(FOLLOW_UP, {"year": 2025})
            self.assertContains(response, suggestion.title)
            self.assertEqual(self.client.get(FOLLOW_UP, {"year": "1999"}).context["year"], 2026)
