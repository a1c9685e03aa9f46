"""Benchmark the public pages and the shared services on the demo data.

    DATABASE_URL=sqlite:////tmp/renda-bench.sqlite3 .venv/bin/python bench/public_pages.py

Migrates and seeds the database named by DATABASE_URL (use a throwaway one), then times each
page in-process through Django's test client (no network, no server: it measures the view,
the queries and the rendering) and prints a Markdown table for docs/benchmarks.md.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
os.environ.setdefault("RENDA_DEMO", "1")
os.environ.setdefault("RENDA_RATELIMIT_ENABLED", "0")
os.environ.setdefault("RENDA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def measure(label: str, func) -> tuple[str, float, float, int]:
    func()  # warm caches and templates
    # Count with an execute wrapper: the test client's request_started signal would clear
    # connection.queries in the middle of a CaptureQueriesContext.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        func()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return label, statistics.median(samples), p95, len(queries)


def get(client: Client, url: str):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    return run


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from renda.accounts.access import scope_filter
    from renda.accounts.models import User
    from renda.core.calendar import WorkingCalendar
    from renda.directory.models import Deputy, Station

    deputy = Deputy.objects.filter(is_public=True, mandates__status="active").first()
    station = Station.objects.filter(is_active=True).order_by("path").first()
    client = Client()
    office = User.objects.get(username="demo-office")
    calendar = WorkingCalendar()
    start = datetime.date(2025, 1, 2)
    rows = [
        measure("GET /", get(client, "/")),
        measure("GET /deputies/", get(client, "/deputies/")),
        measure("GET /deputies/?q=王", get(client, "/deputies/?q=%E7%8E%8B")),
        measure(f"GET /deputies/{deputy.pk}/", get(client, f"/deputies/{deputy.pk}/")),
        measure("GET /stations/", get(client, "/stations/")),
        measure(f"GET /stations/{station.code}/", get(client, f"/stations/{station.code}/")),
        measure("GET deputy QR (PNG)", get(client, f"/deputies/{deputy.pk}/qr.png")),
        measure("GET deputy card (PDF)", get(client, f"/deputies/{deputy.pk}/card.pdf")),
        measure("GET station reception.ics", get(client, f"/stations/{station.code}/reception.ics")),
        measure("GET /api/popolo.json", get(client, "/api/popolo.json")),
        measure("scope_filter: office staff's deputies",
                lambda: list(scope_filter(office, "directory.view_deputy",
                                          Deputy.objects.all()).values_list("pk", flat=True))),
        measure("1,000 due dates (+10 working days)",
                lambda: [calendar.add_working_days(start + datetime.timedelta(days=i % 700), 10)
                         for i in range(1000)]),
    ]
    print(f"Deputies: {Deputy.objects.count()}, stations: {Station.objects.count()}, "
          f"rounds: {ROUNDS}, database: {connection.vendor}\n")
    print("| what | median ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for label, median, p95, count in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {count} |")


if __name__ == "__main__":
    main()
