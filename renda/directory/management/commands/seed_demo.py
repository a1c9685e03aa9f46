"""`manage.py seed_demo`: load the demo world (idempotent) and print the demo logins."""

import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from renda.directory.demo.accounts import account_table
from renda.directory.demo.builder import counts, seed

HEADERS = ("用户名", "姓名", "角色", "范围", "密码")


class Command(BaseCommand):
    help = "载入演示数据（哈尔滨市、平房区、松北区），可重复运行；最后列出演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts-only", action="store_true",
                            help="只列出演示账号，不写入数据")

    def handle(self, *args, accounts_only: bool = False, **options) -> None:
        if not accounts_only:
            started = time.monotonic()
            seed(timezone.localdate())
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（{elapsed:.1f} 秒）："))
            for label, number in counts():
                self.stdout.write(f"  {label}: {number}")
            self._opinions()
            if apps.is_installed("renda.suggestions"):  # deputies' suggestions, on top of both
                from renda.suggestions.demo import seed_suggestions

                seed_suggestions(stdout=self.stdout, today=timezone.localdate())
            if apps.is_installed("renda.duties"):  # duty records, on top of all the loops
                from renda.duties.demo import seed_duties

                seed_duties(stdout=self.stdout, today=timezone.localdate())
            if apps.is_installed("renda.projects"):  # livelihood projects, on top of both
                from renda.projects.demo import seed_projects

                seed_projects(stdout=self.stdout, today=timezone.localdate())
        self._accounts()

    def _opinions(self) -> None:
        """Citizens' opinions on top of the directory demo, when that app is installed. Imported
        here: the directory app does not depend on the apps built on it."""
        if apps.is_installed("renda.opinions"):
            from renda.opinions.demo import seed_opinions
            from renda.opinions.open311.demo import seed_open311

            seed_opinions(stdout=self.stdout)
            seed_open311()

    def _accounts(self) -> None:
        rows = [HEADERS, *account_table()]
        if len(rows) == 1:
            self.stdout.write(self.style.WARNING("尚无演示账号，请先运行 seed_demo。"))
            return
        widths = [max(_width(row[i]) for row in rows) for i in range(len(HEADERS))]
        self.stdout.write("")
        for index, row in enumerate(rows):
            cells = [cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(self.style.WARNING("以上密码仅供演示，切勿在存有真实数据的系统中使用。"))
        if apps.is_installed("renda.opinions"):
            from renda.opinions.open311.demo import demo_key_line

            self.stdout.write(demo_key_line())


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)
