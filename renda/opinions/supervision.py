"""Supervision (督办) of the handling units' deadlines: a reminder (催办) to the unit shortly
before an item falls due, an escalation to the congress office once it is overdue.

`supervision_sweep()` is meant to run every few minutes (`manage.py sweep_opinions` from cron,
or `supervision_sweep_task` on the task queue). It is idempotent in the way of Healthchecks'
`sendalerts`: each item is claimed with a conditional UPDATE on its mark (`reminded_at`,
`escalated_at`) and only the run whose UPDATE changed the row appends the event and sends the
messages, whose idempotency keys name the item, the deadline and the recipient. Overlapping or
repeated runs therefore send nothing twice. A new deadline (transfer, extension, reopening)
clears both marks, so it gets its own reminder and escalation.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.calendar import CalendarNotCovered, WorkingCalendar
from renda.core.deadlines import (
    DeadlineRule,
    Unit,
    due_at,
    end_of_day,
    is_overdue,
    local_date,
)
from renda.core.notifications import notification_send
from renda.core.workflow import event_append
from renda.directory.models import Congress
from renda.directory.selectors import setting_value
from renda.opinions.models import Opinion

logger = logging.getLogger("renda.opinions.supervision")

UNIT_ROLES = (Role.UNIT_HANDLER, Role.UNIT_HEAD)
RELATED = ("congress", "assigned_unit")


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """How many items this run reminded and escalated (not counting other runs' work)."""

    reminded: int = 0
    escalated: int = 0


def supervision_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Remind and escalate every open item that is due for it; see the module's docstring."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    open_items = Opinion.objects.filter(status__in=Opinion.OPEN_STATES, due_at__isnull=False)
    congress_ids = open_items.filter(
        reminded_at__isnull=True).values_list("congress_id", flat=True).distinct()
    reminded = 0
    for congress in Congress.objects.filter(pk__in=congress_ids).order_by("pk"):
        try:
            due = _reminder_candidates(open_items, congress, now, calendar)
        except CalendarNotCovered as exc:
            logger.error("no reminders for congress %s: %s", congress.pk, exc)
            continue
        reminded += _remind(due, now)
    escalated = _escalate(_escalation_candidates(open_items, now, calendar), now)
    return SweepResult(reminded=reminded, escalated=escalated)


# Selection -------------------------------------------------------------------------------------


def _rule(congress: Congress, key: str, now: datetime.datetime) -> DeadlineRule:
    return DeadlineRule.parse(setting_value(congress=congress, key=key, on=local_date(now)))


def _reminder_candidates(open_items, congress: Congress, now: datetime.datetime,
                         calendar: WorkingCalendar) -> list[Opinion]:
    """Items not yet reminded and not yet overdue whose deadline is at most the congress's
    `opinions.reminder_before` away (working days as `days_left` counts them)."""
    rule = _rule(congress, "opinions.reminder_before", now)
    today = local_date(now)
    if rule.unit is Unit.WORKING_DAYS:
        # days_left(d) <= N exactly when d comes before the (N+1)-th working day after today.
        horizon = end_of_day(calendar.add_working_days(today, rule.amount + 1)
                             - datetime.timedelta(days=1))
    elif rule.unit is Unit.DAYS:
        horizon = end_of_day(today + datetime.timedelta(days=rule.amount))
    else:
        raise ValueError("opinions.reminder_before must be counted in days or working days")
    return list(open_items.filter(congress=congress, reminded_at__isnull=True,
                                  due_at__gte=now, due_at__lte=horizon)
                .select_related(*RELATED).order_by("due_at", "id"))


def _escalation_candidates(open_items, now: datetime.datetime,
                           calendar: WorkingCalendar) -> list[Opinion]:
    """Overdue items not yet escalated whose grace (`opinions.escalate_after`, counted from
    the deadline like a deadline itself) has run out too; with "0wd", as soon as overdue."""
    overdue = (open_items.filter(escalated_at__isnull=True, due_at__lt=now)
               .select_related(*RELATED).order_by("due_at", "id"))
    rules: dict[int, DeadlineRule] = {}
    chosen = []
    for opinion in overdue:
        if opinion.congress_id not in rules:
            rules[opinion.congress_id] = _rule(opinion.congress, "opinions.escalate_after", now)
        try:
            escalate_at = due_at(opinion.due_at, rules[opinion.congress_id], calendar=calendar)
        except CalendarNotCovered as exc:
            logger.error("no escalation of opinion %s: %s", opinion.pk, exc)
            continue
        if is_overdue(escalate_at, now=now):
            chosen.append(opinion)
    return chosen


# Claims ----------------------------------------------------------------------------------------


def _claim(opinion: Opinion, mark: str, now: datetime.datetime, action: str,
           data: dict) -> bool:
    """Set the mark if no other run has, for the deadline this run read; True when this run
    owns the item, and then its event is appended in the same transaction."""
    with transaction.atomic():
        claimed = Opinion.objects.filter(
            pk=opinion.pk, status__in=Opinion.OPEN_STATES, due_at=opinion.due_at,
            **{f"{mark}__isnull": True},
        ).update(**{mark: now})
        if claimed:
            event_append(target=opinion, action=action, actor=None,
                         from_status=opinion.status, to_status=opinion.status,
                         data={"due_at": opinion.due_at.isoformat(), **data})
    return bool(claimed)


def _remind(items: list[Opinion], now: datetime.datetime) -> int:
    handlers = _unit_handlers({o.assigned_unit_id for o in items if o.assigned_unit_id}, now)
    count = 0
    for opinion in items:
        recipients = handlers.get(opinion.assigned_unit_id, [])
        if not _claim(opinion, "reminded_at", now, "remind",
                      {"recipients": [user.pk for user in recipients]}):
            continue
        count += 1
        due_day = local_date(opinion.due_at)
        subject = _("催办：民意 %(number)s 将于 %(date)s 到期") % {
            "number": opinion.tracking_number, "date": due_day.isoformat()}
        body = _("%(unit)s：\n\n民意 %(number)s“%(title)s”的办理期限为 %(date)s，"
                 "请按时答复；确需延期的，请及时申请。") % {
            "unit": opinion.assigned_unit, "number": opinion.tracking_number,
            "title": opinion.title, "date": due_day.isoformat()}
        _notify(opinion, recipients, "remind", subject, body)
    return count


def _escalate(items: list[Opinion], now: datetime.datetime) -> int:
    offices = _office_staff({o.congress_id for o in items}, now)
    count = 0
    for opinion in items:
        recipients = offices.get(opinion.congress_id, [])
        if not _claim(opinion, "escalated_at", now, "escalate",
                      {"recipients": [user.pk for user in recipients]}):
            continue
        count += 1
        due_day = local_date(opinion.due_at)
        subject = _("督办：民意 %(number)s 已超过办理期限") % {"number": opinion.tracking_number}
        body = _("民意 %(number)s“%(title)s”交由%(unit)s办理，期限 %(date)s 已过，"
                 "尚未答复，请督办。") % {
            "number": opinion.tracking_number, "title": opinion.title,
            "unit": opinion.assigned_unit or _("（未指定承办单位）"),
            "date": due_day.isoformat()}
        _notify(opinion, recipients, "escalate", subject, body)
    return count


def _notify(opinion: Opinion, recipients: Iterable[User], action: str, subject: str,
            body: str) -> None:
    due = local_date(opinion.due_at)
    for user in recipients:
        notification_send(
            channel="email", recipient=user.email, subject=subject, body=body, target=opinion,
            idempotency_key=f"opinion-{opinion.pk}-{action}-{due:%Y%m%d}-{user.pk}")


# Recipients ------------------------------------------------------------------------------------


def _recipients(assignments, key: str) -> dict[int, list[User]]:
    """Active users with an e-mail address, grouped by `key` of their assignment, each once."""
    grouped: dict[int, dict[int, User]] = defaultdict(dict)
    for assignment in assignments.filter(user__is_active=True).exclude(
            user__email="").select_related("user").order_by("user_id"):
        grouped[getattr(assignment, key)][assignment.user_id] = assignment.user
    return {k: list(users.values()) for k, users in grouped.items()}


def _unit_handlers(unit_ids: set[int], now: datetime.datetime) -> dict[int, list[User]]:
    if not unit_ids:
        return {}
    return _recipients(RoleAssignment.objects.in_force(local_date(now)).filter(
        role__in=UNIT_ROLES, unit_id__in=unit_ids), "unit_id")


def _office_staff(congress_ids: set[int], now: datetime.datetime) -> dict[int, list[User]]:
    if not congress_ids:
        return {}
    return _recipients(RoleAssignment.objects.in_force(local_date(now)).filter(
        role=Role.OFFICE_STAFF, congress_id__in=congress_ids), "congress_id")
