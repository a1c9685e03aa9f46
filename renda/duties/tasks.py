"""Background tasks of duty records; they take ids (or nothing) and call services."""

from django_tasks import task

from renda.duties.collectors import duty_records_collect_all
from renda.duties.services import quota_reminders_send


@task()
def collect_task() -> dict[str, int]:
    """Bring the automatic duty records of every congress up to date."""
    result = duty_records_collect_all()
    return {"created": result.created, "withdrawn": result.withdrawn,
            "restored": result.restored}


@task()
def quota_reminders_task() -> int:
    return quota_reminders_send()
