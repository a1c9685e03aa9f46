"""Benchmark the points computation: what a deputy waits for after recording an activity, and
what the office waits for after changing a rule of the year's scheme.

    .venv/bin/python bench/duty_points.py --records 60            # SQLite file under /tmp
    createdb -h 127.0.0.1 -U postgres renda_bench_duties
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renda_bench_duties \\
        .venv/bin/python bench/duty_points.py --records 60

Migrates the database named by DATABASE_URL (use a throwaway one; the default is a fresh
SQLite file), seeds the directory demo (平房区人大 and its 120 deputies of the current term,
plus those of the previous term still in the year), then writes `--records` manual records a
deputy for the year, spread over every activity type, with bulk inserts. Then it times, in
process, with `--rounds` rounds after one warm-up:

- `duty_record_create` through the service (a deputy's own record, with one card recomputed);
- `scorecards_recompute` for one deputy;
- `points_rule_save`: one rule changed, every card of the year recomputed;
- `duty_records_collect` on the congress (no change: the hourly job's usual run).

It prints a Markdown table for docs/benchmarks.md: median and 95th percentile, and the queries
of one call.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
os.environ.setdefault("RENDA_DEMO", "1")
os.environ.setdefault("RENDA_LOG_LEVEL", "WARNING")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from renda.accounts.models import Role, RoleAssignment, User  # noqa: E402
from renda.directory.demo.areas import PINGFANG  # noqa: E402
from renda.directory.demo.builder import seed  # noqa: E402
from renda.directory.models import Area, Congress  # noqa: E402
from renda.duties import services  # noqa: E402
from renda.duties.collectors import duty_records_collect  # noqa: E402
from renda.duties.models import DutyRecord, ScoreCard  # noqa: E402
from renda.duties.points import deputies_of, scheme_for, scorecards_recompute  # noqa: E402
from renda.duties.settings_registry import DEFAULT_ACTIVITY_TYPES  # noqa: E402

YEAR = 2026
MANUAL = [item["code"] for item in DEFAULT_ACTIVITY_TYPES if item["entry"] != "auto"]


def fill(congress: Congress, per_deputy: int) -> int:
    deputies = deputies_of(congress=congress, year=YEAR)
    if DutyRecord.objects.filter(congress=congress, date__year=YEAR).exists():
        return DutyRecord.objects.filter(congress=congress, date__year=YEAR).count()
    rng = random.Random(7)
    rows = [DutyRecord(congress=congress, deputy=deputy, activity_type=rng.choice(MANUAL),
                       date=datetime.date(YEAR, 1, 1) + datetime.timedelta(rng.randrange(300)),
                       title=f"活动 {n}", people_count=rng.randrange(4))
            for deputy in deputies for n in range(per_deputy)]
    DutyRecord.objects.bulk_create(rows, batch_size=2000)
    scorecards_recompute(congress=congress, year=YEAR)
    return len(rows)


def timed(label: str, call: Callable[[int], object], rounds: int) -> tuple:
    call(-1)
    times = []
    for n in range(rounds):
        started = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call(rounds)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return label, statistics.median(times), p95, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=60, help="manual records a deputy")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Congress.objects.exists():
        seed(datetime.date(2026, 11, 20))
    congress = Congress.objects.get(area=Area.objects.get(code=PINGFANG.code),
                                    level=Congress.Level.DISTRICT)
    scheme = scheme_for(congress=congress, year=YEAR)
    total = fill(congress, args.records)
    deputies = deputies_of(congress=congress, year=YEAR)
    deputy = deputies[len(deputies) // 2]
    user = User.objects.filter(deputy=deputy).first()
    if user is None:
        user = User.objects.create_user(username=f"bench-{deputy.pk}", deputy=deputy,
                                        password=None)
        RoleAssignment.objects.create(user=user, role=Role.DEPUTY, congress=congress)
    office = User.objects.get(username="demo-office")

    def record(n: int) -> None:
        services.duty_record_create(
            actor=user, congress=congress, deputy=deputy,
            data={"activity_type": "research", "date": datetime.date(YEAR, 11, 1),
                  "title": f"调研 {time.perf_counter_ns()}", "people_count": 2})

    def one(n: int) -> None:
        scorecards_recompute(congress=congress, year=YEAR, deputy_ids=[deputy.pk])

    def rule(n: int) -> None:
        services.points_rule_save(actor=office, scheme_id=scheme.pk, activity_type="research",
                                  points=str(3 + (n % 2)), cap="15")

    def collect(n: int) -> None:
        duty_records_collect(congress=congress, year=YEAR)

    rows = [timed("a deputy records an activity (service, card recomputed)", record,
                  args.rounds),
            timed("one deputy's card recomputed", one, args.rounds),
            timed("a rule changed: every card of the year recomputed", rule,
                  max(3, args.rounds // 4)),
            timed("automatic records collected, nothing new", collect,
                  max(3, args.rounds // 4))]
    cards = ScoreCard.objects.filter(congress=congress, year=YEAR).count()
    print(f"{connection.vendor}: {cards} score cards, {total} records in {YEAR}\n")
    print("| operation | median ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for label, median, p95, queries in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
