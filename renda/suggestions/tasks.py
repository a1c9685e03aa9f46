"""Background tasks of the suggestions app; they take ids (or nothing) and call services."""

from django_tasks import task

from renda.suggestions.supervision import supervision_sweep


@task()
def supervision_sweep_task() -> dict[str, int]:
    """Run the supervision sweep of suggestions on the task queue; the counts of this run."""
    result = supervision_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated,
            "commitments": result.commitments}
