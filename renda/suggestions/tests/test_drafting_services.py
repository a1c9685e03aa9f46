"""Drafting (提) through the services: drafts, edits (audited), co-signers, submission alone or
jointly, confirmation and refusal, motions' threshold, withdrawal, attachments."""

import shutil
import tempfile

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.test import override_settings

from renda.core.models import Event
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import Mandate
from renda.suggestions.models import Signature, Suggestion, SuggestionAttachment
from renda.suggestions.services import drafting
from renda.suggestions.tests.test_drafting_base import (
    CONTENT,
    SuggestionTestCase,
    at,
    motion_minimum,
    pdf,
    second_session,
    upload,
)

S = Suggestion.Status
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


def actions(suggestion: Suggestion) -> list[str]:
    return list(events_of(suggestion).values_list("action", flat=True))


class DraftTest(SuggestionTestCase):
    def test_it_drafts_for_the_deputy_himself_with_his_signature_as_lead(self):
        suggestion = self.draft(is_public=False)
        self.assertEqual((suggestion.status, suggestion.lead_deputy, suggestion.congress,
                          suggestion.is_public, suggestion.number, suggestion.code),
                         (S.DRAFT, self.world.deputies["wang"], self.pingfang, False, None, ""))
        self.assertEqual(list(suggestion.signatures.values_list("deputy", "is_lead", "order")),
                         [(self.wang.deputy_id, True, 0)])
        self.assertEqual(actions(suggestion), ["draft"])
        self.assertEqual(suggestion.history.first().history_user, self.wang)

    def test_only_deputies_of_the_congress_may_draft_there(self):
        for user in (self.office, self.world.users["station_staff"], self.sun,
                     self.world.users["unit_handler"]):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.draft(by=user)
        self.assertFalse(Suggestion.objects.exists())

    def test_a_deputy_whose_mandate_ended_may_not_draft(self):
        Mandate.objects.filter(deputy=self.wang.deputy).update(status=Mandate.Status.ENDED)
        with self.assertRaises(PermissionDenied):
            self.draft()

    def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(self):
        cases = [
            ({"title": "  "}, "title"),
            ({"content": ""}, "content"),
            ({"content": "长" * 20001}, "content"),
            ({"title": "题" * 121}, "title"),
            ({"category": "astrology"}, "category"),
            ({"kind": "decree"}, "kind"),
        ]
        for change, field in cases:
            values = {"title": "标题", "content": CONTENT, "category": "urban",
                      "kind": Suggestion.Kind.SUGGESTION, **change}
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                drafting.suggestion_draft_new(actor=self.wang, congress=self.pingfang, **values)
            self.assertIn(field, caught.exception.message_dict)
        self.assertFalse(Suggestion.objects.exists())

    def test_nul_characters_are_dropped_and_20000_characters_are_accepted(self):
        suggestion = drafting.suggestion_draft_new(
            actor=self.wang, congress=self.pingfang, title="标\x00题", content="长" * 20000,
            category="urban")
        self.assertEqual((suggestion.title, len(suggestion.content)), ("标题", 20000))

    @time_machine.travel(at(2023, 1, 11), tick=False)
    def test_a_draft_written_during_a_session_belongs_to_it(self):
        session = second_session(self.world)
        suggestion = self.draft()
        self.assertEqual((suggestion.series, suggestion.session, suggestion.year),
                         (Suggestion.Series.SESSION, session, 2023))


class EditTest(SuggestionTestCase):
    def test_the_lead_edits_a_draft_and_the_change_is_audited(self):
        suggestion = self.draft()
        drafting.suggestion_draft_update(
            actor=self.wang, suggestion_id=suggestion.pk, title="新标题", content=CONTENT,
            category="transport", kind=Suggestion.Kind.SUGGESTION, is_public=True)
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.title, suggestion.category), ("新标题", "transport"))
        edit = Event.objects.get(action="edit", object_id=suggestion.pk)
        self.assertEqual((edit.actor, edit.data), (self.wang, {"fields": ["category", "title"]}))
        before, after = suggestion.history.all()[1], suggestion.history.all()[0]
        self.assertEqual((before.title, after.title, after.history_user),
                         ("关于加快兴建街道老旧小区供暖管网改造的建议", "新标题", self.wang))

    def test_an_edit_that_changes_nothing_logs_nothing(self):
        suggestion = self.draft()
        drafting.suggestion_draft_update(
            actor=self.wang, suggestion_id=suggestion.pk, title=suggestion.title,
            content=suggestion.content, category="urban", kind=suggestion.kind, is_public=True)
        self.assertEqual(actions(suggestion), ["draft"])

    def test_edits_only_while_draft_or_returned(self):
        for status in (S.DRAFT, S.RETURNED, S.COSIGNING, S.SUBMITTED, S.REGISTERED, S.LETTER,
                       S.WITHDRAWN):
            suggestion = self.in_state(status)
            call = lambda pk=suggestion.pk: drafting.suggestion_draft_update(  # noqa: E731
                actor=self.wang, suggestion_id=pk, title="改过的标题", content=CONTENT,
                category="urban", kind=Suggestion.Kind.SUGGESTION, is_public=True)
            with self.subTest(status=status):
                if status in (S.DRAFT, S.RETURNED):
                    self.assertEqual(call().title, "改过的标题")
                else:
                    self.assertRaises(TransitionNotAllowed, call)

    def test_co_signers_and_others_may_not_edit(self):
        suggestion = self.in_state(S.RETURNED)
        for user in (self.li, self.zhao, self.office, self.sun):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                drafting.suggestion_draft_update(
                    actor=user, suggestion_id=suggestion.pk, title="x", content="y",
                    category="urban", kind=Suggestion.Kind.SUGGESTION, is_public=True)


class CosignerTest(SuggestionTestCase):
    def test_the_lead_invites_and_removes_co_signers_in_order(self):
        suggestion = self.draft(cosigners=(self.li, self.zhao))
        self.assertEqual(list(suggestion.signatures.values_list("deputy__name", "order")),
                         [("王建国", 0), ("李秀英", 1), ("赵志强", 2)])
        drafting.suggestion_cosigner_remove(actor=self.wang, suggestion_id=suggestion.pk,
                                            deputy_id=self.li.deputy_id)
        self.assertEqual(list(suggestion.signatures.values_list("deputy__name", flat=True)),
                         ["王建国", "赵志强"])
        self.assertEqual(actions(suggestion),
                         ["draft", "cosigner_add", "cosigner_add", "cosigner_remove"])
        self.assertEqual(Signature.history.filter(history_type="-").get().history_user,
                         self.wang)

    def test_only_active_deputies_of_the_same_congress_with_an_account(self):
        suggestion = self.draft()
        sun = self.sun.deputy_id
        self.world.deputies["zhao"].user.delete()
        cases = [(sun, "本级人大"), (self.world.deputies["zhao"].pk, "尚未开通账号"),
                 (self.wang.deputy_id, "已在联名代表中")]
        for deputy_id, message in cases:
            with self.subTest(deputy=deputy_id), self.assertRaises(ValidationError) as caught:
                drafting.suggestion_cosigner_add(actor=self.wang, suggestion_id=suggestion.pk,
                                                 deputy_id=deputy_id)
            self.assertIn(message, " ".join(caught.exception.messages))

    def test_the_lead_cannot_be_removed_and_only_the_lead_invites(self):
        suggestion = self.draft(cosigners=(self.li,))
        with self.assertRaises(ValidationError):
            drafting.suggestion_cosigner_remove(actor=self.wang, suggestion_id=suggestion.pk,
                                                deputy_id=self.wang.deputy_id)
        for user in (self.li, self.zhao, self.office):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                drafting.suggestion_cosigner_add(actor=user, suggestion_id=suggestion.pk,
                                                 deputy_id=self.zhao.deputy_id)


class SubmitTest(SuggestionTestCase):
    def test_alone_it_goes_straight_to_the_office(self):
        suggestion = self.draft()
        suggestion = drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        self.assertEqual(suggestion.status, S.SUBMITTED)
        self.assertIsNotNone(suggestion.submitted_at)
        self.assertEqual(actions(suggestion)[-1], "submit_alone")
        self.assertIsNotNone(suggestion.signatures.get().confirmed_at)

    def test_with_co_signers_it_waits_for_each_and_the_last_confirmation_submits(self):
        suggestion = self.draft(cosigners=(self.li, self.zhao))
        suggestion = drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        self.assertEqual((suggestion.status, suggestion.submitted_at), (S.COSIGNING, None))
        suggestion = drafting.suggestion_cosign_confirm(actor=self.li,
                                                        suggestion_id=suggestion.pk)
        self.assertEqual(suggestion.status, S.COSIGNING)
        suggestion = drafting.suggestion_cosign_confirm(actor=self.zhao,
                                                        suggestion_id=suggestion.pk)
        self.assertEqual(suggestion.status, S.SUBMITTED)
        self.assertIsNotNone(suggestion.submitted_at)
        cosigned = Event.objects.get(action="cosigned", object_id=suggestion.pk)
        self.assertEqual((cosigned.actor, cosigned.from_status), (self.zhao, S.COSIGNING))
        self.assertEqual(actions(suggestion)[-4:],
                         ["submit", "cosign_confirm", "cosign_confirm", "cosigned"])

    def test_a_refusal_sends_it_back_to_the_draft_with_the_reason(self):
        suggestion = self.draft(cosigners=(self.li, self.zhao))
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=suggestion.pk)
        suggestion = drafting.suggestion_cosign_decline(
            actor=self.zhao, suggestion_id=suggestion.pk, reason="我不熟悉该小区情况")
        self.assertEqual(suggestion.status, S.DRAFT)
        failed = Event.objects.get(action="cosign_failed", object_id=suggestion.pk)
        self.assertEqual((failed.note, failed.actor, failed.data),
                         ("我不熟悉该小区情况", self.zhao, {"deputy": self.zhao.deputy_id}))
        self.assertIsNotNone(suggestion.signatures.get(deputy=self.zhao.deputy).declined_at)

    def test_a_resubmission_asks_every_co_signer_again(self):
        suggestion = self.draft(cosigners=(self.li, self.zhao))
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=suggestion.pk)
        drafting.suggestion_cosign_decline(actor=self.zhao, suggestion_id=suggestion.pk,
                                           reason="请补充数据")
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        pending = suggestion.signatures.filter(confirmed_at__isnull=True,
                                               declined_at__isnull=True)
        self.assertEqual(sorted(pending.values_list("deputy__name", flat=True)),
                         ["李秀英", "赵志强"])

    def test_a_refusal_needs_a_reason(self):
        suggestion = self.in_state(S.COSIGNING)
        with self.assertRaises(ValidationError):
            drafting.suggestion_cosign_decline(actor=self.li, suggestion_id=suggestion.pk,
                                               reason="  ")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.COSIGNING)

    def test_a_co_signer_answers_once(self):
        suggestion = self.draft(cosigners=(self.li, self.zhao))
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=suggestion.pk)
        with self.assertRaises(TransitionNotAllowed):
            drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=suggestion.pk)
        with self.assertRaises(TransitionNotAllowed):
            drafting.suggestion_cosign_decline(actor=self.li, suggestion_id=suggestion.pk,
                                               reason="改变主意")

    @time_machine.travel(at(2023, 1, 12), tick=False)
    def test_the_series_is_that_of_the_day_of_submission(self):
        with time_machine.travel(at(2022, 12, 20), tick=False):
            suggestion = self.draft()
        self.assertEqual((suggestion.series, suggestion.year), (Suggestion.Series.INTERIM, 2022))
        session = second_session(self.world)
        suggestion = drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        self.assertEqual((suggestion.series, suggestion.session, suggestion.year),
                         (Suggestion.Series.SESSION, session, 2023))


class MotionTest(SuggestionTestCase):
    def test_a_motion_below_the_threshold_is_refused_with_a_clear_message(self):
        motion = self.draft(kind=Suggestion.Kind.MOTION, cosigners=(self.li,))
        with self.assertRaises(ValidationError) as caught:
            drafting.suggestion_submit(actor=self.wang, suggestion_id=motion.pk)
        self.assertIn("议案须由至少 10 名代表联名提出（含领衔代表），现在只有 2 名",
                      " ".join(caught.exception.messages))
        motion.refresh_from_db()
        self.assertEqual(motion.status, S.DRAFT)

    def test_a_motion_reaches_the_office_when_all_its_signers_confirmed(self):
        motion_minimum(self.world, 3)
        motion = self.draft(kind=Suggestion.Kind.MOTION, cosigners=(self.li,))
        with self.assertRaises(ValidationError):
            drafting.suggestion_submit(actor=self.wang, suggestion_id=motion.pk)
        drafting.suggestion_cosigner_add(actor=self.wang, suggestion_id=motion.pk,
                                         deputy_id=self.zhao.deputy_id)
        drafting.suggestion_submit(actor=self.wang, suggestion_id=motion.pk)
        drafting.suggestion_cosign_confirm(actor=self.li, suggestion_id=motion.pk)
        motion = drafting.suggestion_cosign_confirm(actor=self.zhao, suggestion_id=motion.pk)
        self.assertEqual((motion.kind, motion.status), (Suggestion.Kind.MOTION, S.SUBMITTED))

    def test_a_motion_alone_is_refused_unless_the_congress_allows_it(self):
        motion = self.draft(kind=Suggestion.Kind.MOTION)
        self.assertRaises(ValidationError, drafting.suggestion_submit, actor=self.wang,
                          suggestion_id=motion.pk)
        motion_minimum(self.world, 1)
        motion = drafting.suggestion_submit(actor=self.wang, suggestion_id=motion.pk)
        self.assertEqual(motion.status, S.SUBMITTED)


class WithdrawTest(SuggestionTestCase):
    def test_the_lead_withdraws_in_writing_from_every_withdrawable_state(self):
        for status in (S.DRAFT, S.COSIGNING, S.SUBMITTED, S.RETURNED, S.REGISTERED):
            suggestion = self.in_state(status)
            with self.subTest(status=status):
                suggestion = drafting.suggestion_withdraw(
                    actor=self.wang, suggestion_id=suggestion.pk, reason="问题已经解决")
                self.assertEqual(suggestion.status, S.WITHDRAWN)
                event = Event.objects.filter(object_id=suggestion.pk, action="withdraw").get()
                self.assertEqual((event.note, event.from_status), ("问题已经解决", status))

    def test_not_from_a_letter_or_twice_and_never_without_a_reason(self):
        for status in (S.LETTER, S.WITHDRAWN):
            suggestion = self.in_state(status)
            with self.subTest(status=status), self.assertRaises(TransitionNotAllowed):
                drafting.suggestion_withdraw(actor=self.wang, suggestion_id=suggestion.pk,
                                             reason="撤回")
        suggestion = self.in_state(S.SUBMITTED)
        with self.assertRaises(ValidationError):
            drafting.suggestion_withdraw(actor=self.wang, suggestion_id=suggestion.pk,
                                         reason="")


class AttachmentTest(SuggestionTestCase):
    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)

    def test_pictures_and_a_pdf_named_jpg_are_stored_by_content(self):
        suggestion = self.draft(files=[upload(), upload("扫描件.jpg", pdf(), "image/jpeg")])
        stored = list(suggestion.attachments.values_list("original_name", "content_type"))
        self.assertEqual(stored, [("现场照片.png", "image/png"),
                                  ("扫描件.jpg", "application/pdf")])
        for attachment in suggestion.attachments.all():
            self.assertTrue(default_storage.exists(attachment.file.name))
            self.assertNotIn("现场照片", attachment.file.name)
        self.assertEqual(actions(suggestion), ["draft", "attach", "attach"])

    def test_a_program_renamed_jpg_leaves_neither_draft_nor_file(self):
        with self.assertRaises(ValidationError) as caught:
            self.draft(files=[upload(), upload("photo.jpg", EXE, "image/jpeg")])
        self.assertIn("photo.jpg", " ".join(caught.exception.messages))
        self.assertFalse(Suggestion.objects.exists())
        self.assertFalse(SuggestionAttachment.objects.exists())

    def test_files_are_added_and_removed_only_while_editable_and_by_the_lead(self):
        suggestion = self.draft(cosigners=(self.li,))
        [added] = drafting.suggestion_attachments_add(actor=self.wang,
                                                      suggestion_id=suggestion.pk,
                                                      files=[upload()])
        with self.assertRaises(PermissionDenied):
            drafting.suggestion_attachments_add(actor=self.li, suggestion_id=suggestion.pk,
                                                files=[upload()])
        with self.assertRaises(PermissionDenied):
            drafting.suggestion_attachment_remove(actor=self.li, attachment_id=added.pk)
        name = added.file.name
        with self.captureOnCommitCallbacks(execute=True):
            drafting.suggestion_attachment_remove(actor=self.wang, attachment_id=added.pk)
        self.assertFalse(default_storage.exists(name))
        self.assertEqual(SuggestionAttachment.history.filter(history_type="-").get()
                         .history_user, self.wang)
        drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        with self.assertRaises(TransitionNotAllowed):
            drafting.suggestion_attachments_add(actor=self.wang, suggestion_id=suggestion.pk,
                                                files=[upload()])

    def test_the_count_limit_includes_files_already_attached(self):
        suggestion = self.draft(files=[upload() for _ in range(3)])
        with self.assertRaises(ValidationError) as caught:
            drafting.suggestion_attachments_add(actor=self.wang, suggestion_id=suggestion.pk,
                                                files=[upload()])
        self.assertIn("已有 3 个", " ".join(caught.exception.messages))


class FromOpinionDraftTest(SuggestionTestCase):
    def test_a_draft_started_from_an_opinion_is_the_deputys_to_complete(self):
        from renda.opinions import services as opinion_services
        from renda.opinions.models import Opinion

        opinion, _secret = opinion_services.opinion_submit(
            congress=self.pingfang, channel=Opinion.Channel.HOTLINE, type_code="help",
            title="小区路灯不亮", content="兴建路 8 号小区路灯坏了一个月。",
            addressed_station=self.world.stations["xingjian"])
        suggestion = drafting.suggestion_draft_from_opinion(
            actor=self.world.users["station_staff"], opinion_id=opinion.pk,
            deputy=self.wang.deputy)
        drafting.suggestion_draft_update(
            actor=self.wang, suggestion_id=suggestion.pk, title="关于完善路灯管护机制的建议",
            content=suggestion.content + "\n建议建立路灯巡查制度。", category="urban",
            kind=Suggestion.Kind.SUGGESTION, is_public=True)
        suggestion = drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        self.assertEqual((suggestion.status, suggestion.source_opinion), (S.SUBMITTED, opinion))
