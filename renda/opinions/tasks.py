"""Background tasks of the opinions app; they take ids (or nothing) and call services."""

from django_tasks import task

from renda.opinions.supervision import supervision_sweep


@task()
def supervision_sweep_task() -> dict[str, int]:
    """Run the supervision sweep on the task queue; returns the counts of this run."""
    result = supervision_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated}
