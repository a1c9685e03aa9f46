"""Periodic jobs put on the task queue: the deadline sweeps of every loop.

Apps register their jobs when they start (`register_periodic` in `AppConfig.ready`); the
`run_schedule` command enqueues each job's task whenever its interval has passed, and the
task queue's worker (`manage.py db_worker` with the default database backend) runs it. The
tasks themselves are idempotent sweeps, so a job enqueued twice sends nothing twice; the claim
on `ScheduledJob` keeps two schedulers from enqueueing the same run in the first place.
"""

import dataclasses
import datetime

from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from renda.core.models import ScheduledJob


@dataclasses.dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str  # dotted path of a django_tasks task taking no arguments
    every: datetime.timedelta


REGISTRY: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task: str, *, every: datetime.timedelta) -> None:
    REGISTRY[name] = PeriodicJob(name, task, every)


def schedule_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in REGISTRY.values():
        ScheduledJob.objects.get_or_create(name=job.name)
        claimed = ScheduledJob.objects.filter(
            Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - job.every),
            name=job.name,
        ).update(last_enqueued_at=now, runs=F("runs") + 1)
        if claimed:
            import_string(job.task).enqueue()
            enqueued.append(job.name)
    return enqueued
