import datetime
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, Q
from django.test import TestCase
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.demo import idcard
from renda.directory.demo.accounts import DEMO_PASSWORD
from renda.directory.demo.builder import COUNTED
from renda.directory.models import (
    Area,
    Congress,
    Deputy,
    HandlingUnit,
    Mandate,
    ReceptionDay,
    Station,
    StationAssignment,
)

SEED_001_UNITS = ("人民政府办公厅", "人民检察院", "卫生健康委员会", "发展和改革委员会",
                  "工业和信息化局", "公安局", "民政局", "住房和城乡建设局", "文化广电和旅游局", "体育局")


def _counts() -> dict[str, int]:
    counts = {label: model.objects.count() for label, model in COUNTED}
    counts["history"] = sum(model.history.count() for _, model in COUNTED)
    return counts


class SeedDemoTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("seed_demo", stdout=cls.output)
        cls.first = _counts()
        call_command("seed_demo", stdout=cls.output)
        cls.second = _counts()

    def test_second_run_changes_nothing(self):
        self.assertEqual(self.first, self.second)

    def test_about_three_hundred_deputies(self):
        total = Deputy.objects.count()
        self.assertTrue(250 <= total <= 350, total)
        women = Deputy.objects.filter(gender=Deputy.Gender.FEMALE).count()
        self.assertTrue(0.35 <= women / total <= 0.55, women / total)

    def test_id_numbers_are_valid_and_match_gender(self):
        for deputy in Deputy.objects.all():
            self.assertTrue(idcard.is_valid(deputy.id_number), deputy.id_number)
            self.assertTrue(deputy.id_number.startswith("2301"), deputy.id_number)
            male = int(deputy.id_number[16]) % 2 == 1
            self.assertEqual(male, deputy.gender == Deputy.Gender.MALE, deputy.id_number)
        self.assertEqual(Deputy.objects.values("id_number").distinct().count(),
                         Deputy.objects.count())

    def test_some_deputies_sit_in_two_congresses(self):
        several = Deputy.objects.annotate(
            n=Count("mandates__term__congress", distinct=True,
                    filter=Q(mandates__status=Mandate.Status.ACTIVE))).filter(n__gte=2)
        self.assertGreaterEqual(several.count(), 10)
        self.assertTrue(Mandate.objects.filter(status=Mandate.Status.ENDED).exists())

    def test_stations_of_several_kinds_each_with_one_head(self):
        self.assertGreaterEqual(Station.objects.count(), 25)
        self.assertGreaterEqual(Station.objects.values("kind").distinct().count(), 4)
        heads = Station.objects.annotate(
            h=Count("assignments", filter=Q(assignments__role=StationAssignment.Role.HEAD)))
        self.assertEqual({station.h for station in heads}, {1})

    def test_every_current_deputy_is_assigned_to_one_or_two_stations(self):
        current = Deputy.objects.filter(mandates__status=Mandate.Status.ACTIVE).distinct()
        numbers = {d.n for d in current.annotate(n=Count("station_assignments", distinct=True))}
        self.assertEqual(numbers, {1, 2})

    def test_units_include_the_departments_of_seed_001(self):
        names = list(HandlingUnit.objects.filter(area__level=Area.Level.CITY)
                     .values_list("name", flat=True))
        for part in SEED_001_UNITS:
            self.assertTrue(any(part in name for name in names), part)

    def test_area_codes_follow_their_parents(self):
        digits = {Area.Level.DISTRICT: 4, Area.Level.STREET: 6, Area.Level.COMMUNITY: 9,
                  Area.Level.GRID: 12}
        for area in Area.objects.select_related("parent").exclude(level=Area.Level.CITY):
            size = digits[area.level]
            self.assertEqual(area.code[:size], area.parent.code[:size], area)

    def test_townships_have_no_standing_committee_and_every_congress_two_terms(self):
        for congress in Congress.objects.all():
            self.assertEqual(congress.terms.count(), 2)
            self.assertIsNotNone(congress.current_term())
            self.assertEqual(congress.has_standing_committee,
                             congress.level != Congress.Level.TOWNSHIP)

    def test_every_role_has_a_demo_user(self):
        for role in Role:
            assignment = RoleAssignment.objects.filter(role=role, user__username__startswith="demo-")
            self.assertTrue(assignment.exists(), role)
        for user in User.objects.filter(username__startswith="demo-"):
            self.assertTrue(user.check_password(DEMO_PASSWORD), user)
        self.assertIsNotNone(User.objects.get(username="demo-deputy").deputy)
        self.assertTrue(User.objects.get(username="demo-admin").is_superuser)

    def test_upcoming_reception_days(self):
        today = timezone.localdate()
        upcoming = ReceptionDay.objects.filter(date__gte=today, is_cancelled=False)
        self.assertGreaterEqual(upcoming.filter(schedule=None).count(), 5)
        self.assertTrue(ReceptionDay.objects.filter(is_cancelled=True, date__gte=today).exists())
        moved = ReceptionDay.objects.exclude(replaces_date=None).filter(is_cancelled=False).get()
        self.assertGreater(moved.date, moved.replaces_date)
        self.assertLessEqual(moved.date - today, datetime.timedelta(days=40))

    def test_accounts_table(self):
        self.assertIn("demo-unithead", self.output.getvalue())
        out = StringIO()
        call_command("seed_demo", "--accounts-only", stdout=out)
        self.assertIn(DEMO_PASSWORD, out.getvalue())
        self.assertIn("兴建街道人大代表联络站", out.getvalue())


class IdNumberTest(TestCase):
    def test_check_character(self):
        self.assertTrue(idcard.is_valid("11010519491231002X"))
        self.assertFalse(idcard.is_valid("110105194912310021"))
        self.assertFalse(idcard.is_valid("11010519490231002X"))
