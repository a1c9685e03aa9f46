"""Benchmark the suggestion statistics and the public disclosure pages on a large ledger.

    createdb -h 127.0.0.1 -U postgres renda_bench_sugg
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renda_bench_sugg \\
        .venv/bin/python bench/suggestion_stats.py --suggestions 100000

Migrates the database named by DATABASE_URL (use a throwaway one), seeds the directory demo
(平房区人大, its two terms, units and deputies, the demo logins), then tops the suggestions of
平房区人大 up to `--suggestions` with their assignments, contact records, replies (a second
round after a dissatisfied evaluation), evaluations, follow-up evaluations and commitments,
written with COPY on PostgreSQL (executemany elsewhere) in shares like the demo's: ten years,
2017 to 2026, over both terms, about a third in plenary sessions. All of them belong to one
congress: the worst case for that congress's pages. History rows, events and signatures are
not written (no page measured here reads them). Running it again with a larger number adds
the difference.

Then it times each page in-process through Django's test client (view, queries, rendering;
no network), as the office, a unit and a deputy read them, and prints a Markdown table for
docs/benchmarks.md: median and 95th percentile of `--rounds` rounds after one warm-up, and the
queries of one request.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
os.environ.setdefault("RENDA_DEMO", "1")
os.environ.setdefault("RENDA_RATELIMIT_ENABLED", "0")
os.environ.setdefault("RENDA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from renda.accounts.models import User  # noqa: E402
from renda.core.deadlines import local_zone  # noqa: E402
from renda.directory.demo.builder import seed  # noqa: E402
from renda.directory.models import Congress, HandlingUnit, Mandate, Term  # noqa: E402
from renda.suggestions.demo.topics import TOPICS  # noqa: E402
from renda.suggestions.models import (  # noqa: E402
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Reply,
    Suggestion,
)

SEED = 2029
YEARS = range(2017, 2027)
CATEGORIES = ("economy", "urban", "transport", "education", "health", "social", "environment",
              "safety", "agriculture", "culture", "governance", "other")
PLACES = ("兴建街道兴建社区", "友协大街", "保国大街", "联盟街道红旗社区", "新疆大街", "新伟路",
          "平房镇庆丰村", "哈南工业新城", "友协街道东轻社区", "建安街")
# Shares of the final states of the suggestions (the rest are closed).
STATES = (("returned", 0.005), ("withdrawn", 0.005), ("submitted", 0.005),
          ("registered", 0.01), ("assigned", 0.04), ("replied", 0.03), ("rehandling", 0.005))
BATCH = 20000


# Writing rows ----------------------------------------------------------------------------------


class Table:
    """The columns of a model's table with the value each takes when a row does not say."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        now = timezone.now()
        self.defaults = {}
        for field in self.fields:
            if field.has_default():
                value = field.get_default()
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = None if field.null else ""
            self.defaults[field.attname] = value

    def values(self, row: dict[str, Any]) -> tuple:
        return tuple(row.get(f.attname, self.defaults[f.attname]) for f in self.fields)


def write(table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """COPY on PostgreSQL, executemany elsewhere; returns the number of rows."""
    count = 0
    name = table.model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    if connection.vendor == "postgresql":
        with (connection.cursor() as cursor,
              cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy):
            for row in rows:
                copy.write_row(table.values(row))
                count += 1
        return count
    marks = ", ".join(["%s"] * len(table.columns))
    sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the models
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(table.values(row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def no_style() -> Any:
    from django.core.management.color import no_style as style

    return style()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=local_zone())


# The generated ledger --------------------------------------------------------------------------


class Generator:
    """Rows of `count` suggestions from `start` on, and of everything hanging off them."""

    def __init__(self, congress: Congress, start: int, count: int) -> None:
        self.rng = random.Random(SEED + start)
        self.congress = congress
        self.terms = {t.number: t for t in Term.objects.filter(congress=congress)}
        self.sessions = {s.start_date.year: s for t in self.terms.values()
                         for s in t.sessions.all()}
        self.deputies = {number: list(Mandate.objects.filter(term=term)
                                      .values_list("deputy_id", flat=True))
                         for number, term in self.terms.items()}
        self.units = list(HandlingUnit.objects.filter(area__path__startswith=congress.area.path)
                          .values_list("pk", flat=True))
        self.topics = [t for topics in TOPICS.values() for t in topics]
        self.user = User.objects.get(username="demo-office").pk
        self.start, self.count = start, count
        self.ids = {m: next_id(m) for m in (Assignment, Reply, Evaluation, ContactRecord,
                                            Commitment)}
        self.rows: dict[type[models.Model], list[dict]] = {}
        self.leads: dict[int, int] = {}

    def suggestions(self) -> Iterator[dict[str, Any]]:
        for pk in range(self.start, self.start + self.count):
            yield self.suggestion(pk)

    def suggestion(self, pk: int) -> dict[str, Any]:
        rng = self.rng
        year = YEARS[pk % len(YEARS)]
        term = self.terms[17 if year >= 2022 else 16]
        session = self.sessions.get(year) if rng.random() < 0.35 else None
        status = self._status()
        submitted = datetime.date(year, 1, 10) + datetime.timedelta(days=rng.randint(0, 300))
        assigned = submitted + datetime.timedelta(days=rng.randint(3, 9))
        topic = rng.choice(self.topics)
        place = rng.choice(PLACES)
        row = {
            "id": pk, "congress_id": self.congress.pk, "term_id": term.pk,
            "session_id": session.pk if session else None,
            "series": "session" if session else "interim", "year": year, "kind": "suggestion",
            "numbering_key": f"BENCH{year}", "number": pk, "code": f"{year}-B{pk:07d}",
            "title": topic.title.format(place=place), "content": topic.content(place),
            "category": rng.choice(CATEGORIES), "status": status,
            "lead_deputy_id": rng.choice(self.deputies[term.number]),
            "is_public": rng.random() < 0.96, "submitted_at": at(submitted),
        }
        self.leads[pk] = row["lead_deputy_id"]  # the evaluations of its replies are his
        if status not in ("submitted", "returned"):
            row["registered_at"] = at(submitted, 11)
        if status not in ("submitted", "returned", "registered"):
            row["assigned_at"] = at(assigned)
            self._parts(pk, status, assigned, topic, place)
        if status == "closed":
            row["concluded_at"] = at(assigned + datetime.timedelta(days=100))
        return row

    def _status(self) -> str:
        draw = self.rng.random()
        for status, share in STATES:
            if draw < share:
                return status
            draw -= share
        return "closed"

    def _take(self, model: type[models.Model]) -> int:
        self.ids[model] += 1
        return self.ids[model] - 1

    def _parts(self, pk: int, status: str, assigned: datetime.date, topic: Any,
               place: str) -> None:
        rng = self.rng
        units = rng.sample(self.units, 3)
        roles = ["separate", "separate"] if rng.random() < 0.03 else ["lead"]
        for unit, role in zip(units, roles, strict=False):
            self._answering(pk, unit, role, status, assigned, topic, place)
        if roles == ["lead"] and rng.random() < 0.15:
            self._add(Assignment, {
                "suggestion_id": pk, "unit_id": units[2], "role": "assisting",
                "status": "opinion_sent", "assigned_at": at(assigned),
                "due_at": at(assigned + datetime.timedelta(days=30), 23),
                "replied_at": at(assigned + datetime.timedelta(days=20))})

    def _answering(self, pk: int, unit: int, role: str, status: str, assigned: datetime.date,
                   topic: Any, place: str) -> None:
        rng = self.rng
        due = assigned + datetime.timedelta(days=91)
        replied = assigned + datetime.timedelta(days=rng.randint(25, 105))
        rounds = 2 if status == "rehandling" or (status == "closed" and rng.random() < 0.05) else 1
        state = {"assigned": "acknowledged", "rehandling": "rehandling"}.get(status, "replied")
        assignment = self._add(Assignment, {
            "suggestion_id": pk, "unit_id": unit, "role": role, "status": state,
            "assigned_at": at(assigned), "due_at": at(due, 23), "round": rounds,
            "acknowledged_at": at(assigned, 15),
            "replied_at": at(replied) if state != "acknowledged" else None})
        if state == "acknowledged":
            return
        if rng.random() < 0.8:
            self._add(ContactRecord, {
                "assignment_id": assignment, "contacted_on": replied - datetime.timedelta(days=7),
                "method": "face_to_face" if rng.random() < 0.9 else "phone",
                "participants": "领衔代表、承办科室", "note": "沟通办理意见。",
                "created_by_id": self.user, "created_at": at(replied)})
        first = self._reply(assignment, 1, replied, topic, place, unit)
        if rounds == 2:
            self._evaluate(first, pk, replied, "dissatisfied")
            if status == "rehandling":
                return
            replied += datetime.timedelta(days=25)
            first = self._reply(assignment, 2, replied, topic, place, unit)
        if status == "closed":
            rating = rng.choices(("satisfied", "basically_satisfied", "dissatisfied"),
                                 (70, 28, 2))[0]
            self._evaluate(first, pk, replied, rating)
            if rng.random() < 0.3:
                self._evaluate(first, pk, replied, "satisfied", kind="follow_up")

    def _reply(self, assignment: int, round: int, day: datetime.date, topic: Any, place: str,
               unit: int) -> int:
        category = self.rng.choices("ABCD", (62, 26, 8, 4))[0]
        promised = day + datetime.timedelta(days=200) if category == "B" else None
        reply = self._add(Reply, {
            "assignment_id": assignment, "round": round, "category": category,
            "body": f"关于{place}的建议，已按“{topic.action.format(place=place)}”研究办理。",
            "signer": "局长", "promised_date": promised, "is_public": self.rng.random() < 0.94,
            "created_by_id": self.user, "created_at": at(day)})
        if promised:
            fulfilled = self.rng.random() < 0.8
            self._add(Commitment, {
                "reply_id": reply, "unit_id": unit, "promised_date": promised,
                "status": "fulfilled" if fulfilled else "open",
                "fulfilled_at": at(promised) if fulfilled else None})
        return reply

    def _evaluate(self, reply: int, suggestion: int, day: datetime.date, rating: str,
                  kind: str = "initial") -> None:
        self._add(Evaluation, {
            "reply_id": reply, "deputy_id": self.leads[suggestion], "kind": kind,
            "rating": rating, "created_at": at(day + datetime.timedelta(days=10))})

    def _add(self, model: type[models.Model], row: dict[str, Any]) -> int:
        row["id"] = self._take(model)
        self.rows.setdefault(model, []).append(row)
        return row["id"]


def load(congress: Congress, target: int) -> int:
    """Top the congress's bench suggestions up to `target`, in chunks; returns how many were
    added."""
    have = Suggestion.objects.filter(congress=congress, numbering_key__startswith="BENCH").count()
    added = 0
    chunk = 50000
    tables = {m: Table(m) for m in (Suggestion, Assignment, ContactRecord, Reply, Commitment,
                                    Evaluation)}
    while have + added < target:
        count = min(chunk, target - have - added)
        start = next_id(Suggestion)
        generator = Generator(congress, start, count)
        rows = list(generator.suggestions())
        with transaction.atomic():
            write(tables[Suggestion], rows)
            for model in (Assignment, ContactRecord, Reply, Commitment, Evaluation):
                write(tables[model], generator.rows.get(model, []))
        added += count
        print(f"  loaded {have + added:,} suggestions", flush=True)
    reset_sequences(tables)
    if added and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return added


# Measuring -------------------------------------------------------------------------------------


def measure(label: str, func: Callable[[], Any], rounds: int) -> tuple[str, float, float, int]:
    func()  # warm caches and templates
    queries: list[str] = []
    with connection.execute_wrapper(
            lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        func()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return label, statistics.median(samples), p95, len(queries)


def get(client: Client, url: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101
    return run


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def pages(rounds: int) -> list[tuple[str, float, float, int]]:
    office, unit, deputy, public = (client_for("demo-office"), client_for("demo-handler"),
                                    client_for("demo-deputy"), Client())
    sample = Suggestion.objects.filter(numbering_key__startswith="BENCH", is_public=True,
                                       status="closed").order_by("pk").first()
    cases = [
        ("office: /suggestions/stats/ (current term, units ranked)", office, "/suggestions/stats/"),
        ("office: … ?by=deputy", office, "/suggestions/stats/?by=deputy"),
        ("office: … ?term=all&by=year (ten years)", office,
         "/suggestions/stats/?term=all&by=year"),
        ("office: … ?year=2025&by=session", office, "/suggestions/stats/?year=2025&by=session"),
        ("unit (housing bureau): /suggestions/stats/", unit, "/suggestions/stats/"),
        ("deputy: /suggestions/stats/?by=year", deputy, "/suggestions/stats/?by=year"),
        ("public: /suggestions/public/", public, "/suggestions/public/"),
        ("public: … ?q=电梯", public, "/suggestions/public/?q=%E7%94%B5%E6%A2%AF"),
        ("public: … ?year=2025&category=urban", public,
         "/suggestions/public/?year=2025&category=urban"),
        ("public: one suggestion", public, f"/suggestions/public/{sample.pk}/"),
    ]
    return [measure(label, get(client, url), rounds) for label, client, url in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "20")))
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed(timezone.localdate())
    congress = Congress.objects.get(short_name="平房区人大")
    started = time.monotonic()
    added = load(congress, options.suggestions)
    loaded = time.monotonic() - started
    counts = {m.__name__: m.objects.count() for m in (Suggestion, Assignment, Reply,
                                                      Evaluation, ContactRecord, Commitment)}
    print(f"\nAdded {added:,} suggestions in {loaded:.0f} s; rows: "
          + ", ".join(f"{name} {n:,}" for name, n in counts.items())
          + f"; rounds: {options.rounds}; database: {connection.vendor}\n")
    print("| what | median ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for label, median, p95, count in pages(options.rounds):
        print(f"| {label} | {median:.1f} | {p95:.1f} | {count} |")


if __name__ == "__main__":
    main()
