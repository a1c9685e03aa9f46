"""Reminds handling units of reply deadlines and of promised dates in the commitments ledger,
and escalates overdue suggestions to the office; run it every few minutes from cron or a
timer, e.g.

    */5 * * * * cd /srv/renda && .venv/bin/python manage.py sweep_suggestions

Each row is claimed with a conditional update, so overlapping runs never send one twice.
"""

from django.core.management.base import BaseCommand

from renda.suggestions.supervision import supervision_sweep


class Command(BaseCommand):
    help = "Sends reply and commitment reminders to units and escalates overdue suggestions."

    def handle(self, *args, **options) -> None:
        result = supervision_sweep()
        self.stdout.write(f"reminded: {result.reminded}, escalated: {result.escalated}, "
                          f"commitments reminded: {result.commitments}")
