"""The permission layer, table by table: what each persona of the test world may see and do."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.test import TestCase

from renda.accounts import access
from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.models import Deputy, HandlingUnit, Station
from renda.directory.selectors import (
    deputy_get_for,
    deputy_list_for,
    station_list_for,
    unit_get_for,
    unit_list_for,
)
from renda.directory.testing import build_world

ALL_DEPUTIES = {"wang", "li", "zhao", "sun"}
ALL_STATIONS = {"xingjian", "youxie", "songbei"}
ALL_UNITS = {"gov", "housing", "health", "songbei_gov"}

# persona → (deputies, stations, units) visible under the view permissions.
VISIBLE = {
    "superuser": (ALL_DEPUTIES, ALL_STATIONS, ALL_UNITS),
    # An administrator's assignment without an area covers the congress's own area only;
    # 王建国 also sits in the city congress but is visible through his 平房区 seat.
    "admin": ({"wang", "li", "zhao"}, {"xingjian", "youxie"}, {"gov", "housing", "health"}),
    "office_staff": ({"wang", "li", "zhao"}, {"xingjian", "youxie"}, {"gov", "housing", "health"}),
    "leader": ({"wang", "li", "zhao"}, {"xingjian", "youxie"}, {"gov", "housing", "health"}),
    "evaluator": ({"wang", "li", "zhao"}, {"xingjian", "youxie"}, {"gov", "housing", "health"}),
    "outsider": ({"sun"}, {"songbei"}, {"songbei_gov"}),
    "station_staff": ({"wang", "li"}, {"xingjian"}, set()),
    "unit_handler": (set(), set(), {"housing"}),
    "unit_head": (set(), set(), {"housing"}),
    "deputy": ({"wang"}, set(), set()),
    "anonymous": (set(), set(), set()),
    "expired": (set(), set(), set()),
    "not_yet": (set(), set(), set()),
}

# (persona, permission, object, expected) for single objects through has_perm.
OBJECT_RULES = [
    ("unit_handler", "directory.view_handlingunit", "unit:housing", True),
    ("unit_handler", "directory.view_handlingunit", "unit:health", False),
    ("unit_handler", "directory.view_handlingunit", "unit:songbei_gov", False),
    ("unit_handler", "directory.view_handlingunit", "unit:gov", False),
    ("unit_handler", "directory.change_handlingunit", "unit:housing", False),
    ("unit_head", "directory.change_handlingunit", "unit:housing", True),
    ("unit_head", "directory.change_handlingunit", "unit:health", False),
    ("office_staff", "directory.change_station", "station:xingjian", True),
    ("office_staff", "directory.change_station", "station:songbei", False),
    ("office_staff", "directory.view_deputy_private", "deputy:zhao", True),
    ("office_staff", "directory.view_deputy_private", "deputy:sun", False),
    ("office_staff", "directory.import_roster", "congress:pingfang", True),
    ("office_staff", "directory.import_roster", "congress:songbei", False),
    ("outsider", "directory.change_station", "station:songbei", True),
    ("outsider", "directory.view_deputy", "deputy:wang", False),
    ("leader", "directory.view_deputy_private", "deputy:wang", True),
    ("leader", "directory.change_deputy", "deputy:wang", False),
    ("evaluator", "directory.view_deputy", "deputy:wang", True),
    ("evaluator", "directory.view_deputy_private", "deputy:wang", False),
    ("station_staff", "directory.view_deputy_private", "deputy:li", True),
    ("station_staff", "directory.view_deputy_private", "deputy:zhao", False),
    ("station_staff", "directory.change_station", "station:xingjian", True),
    ("station_staff", "directory.change_station", "station:youxie", False),
    ("station_staff", "directory.delete_station", "station:xingjian", False),
    ("deputy", "directory.view_deputy_private", "deputy:wang", True),
    ("deputy", "directory.view_deputy_private", "deputy:li", False),
    ("deputy", "directory.change_deputy", "deputy:wang", True),
    ("deputy", "directory.change_deputy", "deputy:li", False),
    ("anonymous", "directory.view_deputy", "deputy:wang", False),
    ("expired", "directory.view_deputy", "deputy:wang", False),
    ("not_yet", "directory.view_station", "station:xingjian", False),
    ("superuser", "directory.view_deputy_private", "deputy:sun", True),
    ("superuser", "directory.delete_handlingunit", "unit:songbei_gov", True),
]

# (persona, permission, expected) without an object: whether any role grants it at all.
ROLE_RULES = [
    ("office_staff", "directory.import_roster", True),
    ("office_staff", "directory.export_roster", True),
    ("station_staff", "directory.import_roster", False),
    ("station_staff", "directory.export_roster", False),
    ("unit_handler", "directory.view_deputy", False),
    ("deputy", "directory.view_station", False),
    ("anonymous", "directory.view_station", False),
    ("expired", "directory.view_station", False),
    ("superuser", "directory.import_roster", True),
    ("office_staff", "accounts.change_user", False),
]


class AccessTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        pingfang = cls.world.congresses["pingfang"]
        today = datetime.date.today()
        cls.expired = cls._make("expired", pingfang, valid_until=today - datetime.timedelta(days=1))
        cls.not_yet = cls._make("not_yet", pingfang, valid_from=today + datetime.timedelta(days=1))
        cls.superuser = User.objects.create_superuser("root", "root@example.com", "x")

    @staticmethod
    def _make(username: str, congress, **dates) -> User:
        user = User.objects.create_user(username, password="x")
        RoleAssignment.objects.create(user=user, role=Role.OFFICE_STAFF, congress=congress,
                                      **dates)
        return user

    def persona(self, name: str):
        if name == "anonymous":
            return AnonymousUser()
        special = {"superuser": self.superuser, "outsider": self.world.outsider,
                   "expired": self.expired, "not_yet": self.not_yet}
        user = special.get(name) or self.world.users[name]
        # A fresh instance: the access layer caches a user's roles on the object.
        return User.objects.get(pk=user.pk)

    def obj(self, ref: str):
        kind, key = ref.split(":")
        collection = {"unit": self.world.units, "station": self.world.stations,
                      "deputy": self.world.deputies, "congress": self.world.congresses}[kind]
        return collection[key]

    def keys(self, collection: dict, queryset) -> set[str]:
        pks = set(queryset.values_list("pk", flat=True))
        return {key for key, item in collection.items() if item.pk in pks}

    def test_what_each_persona_sees(self):
        for name, (deputies, stations, units) in VISIBLE.items():
            with self.subTest(persona=name):
                user = self.persona(name)
                self.assertEqual(self.keys(self.world.deputies, deputy_list_for(user=user)),
                                 deputies)
                self.assertEqual(self.keys(self.world.stations, station_list_for(user=user)),
                                 stations)
                self.assertEqual(self.keys(self.world.units, unit_list_for(user=user)), units)

    def test_object_permissions(self):
        for name, perm, ref, expected in OBJECT_RULES:
            with self.subTest(persona=name, perm=perm, obj=ref):
                self.assertIs(access.has_perm(self.persona(name), perm, self.obj(ref)), expected)

    def test_role_permissions(self):
        for name, perm, expected in ROLE_RULES:
            with self.subTest(persona=name, perm=perm):
                self.assertIs(access.has_perm(self.persona(name), perm), expected)

    def test_unit_handler_gets_only_their_unit_through_the_selector(self):
        handler = self.persona("unit_handler")
        housing = self.world.units["housing"]
        self.assertEqual(unit_get_for(user=handler, pk=housing.pk), housing)
        for key in ("health", "songbei_gov", "gov"):
            with self.subTest(unit=key), self.assertRaises(HandlingUnit.DoesNotExist):
                unit_get_for(user=handler, pk=self.world.units[key].pk)

    def test_deputy_gets_only_their_own_record(self):
        deputy = self.persona("deputy")
        wang, li = self.world.deputies["wang"], self.world.deputies["li"]
        self.assertEqual(deputy_get_for(user=deputy, pk=wang.pk), wang)
        with self.assertRaises(Deputy.DoesNotExist):
            deputy_get_for(user=deputy, pk=li.pk)
        private = deputy_list_for(user=deputy, perm="directory.view_deputy_private")
        self.assertEqual(list(private), [wang])

    def test_anonymous_gets_nothing_from_scope_filter(self):
        anonymous = AnonymousUser()
        for model in (Deputy, Station, HandlingUnit):
            with self.subTest(model=model.__name__):
                perm = f"directory.view_{model._meta.model_name}"
                qs = access.scope_filter(anonymous, perm, model.objects.all())
                self.assertFalse(qs.exists())

    def test_an_inactive_user_gets_nothing(self):
        office = self.persona("office_staff")
        office.is_active = False
        self.assertFalse(deputy_list_for(user=office).exists())

    def test_an_area_scoped_admin_sees_only_that_street(self):
        user = User.objects.create_user("street_admin", password="x")
        RoleAssignment.objects.create(user=user, role=Role.ADMIN,
                                      congress=self.world.congresses["pingfang"],
                                      area=self.world.areas["youxie"])
        self.assertEqual(self.keys(self.world.stations, station_list_for(user=user)), {"youxie"})
        self.assertEqual(self.keys(self.world.deputies, deputy_list_for(user=user)), {"zhao"})

    def test_scope_lists_and_object_checks_agree(self):
        for name in VISIBLE:
            user = self.persona(name)
            visible = set(station_list_for(user=user))
            for station in self.world.stations.values():
                with self.subTest(persona=name, station=station.code):
                    self.assertIs(access.has_perm(user, "directory.view_station", station),
                                  station in visible)
