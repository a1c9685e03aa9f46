"""The supervision sweep (督办) of deputies' suggestions: a reminder (催办) to the unit shortly
before its reply falls due, an escalation to the congress office (and to the leaders of a key
suggestion) once it is overdue, and a reminder to the unit of each commitment of the
cross-year ledger whose promised date is near or has passed.

`supervision_sweep()` runs every few minutes (`manage.py sweep_suggestions` from cron, or
`supervision_sweep_task` on the task queue). Like the opinions' sweep and Healthchecks'
`sendalerts`, it claims each row with a conditional UPDATE of its mark (`reminded_at`,
`escalated_at`) for the deadline it read, and only the run whose UPDATE changed the row
appends the event and sends the messages, whose idempotency keys name the row, the deadline and
the recipient: overlapping or repeated runs send nothing twice. A new deadline (re-handling, an
extension, a re-planned commitment) clears the marks, so it is reminded and escalated again.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.calendar import CalendarNotCovered, WorkingCalendar
from renda.core.deadlines import DeadlineRule, Unit, due_at, end_of_day, is_overdue, local_date
from renda.core.notifications import notification_send
from renda.core.workflow import event_append
from renda.directory.models import Congress
from renda.directory.selectors import setting_value
from renda.suggestions.models import Assignment, Commitment, KeySupervision, Suggestion

logger = logging.getLogger("renda.suggestions.supervision")

UNIT_ROLES = (Role.UNIT_HANDLER, Role.UNIT_HEAD)
UNFINISHED = (Commitment.Status.OPEN, Commitment.Status.REPLANNED)
ASSIGNMENT_RELATED = ("suggestion__congress", "unit")
COMMITMENT_RELATED = ("unit", "reply__assignment__suggestion__congress")


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """What this run reminded and escalated (not counting other runs' work)."""

    reminded: int = 0
    escalated: int = 0
    commitments: int = 0


def supervision_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Remind, escalate and remind of commitments, each row once per deadline."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    return SweepResult(reminded=_remind(_assignments_to_remind(now, calendar), now),
                       escalated=_escalate(_assignments_to_escalate(now, calendar), now),
                       commitments=_remind_commitments(_commitments_to_remind(now, calendar),
                                                       now))


def open_assignments() -> QuerySet[Assignment]:
    """Assignments still waiting for a reply; the filter repeats the condition of the partial
    index `assignment_open_due_at`, which serves the sweep. A suggestion its deputy withdrew
    leaves its assignments as they were, but nobody is reminded of them any more."""
    return Assignment.objects.filter(status__in=Assignment.OPEN_STATES).exclude(
        suggestion__status=Suggestion.Status.WITHDRAWN)


def unfinished_commitments() -> QuerySet[Commitment]:
    return Commitment.objects.filter(status__in=UNFINISHED)


def reminder_horizon(congress: Congress, now: datetime.datetime,
                     calendar: WorkingCalendar) -> datetime.datetime:
    """The last instant a deadline may fall on to be reminded now: `reminder_before` working
    days (as `days_left` counts them) or days from today."""
    rule = _rule(congress, "suggestions.reminder_before", now)
    today = local_date(now)
    if rule.unit is Unit.WORKING_DAYS:
        # days_left(d) <= N exactly when d comes before the (N+1)-th working day after today.
        return end_of_day(calendar.add_working_days(today, rule.amount + 1)
                          - datetime.timedelta(days=1))
    if rule.unit is Unit.DAYS:
        return end_of_day(today + datetime.timedelta(days=rule.amount))
    raise ValueError("suggestions.reminder_before must be counted in days or working days")


def _rule(congress: Congress, key: str, now: datetime.datetime) -> DeadlineRule:
    return DeadlineRule.parse(setting_value(congress=congress, key=key, on=local_date(now)))


# Selection -------------------------------------------------------------------------------------


def _horizons(congress_ids: Iterable[int], now: datetime.datetime,
              calendar: WorkingCalendar) -> dict[int, datetime.datetime]:
    horizons = {}
    for congress in Congress.objects.filter(pk__in=set(congress_ids)).order_by("pk"):
        try:
            horizons[congress.pk] = reminder_horizon(congress, now, calendar)
        except CalendarNotCovered as exc:
            logger.error("no suggestion reminders for congress %s: %s", congress.pk, exc)
    return horizons


def _assignments_to_remind(now: datetime.datetime,
                           calendar: WorkingCalendar) -> list[Assignment]:
    """Open assignments not yet reminded and not yet overdue, due within their congress's
    `suggestions.reminder_before`."""
    rows = (open_assignments().filter(reminded_at__isnull=True, due_at__gte=now)
            .select_related(*ASSIGNMENT_RELATED).order_by("due_at", "id"))
    congress_ids = rows.values_list("suggestion__congress_id", flat=True).distinct()
    horizons = _horizons(list(congress_ids), now, calendar)
    if not horizons:
        return []
    latest = max(horizons.values())
    return [row for row in rows.filter(due_at__lte=latest)
            if row.suggestion.congress_id in horizons
            and row.due_at <= horizons[row.suggestion.congress_id]]


def _assignments_to_escalate(now: datetime.datetime,
                             calendar: WorkingCalendar) -> list[Assignment]:
    """Overdue assignments not yet escalated whose grace (`suggestions.escalate_after`,
    counted from the deadline like a deadline itself) has run out; "0wd": once overdue."""
    overdue = (open_assignments().filter(escalated_at__isnull=True, due_at__lt=now)
               .select_related(*ASSIGNMENT_RELATED).order_by("due_at", "id"))
    rules: dict[int, DeadlineRule] = {}
    chosen = []
    for row in overdue:
        congress = row.suggestion.congress
        if congress.pk not in rules:
            rules[congress.pk] = _rule(congress, "suggestions.escalate_after", now)
        try:
            escalate_at = due_at(row.due_at, rules[congress.pk], calendar=calendar)
        except CalendarNotCovered as exc:
            logger.error("no escalation of suggestion assignment %s: %s", row.pk, exc)
            continue
        if is_overdue(escalate_at, now=now):
            chosen.append(row)
    return chosen


def _commitments_to_remind(now: datetime.datetime,
                           calendar: WorkingCalendar) -> list[Commitment]:
    """Unfinished commitments not yet reminded for their promised date, which is within
    `suggestions.reminder_before` or already past."""
    rows = (unfinished_commitments().filter(reminded_at__isnull=True)
            .select_related(*COMMITMENT_RELATED).order_by("promised_date", "id"))
    congress_ids = rows.values_list("reply__assignment__suggestion__congress_id",
                                    flat=True).distinct()
    horizons = _horizons(list(congress_ids), now, calendar)
    if not horizons:
        return []
    latest = local_date(max(horizons.values()))
    return [row for row in rows.filter(promised_date__lte=latest)
            if _congress_id(row) in horizons
            and row.promised_date <= local_date(horizons[_congress_id(row)])]


def _congress_id(commitment: Commitment) -> int:
    return commitment.reply.assignment.suggestion.congress_id


# Claims ----------------------------------------------------------------------------------------


def _claim(row: Model, mark: str, now: datetime.datetime, action: str, deadline: dict,
           data: dict) -> bool:
    """Set the mark if no other run has, for the deadline this run read; True when this run
    owns the row, and then its event is appended in the same transaction."""
    model = type(row)
    states = Assignment.OPEN_STATES if model is Assignment else UNFINISHED
    with transaction.atomic():
        claimed = model.objects.filter(pk=row.pk, status__in=states, **deadline,
                                       **{f"{mark}__isnull": True}).update(**{mark: now})
        if claimed:
            event_append(target=row, action=action, actor=None, from_status=row.status,
                         to_status=row.status,
                         data={key: value.isoformat() for key, value in deadline.items()} | data)
    return bool(claimed)


def _remind(rows: list[Assignment], now: datetime.datetime) -> int:
    handlers = _unit_handlers({row.unit_id for row in rows}, now)
    count = 0
    for row in rows:
        recipients = handlers.get(row.unit_id, [])
        if not _claim(row, "reminded_at", now, "remind", {"due_at": row.due_at},
                      {"recipients": [user.pk for user in recipients]}):
            continue
        count += 1
        suggestion, day = row.suggestion, local_date(row.due_at).isoformat()
        values = {"unit": row.unit, "code": suggestion.code, "title": suggestion.title,
                  "date": day}
        subject = _("催办：代表建议 %(code)s 将于 %(date)s 到期") % values
        if row.role == Assignment.Role.ASSISTING:
            body = _("%(unit)s：\n\n代表建议 %(code)s“%(title)s”的协办意见期限为 %(date)s，"
                     "请按时把书面协办意见送主办单位。") % values
        else:
            body = _("%(unit)s：\n\n代表建议 %(code)s“%(title)s”的答复期限为 %(date)s，请按时"
                     "办理并书面答复代表；确需延期的，请及时申请。") % values
        _notify(row, recipients, f"remind-{local_date(row.due_at):%Y%m%d}", subject, body)
    return count


def _escalate(rows: list[Assignment], now: datetime.datetime) -> int:
    offices = _office_staff({row.suggestion.congress_id for row in rows}, now)
    leaders = _key_leaders({row.suggestion_id for row in rows})
    count = 0
    for row in rows:
        recipients = _unique([*offices.get(row.suggestion.congress_id, []),
                              *leaders.get(row.suggestion_id, [])])
        if not _claim(row, "escalated_at", now, "escalate", {"due_at": row.due_at},
                      {"recipients": [user.pk for user in recipients]}):
            continue
        count += 1
        suggestion, day = row.suggestion, local_date(row.due_at).isoformat()
        values = {"code": suggestion.code, "title": suggestion.title, "unit": row.unit,
                  "role": row.get_role_display(), "date": day}
        subject = _("督办：代表建议 %(code)s 已超过期限") % values
        if row.role == Assignment.Role.ASSISTING:
            body = _("代表建议 %(code)s“%(title)s”的协办单位%(unit)s，协办意见期限 %(date)s "
                     "已过，尚未送出协办意见，请督办。") % values
        else:
            body = _("代表建议 %(code)s“%(title)s”交由%(unit)s办理（%(role)s），答复期限 "
                     "%(date)s 已过，尚未答复，请督办。") % values
        _notify(row, recipients, f"escalate-{local_date(row.due_at):%Y%m%d}", subject, body)
    return count


def _remind_commitments(rows: list[Commitment], now: datetime.datetime) -> int:
    handlers = _unit_handlers({row.unit_id for row in rows}, now)
    today = local_date(now)
    count = 0
    for row in rows:
        recipients = handlers.get(row.unit_id, [])
        if not _claim(row, "reminded_at", now, "remind", {"promised_date": row.promised_date},
                      {"recipients": [user.pk for user in recipients]}):
            continue
        count += 1
        suggestion = row.reply.assignment.suggestion
        values = {"unit": row.unit, "code": suggestion.code, "title": suggestion.title,
                  "date": row.promised_date.isoformat()}
        if row.promised_date < today:
            subject = _("承诺事项已到期：代表建议 %(code)s") % values
            body = _("%(unit)s：\n\n在代表建议 %(code)s“%(title)s”的答复中承诺 %(date)s 前"
                     "完成的事项已经到期，请登记进展；已完成的请标记兑现，需调整计划的请说明理由"
                     "和新的完成时间。") % values
        else:
            subject = _("承诺事项临近到期：代表建议 %(code)s") % values
            body = _("%(unit)s：\n\n在代表建议 %(code)s“%(title)s”的答复中承诺 %(date)s 前"
                     "完成的事项即将到期，请抓紧落实并登记进展。") % values
        _notify(row, recipients, f"remind-{row.promised_date:%Y%m%d}", subject, body)
    return count


def _notify(row: Model, recipients: Iterable[User], occasion: str, subject: str,
            body: str) -> None:
    kind = type(row).__name__.lower()
    for user in recipients:
        notification_send(
            channel="email", recipient=user.email, subject=subject, body=body, target=row,
            idempotency_key=f"suggestion-{kind}-{row.pk}-{occasion}-{user.pk}")


# Recipients ------------------------------------------------------------------------------------


def _unique(users: Iterable[User]) -> list[User]:
    return list({user.pk: user for user in users}.values())


def _grouped(assignments: QuerySet[RoleAssignment], key: str) -> dict[int, list[User]]:
    """Active users with an e-mail address, grouped by `key` of their role, each once."""
    grouped: dict[int, dict[int, User]] = defaultdict(dict)
    for assignment in (assignments.filter(user__is_active=True).exclude(user__email="")
                       .select_related("user").order_by("user_id")):
        grouped[getattr(assignment, key)][assignment.user_id] = assignment.user
    return {k: list(users.values()) for k, users in grouped.items()}


def _unit_handlers(unit_ids: set[int], now: datetime.datetime) -> dict[int, list[User]]:
    if not unit_ids:
        return {}
    return _grouped(RoleAssignment.objects.in_force(local_date(now)).filter(
        role__in=UNIT_ROLES, unit_id__in=unit_ids), "unit_id")


def _office_staff(congress_ids: set[int], now: datetime.datetime) -> dict[int, list[User]]:
    if not congress_ids:
        return {}
    return _grouped(RoleAssignment.objects.in_force(local_date(now)).filter(
        role=Role.OFFICE_STAFF, congress_id__in=congress_ids), "congress_id")


def _key_leaders(suggestion_ids: set[int]) -> dict[int, list[User]]:
    """The leaders supervising each key suggestion personally also hear when it is late."""
    leaders: dict[int, list[User]] = defaultdict(list)
    for key in (KeySupervision.objects.filter(suggestion_id__in=suggestion_ids)
                .prefetch_related("leaders")):
        leaders[key.suggestion_id] = [user for user in key.leaders.all()
                                      if user.is_active and user.email]
    return leaders
