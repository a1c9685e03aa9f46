"""Units replying at the same moment: the last replies of a suggestion queue on its row lock, so
exactly one of them sees every reply in and moves it to REPLIED, once. Real concurrent
transactions need PostgreSQL's row locks; on SQLite (one writer at a time) it is skipped."""

import datetime
import threading
import time
import unittest
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from renda.accounts.models import Role
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory.models import HandlingUnit
from renda.directory.testing import build_world
from renda.suggestions.models import Assignment, Reply, Suggestion
from renda.suggestions.services import handling
from renda.suggestions.tests.factories import registered_suggestion, unit_user

UNITS = 8


def run_at_once(work, arguments) -> list:
    """`work(argument)` in one thread each, released together: what each returned or raised."""
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
class ConcurrentHandlingTest(TransactionTestCase):
    def setUp(self):
        self.world = build_world()
        self.office = self.world.users["office_staff"]
        gov, area = self.world.units["gov"], self.world.areas["pingfang"]
        self.units = [HandlingUnit.objects.create(
            name=f"平房区第{n}局", code=f"PF-T{n}", kind=HandlingUnit.Kind.DEPARTMENT, area=area,
            parent=gov) for n in range(UNITS)]
        self.users = {}
        for n, unit in enumerate(self.units):
            self.world.units[f"t{n}"] = unit
            self.users[unit.pk] = unit_user(self.world, unit=f"t{n}", username=f"t{n}")

    def tearDown(self):
        # The test database can only be dropped once the threads' sessions are gone.
        with connection.cursor() as cursor:
            for _ in range(50):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                               "current_database() AND pid <> pg_backend_pid()")
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)

    def separate(self) -> Suggestion:
        suggestion = registered_suggestion(self.world)
        return handling.suggestion_assign(actor=self.office, suggestion_id=suggestion.pk,
                                          separate_unit_ids=[unit.pk for unit in self.units])

    def test_the_last_replies_at_once_move_the_suggestion_exactly_once(self):
        suggestion = self.separate()
        ready = []
        for assignment in suggestion.assignments.all():
            user = self.users[assignment.unit_id]
            handling.assignment_acknowledge(actor=user, assignment_id=assignment.pk)
            handling.contact_record_add(actor=user, assignment_id=assignment.pk,
                                        method="phone", contacted_on=datetime.date.today(),
                                        participants="王建国代表", note="电话沟通。")
            ready.append((user, assignment.pk))
        check = handling._replied_if_complete

        def slow_check(*args):
            # Widen the moment between a unit's own reply and its look at the others', so
            # that without the suggestion's lock every unit would miss the others' replies.
            time.sleep(0.3)
            return check(*args)

        with mock.patch.object(handling, "_replied_if_complete", slow_check):
            results = run_at_once(
                lambda item: handling.assignment_reply(actor=item[0], assignment_id=item[1],
                                                       category="A", body="已办理。",
                                                       signer="局长"),
                ready)
        self.assertTrue(all(isinstance(r, Reply) for r in results), results)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, Suggestion.Status.REPLIED)
        self.assertEqual(events_of(suggestion).filter(action="replied").count(), 1)

    def test_one_assignment_acknowledged_twice_at_once_is_acknowledged_once(self):
        suggestion = self.separate()
        first = suggestion.assignments.get(unit=self.units[0])
        head = unit_user(self.world, unit="t0", username="t0-head", role=Role.UNIT_HEAD)
        results = run_at_once(
            lambda user: handling.assignment_acknowledge(actor=user, assignment_id=first.pk),
            [self.users[self.units[0].pk], head])
        done = [r for r in results if isinstance(r, Assignment)]
        refused = [r for r in results if isinstance(r, TransitionNotAllowed)]
        self.assertEqual((len(done), len(refused)), (1, 1), results)
        self.assertEqual(events_of(first).filter(action="acknowledge").count(), 1)
