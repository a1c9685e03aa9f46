"""The secret ballot stays secret: after deputies vote through the pages, a reading of every
row of every table of the database finds no link from a deputy to a choice.

- the rows that hold choices (the stored ballots) hold no deputy, no user and no time;
- no other row (the roll, the events, the history tables, the sessions) holds a choice or a
  stored ballot's id;
- the page after the vote never echoes the choices, and they are in no session or message;
- on PostgreSQL, the roll's rows carry one transaction id (`xmin`) after a vote, so that the
  last writer of the roll cannot be singled out; and a deputy who submits twice at the same
  moment is counted once.
"""

import re
import threading
import time
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from renda.core.workflow import events_of
from renda.directory.testing import build_world
from renda.projects import ballots
from renda.projects.models import Attendance, Ballot, CastBallot
from renda.projects.tests.test_ballots import (
    FOUR,
    approve,
    candidates_cycle,
    deputy_account,
    item_ids,
    open_ballot,
    seat_deputies,
)

# A choice as stored (JSON) or as read back by a driver (a Python dict's repr): an item's id
# as a string with its answer, or the list of the items ticked as strings. (A result holds
# counts per item and the chosen proposals' ids as numbers: no one's choice.)
CHOICE = re.compile(r"""['"]\d+['"]\s*:\s*['"](for|against|abstain|satisfied|basic|"""
                    r"""dissatisfied)['"]|['"]chosen['"]\s*:\s*\[\s*['"]""")
CAST_COLUMNS = {"id", "ballot_id", "choices", "paper"}
ROLL_COLUMNS = {"id", "ballot_id", "deputy_id", "present", "voted", "channel"}
PAPERS = [("f", "f", "a", "x"), ("a", "f", "f", "f"), ("x", "x", "x", "f")]


def every_row():
    """(table, {column: value}) for every row of every table, read with plain SQL."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                yield table, dict(zip(columns, row, strict=True))


def text(value) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def assert_no_link_from_a_deputy_to_a_choice(ballot: Ballot, votes: int) -> None:
    tables = connection.introspection.table_names()
    assert "projects_castballot" in tables and "projects_attendance" in tables
    # Neither the stored ballots nor the roll keeps a history.
    assert not [t for t in tables if "castballot" in t and t != "projects_castballot"]
    assert not [t for t in tables if "attendance" in t and t != "projects_attendance"]
    cast_ids: set[str] = set()
    stored = 0
    for table, row in every_row():
        if table == "projects_castballot":
            assert set(row) == CAST_COLUMNS  # no deputy, no user, no time
            cast_id = uuid.UUID(text(row["id"]))
            cast_ids |= {str(cast_id), cast_id.hex}
            stored += row["ballot_id"] == ballot.pk
            assert CHOICE.search(text(row["choices"]))  # the pattern finds a stored choice
        elif table == "projects_attendance":
            assert set(row) == ROLL_COLUMNS  # no time, no choice
    assert stored == votes and len(cast_ids) == 2 * votes
    for table, row in every_row():
        if table == "projects_castballot":
            continue
        for column, value in row.items():
            cell = text(value)
            if table == "django_session" and column == "session_data":
                cell = str(SessionStore().decode(cell))
            assert not CHOICE.search(cell), (table, column, cell)
            assert not any(cast_id in cell for cast_id in cast_ids), (table, column)


def vote_on_the_page(client, user, ballot: Ballot, answers: tuple[str, ...]) -> str:
    """A deputy's vote through the pages: the form, the confirmation, the final submit."""
    client.force_login(user)
    url = f"/projects/ballots/{ballot.pk}/vote/"
    fields = {f"item_{pk}": value for pk, value in approve(ballot, *answers).items()}
    assert client.get(url).status_code == 200
    confirm = client.post(url, {"step": "review", **fields})
    assert confirm.status_code == 200 and "核对选票" in confirm.content.decode()
    done = client.post(url, {"step": "confirm", **fields}, follow=True)
    assert done.redirect_chain, (done.status_code, done.content.decode())
    assert done.redirect_chain[-1][0] == f"/projects/ballots/{ballot.pk}/vote/done/"
    return done.content.decode()


def xmins(ballot: Ballot) -> set:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin FROM projects_attendance WHERE ballot_id = %s", [ballot.pk])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_after_electronic_votes_no_row_links_a_deputy_to_a_choice(client):
    world = build_world()
    deputies = seat_deputies(world, 3)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    users = [deputy_account(world, d, f"voter{n}") for n, d in enumerate(deputies)]
    events = events_of(ballot).count()
    for user, answers in zip(users, PAPERS, strict=True):
        page = vote_on_the_page(client, user, ballot, answers)
        assert "投票已计入" in page
        assert not CHOICE.search(page)
        for title in FOUR:  # the page after the vote names no item, let alone a choice
            assert title not in page
        assert not list(client.get("/projects/ballots/").context["messages"])
    # No event per vote: the log shows the opening, not who voted when.
    assert events_of(ballot).count() == events
    assert_no_link_from_a_deputy_to_a_choice(ballot, votes=3)
    ballots.ballot_close(actor=world.users["office_staff"], ballot_id=ballot.pk)
    assert_no_link_from_a_deputy_to_a_choice(ballot, votes=3)


@pytest.mark.django_db
def test_after_paper_ballots_entered_on_the_console_no_row_links_a_deputy_to_a_choice(client):
    world = build_world()
    seat_deputies(world, 3)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    client.force_login(world.users["office_staff"])
    console = f"/projects/ballots/{ballot.pk}/console/"
    roll = list(ballot.roll.order_by("deputy_id"))
    for row in roll[:3]:
        response = client.post(console, {"action": "issue_paper", "deputy": row.deputy_id})
        assert response.status_code == 302
        if connection.vendor == "postgresql":
            assert len(xmins(ballot)) == 1  # the whole roll rewritten with each paper
    for answers in PAPERS:
        fields = {f"paper-item_{pk}": value for pk, value in approve(ballot, *answers).items()}
        response = client.post(f"/projects/ballots/{ballot.pk}/console/paper/", fields)
        assert response.status_code == 302
    assert_no_link_from_a_deputy_to_a_choice(ballot, votes=3)
    client.post(console, {"action": "close"})
    client.post(console, {"action": "publish"})
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.PUBLISHED
    assert_no_link_from_a_deputy_to_a_choice(ballot, votes=3)


@pytest.mark.django_db
def test_a_replayed_submission_is_refused_and_the_refusal_echoes_nothing(client):
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    url = f"/projects/ballots/{ballot.pk}/vote/"
    fields = {f"item_{pk}": "for" for pk in item_ids(ballot)}
    vote_on_the_page(client, world.users["deputy"], ballot, ("f", "f", "f", "f"))
    replay = client.post(url, {"step": "confirm", **fields})
    assert replay.status_code == 409
    assert "已经投过票" in replay.content.decode()
    assert CastBallot.objects.filter(ballot=ballot).count() == 1
    again = client.get(url)
    assert again.status_code == 409


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
@pytest.mark.django_db
def test_after_a_vote_the_roll_s_xmin_does_not_single_out_the_voter():
    world = build_world()
    seat_deputies(world, 3)
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle, present=[world.deputies["wang"], world.deputies["li"]])
    office = world.users["office_staff"]
    # The control: checking one more deputy in rewrites his row alone, and xmin shows it.
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk,
                            deputy_ids=[world.deputies["zhao"].pk])
    assert len(xmins(ballot)) > 1
    ballots.ballot_cast(actor=world.users["deputy"], ballot_id=ballot.pk,
                        choices=approve(ballot, "f", "a", "x", "f"))
    assert len(xmins(ballot)) == 1
    li = deputy_account(world, world.deputies["li"], "li")
    ballots.ballot_cast(actor=li, ballot_id=ballot.pk, choices=approve(ballot, "a", "a", "x", "f"))
    assert len(xmins(ballot)) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_a_deputy_submitting_twice_at_the_same_moment_is_counted_once():
    world = build_world()
    cycle = candidates_cycle(world, titles=FOUR, places=2)
    ballot = open_ballot(world, cycle)
    deputy = world.users["deputy"]
    paper = approve(ballot, "f", "a", "x", "f")
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def submit(index: int) -> None:
        try:
            barrier.wait()
            ballots.ballot_cast(actor=deputy, ballot_id=ballot.pk, choices=paper)
            outcomes[index] = "counted"
        except ballots.VoteRefused as refusal:
            outcomes[index] = refusal.status
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert sorted(outcomes, key=str) == [409, "counted"]
        assert CastBallot.objects.filter(ballot=ballot).count() == 1
        assert Attendance.objects.filter(ballot=ballot, voted=True).count() == 1
        assert len(xmins(ballot)) == 1
    finally:
        _wait_for_threads_sessions()


def _wait_for_threads_sessions() -> None:
    # A closed connection's server process exits a moment later; the test database can only
    # be dropped once the threads' sessions are gone.
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)
