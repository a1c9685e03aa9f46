"""Reads of citizens' opinions, each through the permission layer (or the tracking secret)."""

import datetime

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from renda.accounts.access import scope_filter
from renda.opinions.models import Opinion

VIEW = "opinions.view_opinion"
RELATED = ("congress", "addressed_station", "addressed_deputy", "area", "assigned_unit")


def opinion_list_for(*, user, perm: str = VIEW) -> QuerySet[Opinion]:
    return scope_filter(user, perm, Opinion.objects.select_related(*RELATED))


def opinion_get_for(*, user, pk: int, perm: str = VIEW) -> Opinion:
    return opinion_list_for(user=user, perm=perm).get(pk=pk)


def unit_inbox(*, user) -> QuerySet[Opinion]:
    """The items a handling unit must act on, the most urgent first."""
    items = Opinion.objects.filter(status__in=Opinion.OPEN_STATES).select_related(*RELATED)
    return scope_filter(user, "opinions.handle_opinion", items).order_by("due_at", "id")


def overdue_opinions(*, now: datetime.datetime) -> QuerySet[Opinion]:
    """Open items past their deadline, for supervision (督办); read through the partial
    index `opinion_open_due_at`, whose condition this filter repeats."""
    return Opinion.objects.filter(
        status__in=Opinion.OPEN_STATES, due_at__lt=now
    ).order_by("due_at", "id")


def supervision_list(*, user, now: datetime.datetime | None = None) -> QuerySet[Opinion]:
    """The office's supervision list (督办台账): open items within the user's scope, the most
    overdue first, then the nearest deadlines; each row carries `is_overdue`."""
    now = now or timezone.now()
    items = (Opinion.objects.filter(status__in=Opinion.OPEN_STATES, due_at__isnull=False)
             .select_related(*RELATED)
             .annotate(is_overdue=Case(When(due_at__lt=now, then=Value(True)),
                                       default=Value(False), output_field=BooleanField())))
    return scope_filter(user, VIEW, items).order_by("-is_overdue", "due_at", "id")
