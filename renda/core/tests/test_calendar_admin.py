from django.test import TestCase
from django.urls import reverse

from renda.core.models import CalendarYear
from renda.directory.testing import build_world


class CalendarAdminTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        for user in cls.world.users.values():
            user.is_staff = True
            user.save()

    def test_an_administrator_adds_a_year(self):
        self.client.force_login(self.world.users["admin"])
        response = self.client.post(reverse("admin:core_calendaryear_add"),
                                    {"year": 2027, "note": "国办发明电"})
        self.assertEqual(response.status_code, 302)
        year = CalendarYear.objects.get(year=2027)
        history = self.client.get(reverse("admin:core_calendaryear_history", args=[year.pk]))
        self.assertContains(history, "admin")

    def test_office_staff_may_only_read_the_calendar(self):
        self.client.force_login(self.world.users["office_staff"])
        self.assertEqual(self.client.get(reverse("admin:core_calendarday_changelist")).status_code,
                         200)
        self.assertEqual(self.client.get(reverse("admin:core_calendarday_add")).status_code, 403)

    def test_a_unit_handler_cannot_see_it(self):
        self.client.force_login(self.world.users["unit_handler"])
        self.assertEqual(self.client.get(reverse("admin:core_calendarday_changelist")).status_code,
                         403)


class EventAdminTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        for user in cls.world.users.values():
            user.is_staff = True
            user.save()

    def test_the_action_log_is_readable_and_never_editable(self):
        from renda.directory.models import Mandate
        from renda.directory.services import mandate_end

        mandate = Mandate.objects.filter(term=self.world.terms["pingfang"]).first()
        mandate_end(actor=self.world.users["office_staff"], mandate_id=mandate.pk,
                    action="resign", end_date=mandate.start_date)
        self.client.force_login(self.world.users["admin"])
        page = self.client.get(reverse("admin:core_event_changelist"))
        self.assertContains(page, "resign")
        self.assertEqual(self.client.get(reverse("admin:core_event_add")).status_code, 403)
        self.client.force_login(self.world.users["office_staff"])
        self.assertEqual(self.client.get(reverse("admin:core_event_changelist")).status_code,
                         403)
