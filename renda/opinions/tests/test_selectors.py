"""Who sees which opinions, the units' inbox, the overdue list, and the admin's masking."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renda.opinions import selectors
from renda.opinions.models import Opinion
from renda.opinions.tests.helpers import MOBILE, OpinionTestCase

BACKEND = "django.contrib.auth.backends.ModelBackend"


class VisibilityTest(OpinionTestCase):
    def test_each_role_sees_its_own_scope(self):
        mine, _ = self.opinion_in("transferred")
        elsewhere, _ = self.submit(station="youxie", deputy="zhao")
        songbei, _ = self.submit(congress="songbei", station="songbei", deputy="sun")
        expected = {
            "admin": {mine, elsewhere}, "office_staff": {mine, elsewhere},
            "leader": {mine, elsewhere}, "evaluator": {mine, elsewhere},
            "station_staff": {mine}, "deputy": {mine}, "unit_handler": {mine},
            "unit_head": {mine},
        }
        for persona, items in expected.items():
            with self.subTest(persona=persona):
                seen = set(selectors.opinion_list_for(user=self.world.users[persona]))
                self.assertEqual(seen, items)
        self.assertEqual(set(selectors.opinion_list_for(user=self.world.outsider)), {songbei})

    def test_the_outsider_cannot_open_an_item_of_another_district(self):
        opinion, _ = self.submit()
        with self.assertRaises(Opinion.DoesNotExist):
            selectors.opinion_get_for(user=self.world.outsider, pk=opinion.pk)

    def test_list_queries_do_not_grow_with_rows(self):
        def count() -> int:
            user = type(self.office).objects.get(pk=self.office.pk)
            with CaptureQueriesContext(connection) as queries:
                for item in selectors.opinion_list_for(user=user):
                    str(item.assigned_unit), str(item.addressed_station), str(item.area)
                    str(item.addressed_deputy), str(item.congress)
            return len(queries)

        self.opinion_in("transferred")
        before = count()
        for _ in range(5):
            self.opinion_in("transferred")
        self.assertEqual(count(), before)


class InboxTest(OpinionTestCase):
    def test_the_unit_sees_its_open_items_most_urgent_first(self):
        help_item, _ = self.opinion_in("transferred", type_code="help")
        urgent, _ = self.opinion_in("accepted", type_code="consultation")
        self.opinion_in("replied")
        self.opinion_in("transferred", unit="health")
        inbox = list(selectors.unit_inbox(user=self.handler))
        self.assertEqual(inbox, [urgent, help_item])
        self.assertEqual(list(selectors.unit_inbox(user=self.world.users["station_staff"])), [])

    def test_overdue_lists_only_open_items_past_their_deadline(self):
        late, _ = self.opinion_in("accepted", type_code="consultation")
        self.opinion_in("transferred", type_code="complaint")
        done, _ = self.opinion_in("replied", type_code="consultation")
        later = timezone.now() + datetime.timedelta(days=8)
        self.assertEqual(list(selectors.overdue_opinions(now=later)), [late])
        self.assertEqual(list(selectors.overdue_opinions(now=timezone.now())), [])


class AdminMaskingTest(OpinionTestCase):
    def page(self, persona: str, opinion: Opinion):
        user = self.world.users[persona]
        user.is_staff = True
        user.save()
        self.client.force_login(user, backend=BACKEND)
        return self.client.get(reverse("admin:opinions_opinion_change", args=[opinion.pk]))

    def test_the_mobile_is_shown_only_to_roles_that_need_it(self):
        opinion, _ = self.submit()
        self.assertContains(self.page("office_staff", opinion), MOBILE)
        response = self.page("leader", opinion)
        self.assertContains(response, "139****0001")
        self.assertNotContains(response, MOBILE)
        self.assertNotContains(response, "张三")

    def test_the_outsider_cannot_open_it(self):
        opinion, _ = self.submit()
        response = self.page("office_staff", opinion)
        self.assertEqual(response.status_code, 200)
        self.client.logout()
        self.world.outsider.is_staff = True
        self.world.outsider.save()
        self.client.force_login(self.world.outsider, backend=BACKEND)
        response = self.client.get(reverse("admin:opinions_opinion_change", args=[opinion.pk]))
        self.assertNotEqual(response.status_code, 200)

    def test_the_changelist_finds_an_item_by_tracking_number(self):
        opinion, _ = self.submit()
        self.page("office_staff", opinion)
        response = self.client.get(reverse("admin:opinions_opinion_changelist"),
                                   {"q": opinion.tracking_number})
        self.assertContains(response, opinion.tracking_number)
