"""Sends the failed notifications again; run it every few minutes from cron or a timer.

Each row is claimed with a conditional update, so overlapping runs never send one twice; a row
stops being retried after `RENDA_NOTIFICATION_MAX_ATTEMPTS` attempts.
"""

from django.core.management.base import BaseCommand, CommandParser

from renda.core.notifications import notification_retry_failed


class Command(BaseCommand):
    help = "Retries failed SMS and e-mail notifications, oldest first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=100, help="at most this many rows")

    def handle(self, *args, **options) -> None:
        tried = notification_retry_failed(limit=options["limit"])
        self.stdout.write(f"retried: {tried}")
