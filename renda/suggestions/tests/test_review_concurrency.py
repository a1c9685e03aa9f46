"""Two clerks registering at once never share or skip a number, and one suggestion registered
twice at once gets one number. Real concurrent transactions need PostgreSQL's row locks; on
SQLite (one writer at a time) the test is skipped."""

import threading
import time
import unittest

from django.db import connection
from django.test import TransactionTestCase

from renda.core.workflow import TransitionNotAllowed
from renda.directory.testing import build_world
from renda.suggestions.models import Suggestion, SuggestionCounter
from renda.suggestions.services import drafting, review
from renda.suggestions.tests.test_drafting_base import CONTENT

THREADS = 8


def run_at_once(work, arguments) -> list:
    """Run `work(argument)` in one thread each, released together; return what each returned
    or raised."""
    barrier = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)

    def worker(index: int, argument) -> None:
        try:
            barrier.wait()
            results[index] = work(argument)
        except Exception as error:  # noqa: BLE001 (the test inspects it)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL's row locks")
class ConcurrentRegistrationTest(TransactionTestCase):
    def setUp(self):
        self.world = build_world()
        self.office = self.world.users["office_staff"]

    def tearDown(self):
        # A closed connection's server process exits a moment later; the test database can
        # only be dropped once the threads' sessions are gone.
        with connection.cursor() as cursor:
            for _ in range(50):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                               "current_database() AND pid <> pg_backend_pid()")
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)

    def submitted(self, count: int) -> list[Suggestion]:
        wang = self.world.users["deputy"]
        items = []
        for n in range(count):
            suggestion = drafting.suggestion_draft_new(
                actor=wang, congress=self.world.congresses["pingfang"], title=f"建议 {n}",
                content=CONTENT, category="urban")
            items.append(drafting.suggestion_submit(actor=wang, suggestion_id=suggestion.pk))
        return items

    def test_concurrent_registrations_take_consecutive_numbers(self):
        items = self.submitted(THREADS)
        results = run_at_once(
            lambda pk: review.suggestion_register(actor=self.office, suggestion_id=pk).number,
            [s.pk for s in items])
        self.assertEqual(sorted(results), list(range(1, THREADS + 1)), results)
        self.assertEqual(SuggestionCounter.objects.get().last, THREADS)

    def test_one_suggestion_registered_twice_at_once_gets_one_number(self):
        [item] = self.submitted(1)
        results = run_at_once(
            lambda pk: review.suggestion_register(actor=self.office, suggestion_id=pk),
            [item.pk] * 4)
        registered = [r for r in results if isinstance(r, Suggestion)]
        refused = [r for r in results if isinstance(r, TransitionNotAllowed)]
        self.assertEqual((len(registered), len(refused)), (1, 3), results)
        self.assertEqual(SuggestionCounter.objects.get().last, 1)

    def test_concurrent_bulk_runs_share_the_series_without_gaps(self):
        items = self.submitted(20)
        halves = [[s.pk for s in items[:10]], [s.pk for s in items[10:]]]
        results = run_at_once(
            lambda ids: review.suggestion_register_bulk(actor=self.office, suggestion_ids=ids),
            halves)
        numbers = sorted(s.number for result in results for s in result.registered)
        self.assertEqual(numbers, list(range(1, 21)))
