"""Benchmark the deputies' secret ballot: how long each vote takes while the whole roll is
updated with it, and how long the count and a recount take, for a hall of `--deputies`.

    .venv/bin/python bench/ballot.py --deputies 350            # SQLite file under /tmp
    createdb -h 127.0.0.1 -U postgres renda_bench_ballot
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renda_bench_ballot \\
        .venv/bin/python bench/ballot.py --deputies 350

Migrates a throwaway database, builds one congress with `--deputies` seated deputies (湖州's
hall had 347) and a cycle of 30 candidates for 24 places (赣榆 2020), prepares the ballot,
checks everyone in and opens it; then every deputy votes through `ballot_cast`, one after the
other, as the server would take them; then the ballot is closed (counted) and recounted.
Prints a Markdown table: the vote's median, 95th percentile and maximum, the close and the
recount, and the queries of one vote.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
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
from renda.directory.models import Area, Congress, Deputy, Mandate, Term  # noqa: E402
from renda.projects import ballots  # noqa: E402
from renda.projects.models import ProjectCycle, Proposal  # noqa: E402

CANDIDATES, PLACES = 30, 24


def world(size: int) -> tuple[User, ProjectCycle, list[User]]:
    area = Area.objects.create(name="基准区", code="990000000000", level=Area.Level.DISTRICT)
    congress = Congress.objects.create(name="基准区人民代表大会", short_name="基准区人大",
                                       level=Congress.Level.DISTRICT, area=area)
    term = Term.objects.create(congress=congress, number=1, start_date=datetime.date(2022, 1, 1))
    office = User.objects.create_user(username="bench-office", password=None)
    RoleAssignment.objects.create(user=office, role=Role.OFFICE_STAFF, congress=congress)
    voters = []
    for n in range(size):
        deputy = Deputy.objects.create(name=f"代表{n:03d}")
        Mandate.objects.create(deputy=deputy, term=term, start_date=datetime.date(2022, 1, 1))
        user = User.objects.create_user(username=f"bench-{n:03d}", password=None, deputy=deputy)
        RoleAssignment.objects.create(user=user, role=Role.DEPUTY, congress=congress)
        voters.append(user)
    cycle = ProjectCycle.objects.create(
        congress=congress, year=2027, title="基准", places=PLACES,
        collect_opens_on=datetime.date(2026, 9, 1), collect_closes_on=datetime.date(2026, 10, 31),
        status=ProjectCycle.Status.VOTING)
    Proposal.objects.bulk_create([
        Proposal(cycle=cycle, number=f"B-{n:03d}", source="public", title=f"候选项目 {n}",
                 description="内容", category="other", status=Proposal.Status.CANDIDATE,
                 ballot_order=n) for n in range(1, CANDIDATES + 1)])
    return office, cycle, voters


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deputies", type=int, default=350)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    office, cycle, voters = world(args.deputies)
    ballot = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk, kind="selection")
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk,
                            deputy_ids=list(ballot.roll.values_list("deputy_id", flat=True)))
    ballots.ballot_open(actor=office, ballot_id=ballot.pk)
    items = [str(pk) for pk in ballot.items.order_by("order").values_list("pk", flat=True)]
    rng = random.Random(3)
    times = []
    for n, voter in enumerate(voters):
        choices = {pk: rng.choice(("for", "for", "for", "against", "abstain")) for pk in items}
        if n == len(voters) // 2:
            with CaptureQueriesContext(connection) as queries:
                ballots.ballot_cast(actor=voter, ballot_id=ballot.pk, choices=choices)
            continue
        started = time.perf_counter()
        ballots.ballot_cast(actor=voter, ballot_id=ballot.pk, choices=choices)
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    ballot = ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    close_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    _result, same = ballots.ballot_recount(actor=office, ballot_id=ballot.pk)
    recount_ms = (time.perf_counter() - started) * 1000
    times.sort()
    p95 = times[round(0.95 * (len(times) - 1))]
    print(f"{connection.vendor}: {args.deputies} deputies, {CANDIDATES} candidates, "
          f"{PLACES} places; recount agrees: {same}\n")
    print("| step | median ms | p95 ms | max ms | queries |")
    print("|---|---:|---:|---:|---:|")
    print(f"| one vote (roll of {args.deputies} updated) | {statistics.median(times):.1f} | "
          f"{p95:.1f} | {times[-1]:.1f} | {len(queries)} |")
    print(f"| close and count | {close_ms:.1f} | | | |")
    print(f"| recount | {recount_ms:.1f} | | | |")


if __name__ == "__main__":
    main()
