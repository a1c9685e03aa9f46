"""Reminds handling units of deadlines and escalates overdue opinions to the office; run it
every few minutes from cron or a timer, e.g.

    */5 * * * * cd /srv/renda && .venv/bin/python manage.py sweep_opinions

Each item is claimed with a conditional update, so overlapping runs never send one twice.
"""

from django.core.management.base import BaseCommand

from renda.opinions.supervision import supervision_sweep


class Command(BaseCommand):
    help = "Sends deadline reminders to handling units and escalates overdue opinions."

    def handle(self, *args, **options) -> None:
        result = supervision_sweep()
        self.stdout.write(f"reminded: {result.reminded}, escalated: {result.escalated}")
