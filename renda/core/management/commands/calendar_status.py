"""Which years the working-day calendar can count in, and whether next year is ready.

The State Council publishes next year's holidays each November or December; run this in
December (or from a monitor) to know whether to upgrade `chinese-calendar` or enter the
year by hand in the back office. Exits 1 when next year is not covered.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renda.core.calendar import WorkingCalendar, package_years


class Command(BaseCommand):
    help = "Shows the years the working-day calendar covers; fails when next year is missing."

    def handle(self, *args, **options) -> None:
        calendar = WorkingCalendar()
        this_year = timezone.localdate().year
        package = sorted(package_years())
        self.stdout.write(f"chinese-calendar: {package[0]}–{package[-1]}")
        manual = sorted(calendar.manual_years)
        self.stdout.write("entered by hand: " + (", ".join(map(str, manual)) or "none"))
        overrides = len(calendar.overrides)
        self.stdout.write(f"single-day overrides: {overrides}")
        for year in (this_year, this_year + 1):
            state = "covered" if calendar.covers(year) else "NOT COVERED"
            self.stdout.write(f"{year}: {state}")
        if not calendar.covers(this_year + 1):
            raise CommandError(
                f"{this_year + 1} is not covered: upgrade chinese-calendar once it publishes the "
                f"schedule, or register the year under 手工录入的年度 and enter its days."
            )
