"""Benchmark the citizens' intake endpoint over real HTTP against a bare insert view.

    createdb -h 127.0.0.1 -U postgres renda_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renda_bench .venv/bin/python bench/intake.py

Migrates and seeds the database named by DATABASE_URL (use a throwaway one), starts gunicorn
(gthread workers, DEBUG off, rate limits off) with the project plus a bare view that inserts one
row (`bench/intake_site.py`), then for 1, 8 and 32 concurrent clients, in the same run, posts:

- intake: `POST /opinions/new/?station=CODE`, the citizen's anonymous form as a browser sends it
  (CSRF cookie and token, a fresh idempotency key per post); each post creates one opinion
  (tracking number from the locked counter, the opinion row, its history row, its event, the
  session that keeps the secret) and is answered with the redirect to the tracking page;
- bare: `POST /bench/bare/` with the same fields, one INSERT, no session, no checks.

Each client is a thread with its own HTTP session. Prints a Markdown table for
docs/benchmarks.md. BENCH_SECONDS sets the time per measurement (default 10), BENCH_WORKERS and
BENCH_THREADS the server's processes and threads per process (default 4 × 8).
"""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ["DJANGO_SETTINGS_MODULE"] = "intake_site"
os.environ.update({"RENDA_DEMO": "0", "DJANGO_DEBUG": "0", "RENDA_INSECURE_HTTP": "1",
                   "RENDA_RATELIMIT_ENABLED": "0", "RENDA_LOG_LEVEL": "WARNING"})
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
LEVELS = (1, 8, 32)
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare() -> str:
    """Migrate and seed; return the code of a station to address the opinions to."""
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    # DEBUG is off, as in production: the pages need the hashed static files' manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    from intake_urls import BARE_TABLE

    from renda.directory.models import Station

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
        serial = "SERIAL" if connection.vendor == "postgresql" else "INTEGER"
        cursor.execute(f"CREATE TABLE {BARE_TABLE} (id {serial} PRIMARY KEY, "
                       "title VARCHAR(100), content TEXT)")
    return Station.objects.filter(is_active=True).order_by("path").first().code


def start_server() -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "gunicorn"), "intake_site_wsgi:application",
               "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--bind", f"127.0.0.1:{PORT}",
               "--worker-class", "gthread", "--workers", str(WORKERS), "--threads",
               str(THREADS), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())  # noqa: S603
    for _ in range(100):
        try:
            requests.get(f"{BASE}/stations/", timeout=30)
            return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    sys.exit("intake benchmark: the server did not start")


def intake_client(station: str):
    url = f"{BASE}/opinions/new/?station={station}"
    session = requests.Session()
    page = session.get(url, timeout=10)
    found = TOKEN_RE.search(page.text)
    if page.status_code != 200 or found is None:
        raise SystemExit(f"intake benchmark: GET {url} answered {page.status_code} without a form")
    token = found.group(1)

    def post() -> bool:
        response = session.post(url, allow_redirects=False, timeout=30, headers={
            "Referer": url}, data={
            "csrfmiddlewaretoken": token, "idempotency_key": uuid.uuid4().hex,
            "type_code": "help", "title": "小区路灯不亮", "anonymous": "on",
            "content": "兴建路 8 号小区的路灯坏了一个月，晚上出行不便，请尽快修复。"})
        return response.status_code == 302 and "/opinions/track/" in response.headers["Location"]

    return post


def bare_client(_station: str):
    session = requests.Session()

    def post() -> bool:
        response = session.post(f"{BASE}/bench/bare/", timeout=30, data={
            "title": "小区路灯不亮", "content": "兴建路 8 号小区的路灯坏了一个月。"})
        return response.status_code == 201

    return post


def run_level(make_client, station: str, clients: int) -> dict:
    posts = [make_client(station) for _ in range(clients)]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def loop(i: int) -> None:
        start_gate.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            ok = posts[i]()
            latencies[i].append((time.perf_counter() - began) * 1000)
            errors[i] += not ok

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + SECONDS
    began = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = sorted(x for per_client in latencies for x in per_client)
    return {"requests": len(samples), "rps": len(samples) / elapsed, "errors": sum(errors),
            "p50": statistics.median(samples),
            "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))]}


def main() -> None:
    station = prepare()
    from renda.opinions.models import Opinion

    before = Opinion.objects.count()
    server = start_server()
    rows = []
    try:
        for make_client in (intake_client, bare_client):
            run_level(make_client, station, 2)  # warm every worker's connections and caches
        for clients in LEVELS:
            for name, make_client in (("intake", intake_client), ("bare", bare_client)):
                rows.append((name, clients, run_level(make_client, station, clients)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = Opinion.objects.count() - before
    posted = sum(r["requests"] - r["errors"] for name, _c, r in rows if name == "intake")
    print(f"database: {connection.vendor}, server: gunicorn gthread {WORKERS} × {THREADS}, "
          f"{SECONDS:.0f} s per row, CPUs: {os.cpu_count()}; opinions created: {created} "
          f"(successful intake posts measured: {posted}, plus the warm-up)\n")
    print("| endpoint | clients | requests | req/s | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, clients, r in rows:
        label = "POST /opinions/new/ (intake)" if name == "intake" else "POST /bench/bare/ (one INSERT)"
        print(f"| {label} | {clients} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {r['errors']} |")


if __name__ == "__main__":
    main()
