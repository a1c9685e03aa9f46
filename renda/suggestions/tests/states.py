"""Suggestions brought to the states of evaluation and supervision for tests, through the
real services of each stage: the deputy drafts and submits (co-signers confirm), the office
registers and assigns, each unit signs for it, records its contact with the deputy and replies
(a B reply opens its commitment).
"""

import datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment
from renda.directory.models import HandlingUnit
from renda.directory.testing import PASSWORD, World, build_world
from renda.suggestions.models import Assignment, Reply, Suggestion
from renda.suggestions.services.drafting import (
    suggestion_cosign_confirm,
    suggestion_cosigner_add,
    suggestion_draft_create,
    suggestion_submit,
)
from renda.suggestions.services.handling import (
    assignment_acknowledge,
    assignment_reply,
    contact_record_add,
    suggestion_assign,
)
from renda.suggestions.services.review import suggestion_register

S = Suggestion.Status
A = Assignment.Status
BODY = {"A": "已完成兴建路人行道修缮，恢复通行。",
        "B": "已列入 2026 年城市更新计划，预计年底前完成改造。",
        "C": "受资金条件限制，暂时难以安排，待条件成熟后解决。",
        "D": "意见很好，留作今后工作参考。"}


def deputy_user(world: World, key: str):
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


def handler_of(world: World, unit: HandlingUnit):
    """The handler of a unit; the world has one for the housing bureau, others are made."""
    if unit == world.units["housing"]:
        return world.users["unit_handler"]
    user, created = get_user_model().objects.get_or_create(
        username=f"handler-{unit.code}", defaults={"display_name": f"{unit.name}经办人"})
    if created:
        user.set_password(PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.UNIT_HANDLER, unit=unit,
                                      congress=world.congresses["pingfang"])
    return user


def assigned(world: World, *, units: tuple[str, ...] = ("housing",), title: str = "",
             category: str = "urban", cosigners: tuple[str, ...] = (),
             assisting: tuple[str, ...] = ()) -> Suggestion:
    """A suggestion of 王建国 registered and assigned to `units` (one: the lead unit, with any
    `assisting` units; several: each answering separately); each answering unit has signed
    for it."""
    office, lead = world.users["office_staff"], deputy_user(world, "wang")
    suggestion = suggestion_draft_create(
        actor=lead, congress=world.congresses["pingfang"], lead_deputy=world.deputies["wang"],
        title=title or "关于修缮兴建路人行道的建议",
        content="兴建路人行道破损严重，雨天积水，老人出行不便，建议尽快修缮。",
        category=category)
    for key in cosigners:
        suggestion_cosigner_add(actor=lead, suggestion_id=suggestion.pk,
                                deputy_id=world.deputies[key].pk)
    suggestion_submit(actor=lead, suggestion_id=suggestion.pk)
    for key in cosigners:
        suggestion_cosign_confirm(actor=deputy_user(world, key), suggestion_id=suggestion.pk)
    suggestion_register(actor=office, suggestion_id=suggestion.pk)
    ids = [world.units[key].pk for key in units]
    plan = ({"lead_unit_id": ids[0]} if len(ids) == 1 else {"separate_unit_ids": ids})
    suggestion_assign(actor=office, suggestion_id=suggestion.pk,
                      assisting_unit_ids=[world.units[key].pk for key in assisting], **plan)
    for assignment in answering(suggestion):
        assignment_acknowledge(actor=handler_of(world, assignment.unit),
                               assignment_id=assignment.pk)
    suggestion.refresh_from_db()
    return suggestion


def reply(world: World, assignment: Assignment, category: str = "A",
          promised_date: datetime.date | None = None) -> Reply:
    """The unit's reply of its current round, after a face-to-face talk with the deputy; the
    last answering unit's reply makes the suggestion replied."""
    handler = handler_of(world, assignment.unit)
    today = timezone.localdate()
    if category == "B" and promised_date is None:
        promised_date = today.replace(month=12, day=31)
    contact_record_add(actor=handler, assignment_id=assignment.pk, method="face_to_face",
                       contacted_on=today, participants="王建国代表、承办科室负责人",
                       note="当面听取代表意见，介绍办理计划")
    return assignment_reply(actor=handler, assignment_id=assignment.pk, category=category,
                            body=BODY[category], signer="刘局长", promised_date=promised_date)


def replied(world: World, *categories: str, **assigned_options) -> Suggestion:
    """A suggestion every answering unit has replied to, in the order of `units`, with the
    given categories (one unit, category A, by default)."""
    categories = categories or ("A",)
    units = assigned_options.pop("units", None) or (
        "housing", "health", "gov")[:len(categories)]
    suggestion = assigned(world, units=units, **assigned_options)
    for assignment, category in zip(answering(suggestion), categories, strict=True):
        reply(world, assignment, category)
    suggestion.refresh_from_db()
    return suggestion


def answering(suggestion: Suggestion) -> list[Assignment]:
    return list(suggestion.assignments.exclude(role=Assignment.Role.ASSISTING)
                .select_related("unit").order_by("id"))


class SuggestionTestCase(TestCase):
    """The world of `build_world()` with the people of the loop at hand."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        users = cls.world.users
        cls.office, cls.handler, cls.leader = (users["office_staff"], users["unit_handler"],
                                               users["leader"])
        cls.deputy, cls.evaluator = users["deputy"], users["evaluator"]
        cls.cosigner = deputy_user(cls.world, "li")

    def replied(self, *categories: str, **options) -> Suggestion:
        return replied(self.world, *categories, **options)

    def reply(self, assignment: Assignment, category: str = "A", **options) -> Reply:
        return reply(self.world, assignment, category, **options)
