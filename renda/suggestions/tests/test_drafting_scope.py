"""Who sees what: a deputy his own drafts and the suggestions he co-signs, never another
deputy's draft; the office nothing before submission; another district nothing at all. The
selectors decide, and every page and file follows them (a 404, never a hint)."""

import shutil
import tempfile

from django.test import override_settings
from django.urls import reverse

from renda.suggestions.models import Suggestion
from renda.suggestions.selectors import drafting as selectors
from renda.suggestions.selectors import review as review_selectors
from renda.suggestions.services import drafting
from renda.suggestions.tests.test_drafting_base import SuggestionTestCase, upload

S = Suggestion.Status


class DeputyScopeTest(SuggestionTestCase):
    def mine(self, user) -> set[int]:
        return set(selectors.suggestions_mine(user=user).values_list("pk", flat=True))

    def test_a_draft_is_its_lead_deputys_alone(self):
        draft = self.draft(cosigners=(self.li,))
        self.assertEqual(self.mine(self.wang), {draft.pk})
        for user in (self.li, self.zhao, self.sun):
            with self.subTest(user=user.username):
                self.assertEqual(self.mine(user), set())
                self.assertFalse(selectors.suggestion_visible_for(user=user).exists())

    def test_co_signers_see_it_from_co_signing_on_and_others_never(self):
        for status in (S.COSIGNING, S.SUBMITTED, S.RETURNED, S.REGISTERED, S.LETTER,
                       S.WITHDRAWN):
            suggestion = self.in_state(status)
            with self.subTest(status=status):
                self.assertIn(suggestion.pk, self.mine(self.wang))
                self.assertIn(suggestion.pk, self.mine(self.li))
                self.assertNotIn(suggestion.pk, self.mine(self.zhao))
                self.assertNotIn(suggestion.pk, self.mine(self.sun))

    def test_a_co_signer_who_declined_no_longer_sees_the_draft(self):
        suggestion = self.in_state(S.COSIGNING)
        drafting.suggestion_cosign_decline(actor=self.li, suggestion_id=suggestion.pk,
                                           reason="不同意")
        self.assertEqual(self.mine(self.li), set())
        self.assertEqual(self.mine(self.wang), {suggestion.pk})

    def test_the_co_sign_inbox_holds_only_what_waits_for_me(self):
        waiting = self.in_state(S.COSIGNING)
        confirmed = self.draft(cosigners=(self.li, self.zhao))
        drafting.suggestion_submit(actor=self.wang, suggestion_id=confirmed.pk)
        drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=confirmed.pk)
        inbox = lambda user: list(selectors.cosign_inbox(user=user))  # noqa: E731
        self.assertEqual(inbox(self.li), [waiting])
        self.assertEqual(inbox(self.zhao), [confirmed])
        self.assertEqual(inbox(self.wang), [])

    def test_pages_of_other_deputies_drafts_are_404(self):
        draft = self.draft(cosigners=(self.li,))
        urls = [reverse(name, args=[draft.pk]) for name in
                ("suggestions:mine_detail", "suggestions:draft_edit", "suggestions:cosigners")]
        for user in (self.li, self.zhao, self.sun, self.office, self.outsider):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
                    self.assertEqual(self.client.post(url, {"action": "submit"}).status_code,
                                     404)
        draft.refresh_from_db()
        self.assertEqual(draft.status, S.DRAFT)


class OfficeScopeTest(SuggestionTestCase):
    def test_the_office_meets_a_suggestion_only_once_submitted(self):
        draft = self.draft()
        cosigning = self.in_state(S.COSIGNING)
        submitted = self.submitted()
        visible = set(selectors.suggestion_visible_for(user=self.office)
                      .values_list("pk", flat=True))
        self.assertEqual(visible, {submitted.pk})
        self.client.force_login(self.office)
        for hidden in (draft, cosigning):
            with self.subTest(status=hidden.status):
                url = reverse("suggestions:review_detail", args=[hidden.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
        queue = self.client.get(reverse("suggestions:review_queue"))
        self.assertContains(queue, submitted.title)
        self.assertContains(queue, "共 1 件待审查")

    def test_another_district_sees_nothing(self):
        submitted = self.submitted()
        self.assertFalse(review_selectors.review_queue(user=self.outsider).exists())
        self.client.force_login(self.outsider)
        url = reverse("suggestions:review_detail", args=[submitted.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"action": "register"}).status_code, 404)
        self.assertContains(self.client.get(reverse("suggestions:review_queue")),
                            "没有等待审查的建议")

    def test_units_stations_and_deputies_have_no_review_pages(self):
        submitted = self.submitted()
        users = self.world.users
        for user in (users["unit_handler"], users["station_staff"], users["leader"], self.wang):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(reverse("suggestions:review_queue"))
                                 .status_code, 403)
                self.assertEqual(self.client.get(
                    reverse("suggestions:review_detail", args=[submitted.pk])).status_code, 404)

    def test_staff_have_no_deputy_pages(self):
        for user in (self.office, self.world.users["station_staff"], self.outsider):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(reverse("suggestions:mine")).status_code, 403)
                self.assertEqual(self.client.get(reverse("suggestions:draft_new")).status_code,
                                 403)

    def test_signed_out_visitors_are_sent_to_sign_in(self):
        for name in ("suggestions:mine", "suggestions:review_queue"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/login/", response["Location"])


class AttachmentScopeTest(SuggestionTestCase):
    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)

    def test_files_follow_the_suggestion(self):
        suggestion = self.draft(cosigners=(self.li,), files=[upload()])
        url = reverse("suggestions:attachment", args=[suggestion.attachments.get().pk])
        readers = {"wang": True, "li": False, "office": False, "outsider": False}

        def check(readers: dict[str, bool]) -> None:
            for name, allowed in readers.items():
                self.client.force_login(getattr(self, name))
                with self.subTest(status=suggestion.status, user=name):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200 if allowed else 404)
                    if allowed:
                        self.assertEqual(response["Content-Type"], "image/png")
                        self.assertEqual(response["Cache-Control"], "private, no-store")

        check(readers)
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        suggestion.refresh_from_db()
        check({**readers, "li": True})
        drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=suggestion.pk)
        suggestion.refresh_from_db()
        check({**readers, "li": True, "office": True})
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)
