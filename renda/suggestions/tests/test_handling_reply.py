"""办: contact before replying (a setting), the reply and its category, B replies as
commitments, the automatic move to REPLIED once every lead or separate unit has replied, the
assisting unit's view for the lead unit, and the one extension."""

import datetime
import zoneinfo

import time_machine
from django.core.exceptions import ValidationError

from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import CongressSetting
from renda.suggestions.models import Assignment, Commitment, Reply, Suggestion
from renda.suggestions.selectors.handling import assist_opinions_for
from renda.suggestions.services import handling
from renda.suggestions.tests.factories import HandlingTestCase

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
S = Suggestion.Status
A = Assignment.Status


class ContactRuleTest(HandlingTestCase):
    def set_contact_required(self, value: bool) -> None:
        CongressSetting.objects.create(congress=self.world.congresses["pingfang"],
                                       key="suggestions.contact_required", value=value,
                                       effective_from=datetime.date(2020, 1, 1))

    def test_by_default_a_reply_needs_a_contact_record_first(self):
        lead = self.acknowledged(self.assigned())
        with self.assertRaisesMessage(ValidationError, "答复前须先与代表沟通"):
            self.reply(lead)
        self.assertFalse(Reply.objects.exists())
        lead.refresh_from_db()
        self.assertEqual(lead.status, A.ACKNOWLEDGED)
        self.contact(lead)
        self.reply(lead)
        lead.refresh_from_db()
        self.assertEqual(lead.status, A.REPLIED)

    def test_with_the_rule_off_a_reply_needs_no_contact(self):
        self.set_contact_required(False)
        lead = self.acknowledged(self.assigned())
        self.reply(lead)
        lead.refresh_from_db()
        self.assertEqual(lead.status, A.REPLIED)

    def test_with_the_rule_on_explicitly_it_applies(self):
        self.set_contact_required(True)
        lead = self.acknowledged(self.assigned())
        with self.assertRaises(ValidationError):
            self.reply(lead)

    def test_a_contact_record_is_checked_and_logged(self):
        lead = self.acknowledged(self.assigned())
        tomorrow = datetime.date.today() + datetime.timedelta(days=2)
        for name, fields in {"future day": {"contacted_on": tomorrow},
                             "no method": {"method": "dinner"},
                             "no people": {"participants": "  "},
                             "no note": {"note": ""}}.items():
            with self.subTest(name), self.assertRaises(ValidationError):
                self.contact(lead, **fields)
        record = self.contact(lead)
        self.assertEqual(record.created_by, self.handler)
        event = events_of(lead).get(action="contact")
        self.assertEqual((event.actor, event.data["contact"]), (self.handler, record.pk))


class ReplyTest(HandlingTestCase):
    @time_machine.travel("2026-09-28 10:00 +0800", tick=False)
    def test_a_b_reply_opens_a_commitment_in_the_same_transaction(self):
        lead = self.ready_to_reply(self.assigned())
        reply = self.reply(lead, "B", promised_date=datetime.date(2027, 6, 30), is_public=False,
                           letter_number="平住建函〔2026〕12号")
        commitment = Commitment.objects.get()
        self.assertEqual((commitment.reply, commitment.unit, commitment.promised_date,
                          commitment.status),
                         (reply, self.units["housing"], datetime.date(2027, 6, 30),
                          Commitment.Status.OPEN))
        self.assertEqual((reply.round, reply.is_public, reply.letter_number, reply.created_by),
                         (1, False, "平住建函〔2026〕12号", self.handler))
        event = events_of(lead).get(action="reply")
        self.assertEqual((event.data["category"], event.data["commitment"]), ("B", commitment.pk))

    @time_machine.travel("2026-09-28 10:00 +0800", tick=False)
    def test_a_promise_category_needs_a_date_not_in_the_past(self):
        lead = self.ready_to_reply(self.assigned())
        for name, promised in {"none": None, "past": datetime.date(2026, 9, 27)}.items():
            with self.subTest(name), self.assertRaises(ValidationError) as caught:
                handling.assignment_reply(actor=self.handler, assignment_id=lead.pk,
                                          category="B", body="列入计划。", signer="刘局长",
                                          promised_date=promised)
            self.assertIn("promised_date", caught.exception.message_dict)
        self.assertFalse(Reply.objects.exists() or Commitment.objects.exists())

    def test_other_categories_open_no_commitment(self):
        lead = self.ready_to_reply(self.assigned())
        reply = self.reply(lead, "C", promised_date=datetime.date(2030, 1, 1))
        self.assertIsNone(reply.promised_date)
        self.assertFalse(Commitment.objects.exists())

    def test_the_categories_are_the_congress_code_list(self):
        CongressSetting.objects.create(
            congress=self.world.congresses["pingfang"], key="suggestions.reply_categories",
            effective_from=datetime.date(2020, 1, 1),
            value=[{"code": "1", "label": "已解决", "solved": True, "promise": False},
                   {"code": "2", "label": "计划解决", "solved": False, "promise": True}])
        lead = self.ready_to_reply(self.assigned())
        with self.assertRaises(ValidationError):
            self.reply(lead, "A")
        self.reply(lead, "2", promised_date=datetime.date.today() + datetime.timedelta(days=30))
        self.assertEqual(Commitment.objects.count(), 1)

    def test_required_text(self):
        lead = self.ready_to_reply(self.assigned())
        for field in ("body", "signer"):
            with self.subTest(field), self.assertRaises(ValidationError):
                self.reply(lead, **{field: " "})


class AutomaticRepliedTest(HandlingTestCase):
    def test_the_lead_unit_reply_alone_moves_it_the_assisting_unit_does_not_count(self):
        suggestion = self.assigned()
        self.acknowledged(suggestion, "health")
        self.reply(self.ready_to_reply(suggestion))
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.REPLIED)
        event = events_of(suggestion).order_by("-id").first()
        self.assertEqual((event.action, event.actor), ("replied", self.handler))
        self.assertEqual(self.assignment(suggestion, "health").status, A.ACKNOWLEDGED)

    def test_separate_units_all_have_to_reply(self):
        suggestion = self.assigned(lead=None, assisting=(), separate=("housing", "health"))
        self.reply(self.ready_to_reply(suggestion, "housing"))
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.ASSIGNED)
        self.reply(self.ready_to_reply(suggestion, "health"), "B")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.REPLIED)
        last = events_of(suggestion).order_by("-id").first()
        self.assertEqual((last.action, last.actor, last.data), ("replied", self.health,
                                                                 {"replies": 2}))

    def test_a_cancelled_unit_does_not_hold_it_back(self):
        suggestion = self.assigned(lead=None, assisting=(), separate=("housing", "health"))
        health = self.assignment(suggestion, "health")
        handling.assignment_request_reassign(actor=self.health, assignment_id=health.pk,
                                             reason="不属于卫健局职责")
        self.reply(self.ready_to_reply(suggestion, "housing"))
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.ASSIGNED)  # health's request is still open
        handling.assignment_reassign_approve(actor=self.office, assignment_id=health.pk)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.REPLIED)


class AssistingViewTest(HandlingTestCase):
    def test_the_lead_unit_reads_the_assisting_view_others_do_not(self):
        suggestion = self.assigned()
        lead = self.acknowledged(suggestion)
        assisting = self.acknowledged(suggestion, "health")
        opinion = handling.assignment_send_opinion(actor=self.health, assignment_id=assisting.pk,
                                                   body="建议同步改造社区卫生服务站的供暖。")
        assisting.refresh_from_db()
        self.assertEqual(assisting.status, A.OPINION_SENT)
        self.assertIsNotNone(assisting.replied_at)
        self.assertEqual(list(assist_opinions_for(user=self.handler, assignment=lead)), [opinion])
        self.assertEqual(list(assist_opinions_for(user=self.health, assignment=assisting)),
                         [opinion])
        # The other district's office reads nothing of it.
        self.assertEqual(list(assist_opinions_for(user=self.world.outsider, assignment=lead)), [])

    def test_an_empty_view_is_refused(self):
        suggestion = self.assigned()
        assisting = self.acknowledged(suggestion, "health")
        with self.assertRaises(ValidationError):
            handling.assignment_send_opinion(actor=self.health, assignment_id=assisting.pk,
                                             body="")


class ExtensionTest(HandlingTestCase):
    @time_machine.travel("2026-09-28 10:00 +0800", tick=False)
    def test_the_office_extends_once_by_at_most_three_months(self):
        suggestion = self.assigned()
        lead = self.assignment(suggestion)
        with self.assertRaises(ValidationError):
            handling.assignment_extend(actor=self.office, assignment_id=lead.pk, amount=4)
        handling.assignment_extend(actor=self.office, assignment_id=lead.pk, note="涉及年度预算")
        lead.refresh_from_db()
        self.assertEqual(lead.due_at, datetime.datetime.combine(
            datetime.date(2027, 3, 28), datetime.time.max, tzinfo=BEIJING))
        self.assertEqual((lead.status, lead.extension_used), (A.ASSIGNED, True))
        event = events_of(lead).get(action="extend")
        self.assertEqual((event.from_status, event.to_status, event.note), ("", "", "涉及年度预算"))
        self.assertEqual((event.data["from"][:10], event.data["to"][:10]),
                         ("2026-12-28", "2027-03-28"))
        with self.assertRaisesMessage(TransitionNotAllowed, "只能延期一次"):
            handling.assignment_extend(actor=self.office, assignment_id=lead.pk, amount=1)

    def test_a_replied_assignment_is_not_extended(self):
        lead = self.ready_to_reply(self.assigned())
        self.reply(lead)
        with self.assertRaises(TransitionNotAllowed):
            handling.assignment_extend(actor=self.office, assignment_id=lead.pk)

    def test_extension_resets_reminders(self):
        lead = self.assignment(self.assigned())
        Assignment.objects.filter(pk=lead.pk).update(reminded_at=lead.assigned_at,
                                                     escalated_at=lead.assigned_at)
        handling.assignment_extend(actor=self.office, assignment_id=lead.pk, amount=1)
        lead.refresh_from_db()
        self.assertEqual((lead.reminded_at, lead.escalated_at), (None, None))
