"""Put the periodic jobs (deadline sweeps) on the task queue when they are due.

    manage.py run_schedule           # keep running, checking every 30 seconds
    manage.py run_schedule --once    # check once and exit (for cron or a systemd timer)

The tasks run in the task queue's worker: `manage.py db_worker` with the default backend.
"""

import time

from django.core.management.base import BaseCommand

from renda.core.schedule import REGISTRY, schedule_due


class Command(BaseCommand):
    help = "Enqueues the periodic jobs (deadline reminders and escalations) when they are due."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=30.0,
                            help="seconds between checks (default 30)")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        if options["verbosity"] > 1:
            for job in REGISTRY.values():
                self.stdout.write(f"{job.name}: {job.task} every {job.every}")
        while True:
            for name in schedule_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
