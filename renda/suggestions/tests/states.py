"""Suggestions brought to the states of evaluation and supervision for tests.

The draft is made by `suggestion_draft_create`; registration, assignment and replies follow
the workflow tables with `workflow_move(check_permission=False)` and ORM rows (`Assignment`,
`Reply`), as the review and handling stages do, until their services are the way to get
there. A B reply opens its commitment, as the handling stage's `assignment_reply` does.
"""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment
from renda.core.deadlines import DeadlineRule, due_at, local_date
from renda.core.workflow import workflow_move
from renda.directory.models import HandlingUnit
from renda.directory.testing import PASSWORD, World, build_world
from renda.suggestions.models import Assignment, Commitment, Reply, Signature, Suggestion
from renda.suggestions.services.drafting import suggestion_draft_create
from renda.suggestions.workflow import ASSIGNMENT, SUGGESTION

S = Suggestion.Status
A = Assignment.Status
_numbers = itertools.count(1)
BODY = {"A": "已完成兴建路人行道修缮，恢复通行。",
        "B": "已列入 2026 年城市更新计划，预计年底前完成改造。",
        "C": "受资金条件限制，暂时难以安排，待条件成熟后解决。",
        "D": "意见很好，留作今后工作参考。"}


def move(workflow, obj, action: str, actor, **changes):
    return workflow_move(workflow=workflow, obj=obj, action=action, actor=actor,
                         check_permission=False, changes=changes)


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
    """A suggestion of 王建国 registered and assigned to `units` (the first as lead unit, the
    others answering separately) and to `assisting` units; each answering unit has signed for
    it (acknowledged)."""
    office = world.users["office_staff"]
    suggestion = suggestion_draft_create(
        actor=deputy_user(world, "wang"), congress=world.congresses["pingfang"],
        lead_deputy=world.deputies["wang"], title=title or "关于修缮兴建路人行道的建议",
        content="兴建路人行道破损严重，雨天积水，老人出行不便，建议尽快修缮。",
        category=category)
    now = timezone.now()
    for order, key in enumerate(cosigners, start=1):
        Signature.objects.create(suggestion=suggestion, deputy=world.deputies[key], order=order,
                                 confirmed_at=now)
    move(SUGGESTION, suggestion, "submit_alone", deputy_user(world, "wang"), submitted_at=now)
    number = next(_numbers)
    move(SUGGESTION, suggestion, "register", office, registered_at=now, number=number,
         numbering_key=str(suggestion.year), code=f"{suggestion.year}-{number:04d}")
    move(SUGGESTION, suggestion, "assign", office, assigned_at=now)
    deadline = due_at(now, DeadlineRule.parse("3m"))
    roles = [Assignment.Role.LEAD] + [Assignment.Role.SEPARATE] * (len(units) - 1)
    for key, role in [*zip(units, roles, strict=True),
                      *((key, Assignment.Role.ASSISTING) for key in assisting)]:
        Assignment.objects.create(suggestion=suggestion, unit=world.units[key], role=role,
                                  status=A.ACKNOWLEDGED, assigned_at=now, acknowledged_at=now,
                                  due_at=deadline)
    return suggestion


def reply(world: World, assignment: Assignment, category: str = "A",
          promised_date: datetime.date | None = None) -> Reply:
    """The unit's reply of its current round; once every answering unit has replied, the
    suggestion is replied (`replied`)."""
    handler = handler_of(world, assignment.unit)
    if category == "B" and promised_date is None:
        promised_date = local_date(timezone.now()).replace(month=12, day=31)
    row = Reply.objects.create(assignment=assignment, round=assignment.round, category=category,
                               body=BODY[category], signer="刘局长", created_by=handler,
                               promised_date=promised_date)
    move(ASSIGNMENT, assignment, "reply", handler, replied_at=timezone.now())
    if promised_date is not None:
        Commitment.objects.create(reply=row, unit=assignment.unit, promised_date=promised_date)
    suggestion = Suggestion.objects.get(pk=assignment.suggestion_id)
    answering = suggestion.assignments.exclude(role=Assignment.Role.ASSISTING).exclude(
        status=A.CANCELLED)
    if not answering.exclude(status=A.REPLIED).exists():
        move(SUGGESTION, suggestion, "replied", None)
    return row


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
