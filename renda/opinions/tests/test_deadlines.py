"""Deadlines in working days: across the National Day holiday, the return window and the one
extension."""

import datetime

import time_machine
from django.core.exceptions import ValidationError

from renda.core.deadlines import end_of_day
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.opinions import services
from renda.opinions.tests.helpers import OpinionTestCase


class TransferDeadlineTest(OpinionTestCase):
    @time_machine.travel("2025-09-30 10:00 +0800", tick=False)
    def test_it_counts_working_days_across_a_public_holiday(self):
        # 1–8 October 2025 are holidays: two working days from 30 September end on 10 October.
        opinion, _ = self.opinion_in("transferred", type_code="consultation")
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2025, 10, 10)))
        self.assertEqual(events_of(opinion).last().data["due_at"],
                         end_of_day(datetime.date(2025, 10, 10)).isoformat())

    @time_machine.travel("2026-03-02 10:00 +0800", tick=False)
    def test_each_type_has_its_own_deadline(self):
        expected = {"consultation": datetime.date(2026, 3, 4),
                    "help": datetime.date(2026, 3, 16),
                    "complaint": datetime.date(2026, 3, 23)}
        for type_code, day in expected.items():
            with self.subTest(type_code=type_code):
                opinion, _ = self.opinion_in("transferred", type_code=type_code)
                self.assertEqual(opinion.due_at, end_of_day(day))


class ReturnWindowTest(OpinionTestCase):
    def transferred_on_30_september(self):
        with time_machine.travel("2025-09-30 10:00 +0800", tick=False):
            return self.opinion_in("transferred")[0]

    def test_a_unit_may_return_within_two_working_days(self):
        opinion = self.transferred_on_30_september()
        with time_machine.travel("2025-10-10 23:00 +0800", tick=False):
            services.opinion_return(actor=self.handler, opinion_id=opinion.pk, reason="不属本局")
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, "received")

    def test_after_the_window_it_must_handle_the_item(self):
        opinion = self.transferred_on_30_september()
        with time_machine.travel("2025-10-11 08:00 +0800", tick=False), \
                self.assertRaises(ValidationError):
            services.opinion_return(actor=self.handler, opinion_id=opinion.pk, reason="不属本局")
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, "transferred")


@time_machine.travel("2026-03-02 10:00 +0800", tick=False)
class ExtensionTest(OpinionTestCase):
    def test_one_extension_of_at_most_ten_working_days(self):
        opinion, _ = self.opinion_in("accepted")
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2026, 3, 16)))
        with self.assertRaises(ValidationError):
            services.opinion_extend(actor=self.office, opinion_id=opinion.pk, amount=11)
        services.opinion_extend(actor=self.office, opinion_id=opinion.pk, note="需协调多个部门")
        opinion.refresh_from_db()
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2026, 3, 30)))
        self.assertTrue(opinion.extension_used)
        event = events_of(opinion).last()
        self.assertEqual((event.action, event.from_status, event.to_status, event.note),
                         ("extend", "accepted", "accepted", "需协调多个部门"))
        with self.assertRaises(TransitionNotAllowed):
            services.opinion_extend(actor=self.office, opinion_id=opinion.pk, amount=1)
        opinion.refresh_from_db()
        self.assertEqual(opinion.due_at, end_of_day(datetime.date(2026, 3, 30)))

    def test_the_unit_cannot_extend_its_own_deadline(self):
        opinion, _ = self.opinion_in("accepted")
        with self.assertRaises(services.PermissionDenied):
            services.opinion_extend(actor=self.handler, opinion_id=opinion.pk)
