"""Suggestions brought to REGISTERED through the real services of the earlier stages (draft,
co-signers' confirmation, submission, registration), and extra personas for 交 and 办.

Submission and registration happen "now": a test that needs another moment of receipt wraps
the call in `time_machine.travel`.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.deadlines import local_date
from renda.directory.testing import PASSWORD, World, build_world
from renda.suggestions.models import Assignment, ContactRecord, Reply, Suggestion
from renda.suggestions.services import drafting, handling, review

TITLE = "关于加快兴建街道老旧小区供暖管网改造的建议"
CONTENT = ("兴建街道多个老旧小区供暖管网建于上世纪九十年代，跑冒滴漏严重，冬季室温长期不达标。\n"
           "一、建议将兴建路沿线小区列入今年管网改造计划；\n"
           "二、建议改造期间做好临时供暖保障。")


def deputy_account(world: World, key: str) -> User:
    """The account of a deputy of 平房区 (the world has one only for 王建国)."""
    deputy = world.deputies[key]
    user = get_user_model().objects.filter(deputy=deputy).first()
    if user is None:
        user = get_user_model().objects.create_user(
            username=f"deputy-{key}", password=PASSWORD, display_name=deputy.name,
            deputy=deputy)
        RoleAssignment.objects.create(user=user, role=Role.DEPUTY,
                                      congress=world.congresses["pingfang"])
    return user


def registered_suggestion(world: World, *, deputy: str = "wang", title: str = TITLE,
                          content: str = CONTENT, cosigners: Iterable[str] = ()) -> Suggestion:
    """A suggestion of the 平房区 congress, submitted (co-signers confirming) and registered
    with the next number of its series."""
    lead = deputy_account(world, deputy)
    suggestion = drafting.suggestion_draft_create(
        actor=lead, congress=world.congresses["pingfang"], lead_deputy=world.deputies[deputy],
        title=title, content=content, category="urban")
    cosigners = list(cosigners)
    for key in cosigners:
        deputy_account(world, key)  # only deputies with an account can be asked to co-sign
        drafting.suggestion_cosigner_add(actor=lead, suggestion_id=suggestion.pk,
                                         deputy_id=world.deputies[key].pk)
    drafting.suggestion_submit(actor=lead, suggestion_id=suggestion.pk)
    for key in cosigners:
        drafting.suggestion_cosign_confirm(actor=deputy_account(world, key),
                                           suggestion_id=suggestion.pk)
    return review.suggestion_register(actor=world.users["office_staff"],
                                      suggestion_id=suggestion.pk)


def unit_user(world: World, *, unit: str, username: str, role: str = Role.UNIT_HANDLER) -> User:
    """A handler (or head) of another unit of `build_world()`, e.g. 平房区卫生健康局."""
    user = User.objects.create_user(username=username, password=PASSWORD,
                                    display_name=username)
    RoleAssignment.objects.create(user=user, role=role, congress=world.congresses["pingfang"],
                                  unit=world.units[unit])
    return user


class HandlingTestCase(TestCase):
    """The world of `build_world()` with a handler of 平房区卫生健康局 beside the housing
    bureau's, and suggestions brought to the states of 交 and 办 through the services."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        users = cls.world.users
        cls.office, cls.handler, cls.head = (users["office_staff"], users["unit_handler"],
                                             users["unit_head"])
        cls.health = unit_user(cls.world, unit="health", username="health")
        cls.units = cls.world.units

    def registered(self, **options) -> Suggestion:
        return registered_suggestion(self.world, **options)

    def assigned(self, *, lead: str | None = "housing", assisting: Iterable[str] = ("health",),
                 separate: Iterable[str] = (), **options) -> Suggestion:
        suggestion = self.registered(**options)
        return handling.suggestion_assign(
            actor=self.office, suggestion_id=suggestion.pk,
            lead_unit_id=self.units[lead].pk if lead else None,
            assisting_unit_ids=[self.units[key].pk for key in assisting],
            separate_unit_ids=[self.units[key].pk for key in separate])

    def assignment(self, suggestion: Suggestion, unit: str = "housing") -> Assignment:
        return suggestion.assignments.exclude(status=Assignment.Status.CANCELLED).get(
            unit=self.units[unit])

    def user_of(self, unit: str) -> User:
        return {"housing": self.handler, "health": self.health}[unit]

    def acknowledged(self, suggestion: Suggestion, unit: str = "housing") -> Assignment:
        return handling.assignment_acknowledge(
            actor=self.user_of(unit), assignment_id=self.assignment(suggestion, unit).pk)

    def contact(self, assignment: Assignment, **options) -> ContactRecord:
        fields = {"method": ContactRecord.Method.FACE_TO_FACE,
                  "contacted_on": local_date(timezone.now()),
                  "participants": "王建国代表、住建局刘科长", "note": "到小区现场查看管网。",
                  **options}
        user = self.user_of("health" if assignment.unit == self.units["health"] else "housing")
        return handling.contact_record_add(actor=user, assignment_id=assignment.pk, **fields)

    def reply(self, assignment: Assignment, category: str = "A", **options) -> Reply:
        fields = {"body": "一、已将兴建路沿线小区列入管网改造计划。\n二、改造期间设临时供热站。",
                  "signer": "刘局长", "contact_person": "张科长",
                  "contact_phone": "0451-86801111", **options}
        if category == "B":
            fields.setdefault("promised_date", local_date(timezone.now()) + datetime.timedelta(
                days=90))
        user = self.user_of("health" if assignment.unit == self.units["health"] else "housing")
        return handling.assignment_reply(actor=user, assignment_id=assignment.pk,
                                         category=category, **fields)

    def ready_to_reply(self, suggestion: Suggestion, unit: str = "housing") -> Assignment:
        assignment = self.acknowledged(suggestion, unit)
        self.contact(assignment)
        return assignment
