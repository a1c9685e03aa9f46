"""A citizen's opinion turned into a deputy's suggestion (转为代表建议): one step that concludes
the opinion and starts the deputy's draft, linked both ways, all or nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renda.core.models import Event
from renda.directory.models import Mandate
from renda.opinions.models import Opinion
from renda.opinions.tests.helpers import OpinionTestCase
from renda.suggestions.models import Signature, Suggestion
from renda.suggestions.services.drafting import suggestion_draft_from_opinion


class FromOpinionTest(OpinionTestCase):
    def test_it_concludes_the_opinion_and_starts_a_linked_draft(self):
        opinion, _ = self.submit()
        wang = self.world.deputies["wang"]
        suggestion = suggestion_draft_from_opinion(
            actor=self.world.users["station_staff"], opinion_id=opinion.pk, deputy=wang,
            note="涉及全区路灯管护机制，建议代表提出建议")
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, Opinion.Status.CONVERTED)
        self.assertEqual(list(opinion.suggestions.all()), [suggestion])
        self.assertEqual(suggestion.source_opinion, opinion)
        self.assertEqual((suggestion.status, suggestion.lead_deputy, suggestion.congress),
                         (Suggestion.Status.DRAFT, wang, opinion.congress))
        self.assertIn(opinion.tracking_number, suggestion.content)
        self.assertIn(opinion.content, suggestion.content)
        self.assertNotIn("张三", suggestion.content)
        self.assertNotIn("13904510001", suggestion.content)
        self.assertEqual(list(Signature.objects.filter(suggestion=suggestion)
                              .values_list("deputy", "is_lead")), [(wang.pk, True)])
        self.assertTrue(Event.objects.filter(action="converted_to_suggestion",
                                             object_id=opinion.pk,
                                             data__suggestion=suggestion.pk).exists())

    def test_nothing_changes_when_the_deputy_cannot_propose(self):
        opinion, _ = self.submit()
        wang = self.world.deputies["wang"]
        Mandate.objects.filter(deputy=wang).update(status=Mandate.Status.ENDED)
        with self.assertRaises(ValidationError):
            suggestion_draft_from_opinion(actor=self.office, opinion_id=opinion.pk, deputy=wang)
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, Opinion.Status.RECEIVED)
        self.assertFalse(Suggestion.objects.exists())

    def test_outsiders_and_units_cannot_convert(self):
        opinion, _ = self.submit()
        for user in (self.world.outsider, self.handler, self.world.users["leader"]):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                suggestion_draft_from_opinion(actor=user, opinion_id=opinion.pk,
                                              deputy=self.world.deputies["wang"])
        self.assertFalse(Suggestion.objects.exists())

    def test_the_staff_page_converts_with_the_chosen_deputy(self):
        opinion, _ = self.submit()
        li = self.world.deputies["li"]
        self.client.force_login(self.world.users["station_staff"])
        url = reverse("opinions:staff_detail", args=[opinion.pk])
        page = self.client.get(url)
        self.assertContains(page, "提出建议的代表")
        self.assertNotContains(page, self.world.deputies["sun"].name)  # the other district's
        response = self.client.post(url, {"action": "convert", "convert-deputy": li.pk,
                                          "convert-note": "请李代表提出建议"})
        self.assertRedirects(response, url)
        suggestion = Suggestion.objects.get()
        self.assertEqual(suggestion.lead_deputy, li)
        self.assertContains(self.client.get(url), "已转为代表建议")

    def test_the_staff_page_requires_a_deputy(self):
        opinion, _ = self.submit()
        self.client.force_login(self.world.users["station_staff"])
        url = reverse("opinions:staff_detail", args=[opinion.pk])
        response = self.client.post(url, {"action": "convert", "convert-note": "说明"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "说明", status_code=400)
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, Opinion.Status.RECEIVED)
