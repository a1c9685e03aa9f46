"""The anonymous satisfaction vote on a duty report, through its public page: 30 voters give the
right rate; a reading of every row of every table of the database finds no way to link a vote
to its voter; a code votes once, and a replayed request is refused with the tally unchanged."""

import datetime
import unittest

import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from renda.duties import reports
from renda.duties.models import DutyReport, ReportBallot, ReportTally
from renda.duties.tests.test_reports import ReportWorld

R = DutyReport.Status
# 20 satisfied, 7 basically satisfied, 3 dissatisfied: 27 / 30 = 90.0 %.
MIX = ["satisfied"] * 20 + ["basic"] * 7 + ["dissatisfied"] * 3
CHOICE_VALUES = {"satisfied", "basic", "dissatisfied", "满意", "基本满意", "不满意"}
TIME_TYPES = {"DateTimeField", "DateField", "TimeField", "DurationField"}


def vote_url(code: str) -> str:
    return reverse("duties:report_vote", args=[code])


class VoteTest(ReportWorld):
    def setUp(self) -> None:
        super().setUp()
        self.report, self.codes = self.report_at(R.VOTING, codes=30)

    def vote(self, code: str, choice: str, client: Client | None = None):
        client = client or Client()
        page = client.get(vote_url(code))
        self.assertEqual(page.status_code, 200)
        return client.post(vote_url(code), {"choice": choice})

    def tally(self) -> dict[str, int]:
        return dict(ReportTally.objects.filter(report=self.report)
                    .values_list("choice", "votes"))

    def cast_the_mix(self) -> None:
        for code, choice in zip(self.codes, MIX, strict=True):
            response = self.vote(code, choice)
            self.assertRedirects(response, reverse("duties:report_vote_thanks",
                                                   args=[self.report.pk]))

    def test_thirty_voters_give_the_right_rate(self):
        self.cast_the_mix()
        self.assertEqual(self.tally(), {"satisfied": 20, "basic": 7, "dissatisfied": 3})
        self.assertEqual(self.report.ballots.filter(used=True).count(), 30)
        reports.report_vote_close(actor=self.office, report_id=self.report.pk)
        reports.report_publish(actor=self.office, report_id=self.report.pk)
        self.report.refresh_from_db()
        self.assertEqual((self.report.votes_cast, self.report.votes_satisfied), (30, 27))
        self.assertEqual(reports.satisfaction_percent(self.report), 90)
        page = self.client.get(reverse("duties:report_public", args=[self.report.pk]))
        self.assertContains(page, '<dd class="rate__value" id="satisfaction-rate">90.0%</dd>',
                            html=True)
        results = self.client.get(reverse("duties:report_results",
                                          args=[self.report.round.year]))
        self.assertContains(results, "90.0%")

    def test_the_vote_page_shows_the_deputy_the_report_and_the_choices(self):
        page = Client().get(vote_url(self.codes[0]))
        for text in ("王建国", "兴建街道人大代表联络站", "接待选民 12 次",
                     "满意", "基本满意", "不满意"):
            self.assertContains(page, text)
        self.assertEqual(page["Referrer-Policy"], "strict-origin")
        self.assertIn("no-cache", page["Cache-Control"])

    def test_a_code_votes_once(self):
        client = Client()
        self.vote(self.codes[0], "dissatisfied", client)
        before = self.tally()
        again = client.post(vote_url(self.codes[0]), {"choice": "satisfied"})
        self.assertContains(again, "这张测评票已经投过票", status_code=409)
        self.assertEqual(Client().get(vote_url(self.codes[0])).status_code, 409)
        self.assertEqual(self.tally(), before)
        self.assertEqual(before["dissatisfied"], 1)
        self.assertEqual(sum(before.values()), 1)

    def test_a_replayed_request_is_refused(self):
        """The very same POST (same cookies, same CSRF token, same body) sent twice."""
        client = Client(enforce_csrf_checks=True)
        client.get(vote_url(self.codes[1]))
        token = client.cookies["csrftoken"].value
        body = {"choice": "satisfied", "csrfmiddlewaretoken": token}
        first = client.post(vote_url(self.codes[1]), body)
        self.assertEqual(first.status_code, 302)
        replay = client.post(vote_url(self.codes[1]), body)
        self.assertEqual(replay.status_code, 409)
        self.assertEqual(self.tally(), {"satisfied": 1, "basic": 0, "dissatisfied": 0})

    def test_the_service_refuses_a_spent_code_too(self):
        reports.report_vote_cast(code=self.codes[2], choice="basic")
        with self.assertRaises(reports.VoteRefused) as caught:
            reports.report_vote_cast(code=self.codes[2], choice="basic")
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(self.tally()["basic"], 1)

    def test_unknown_codes_wrong_choices_and_closed_votes_count_nothing(self):
        self.assertContains(Client().get(vote_url("ABCDE23456")), "测评码无效",
                            status_code=404)
        wrong = Client().post(vote_url(self.codes[3]), {"choice": "excellent"})
        self.assertContains(wrong, "请选择一项评价", status_code=400)
        self.assertFalse(ReportBallot.objects.filter(used=True).exists())
        reports.report_vote_close(actor=self.office, report_id=self.report.pk)
        closed = Client().post(vote_url(self.codes[3]), {"choice": "satisfied"})
        self.assertContains(closed, "未开始或已经结束", status_code=403)
        with self.assertRaises(reports.VoteRefused):
            reports.report_vote_cast(code=self.codes[3], choice="satisfied")
        self.assertEqual(sum(self.tally().values()), 0)
        self.assertFalse(ReportBallot.objects.filter(used=True).exists())

    def test_a_code_typed_from_the_slip_in_lower_case_with_a_dash_opens_the_vote(self):
        typed = reports.code_display(self.codes[4]).lower()
        response = Client().post(reverse("duties:report_vote_entry"), {"code": typed})
        self.assertRedirects(response, vote_url(self.codes[4]))

    @time_machine.travel("2026-05-20 10:00 +0800", tick=False)  # one rate-limit window
    def test_guessing_codes_is_rate_limited(self):
        client = Client()
        statuses = [client.get(vote_url(f"ZZZZZ{n:05d}")).status_code for n in range(12)]
        self.assertEqual(statuses[:10], [404] * 10)
        self.assertEqual(statuses[-1], 429)
        # Even a good code waits out the minute on that address.
        self.assertEqual(client.get(vote_url(self.codes[5])).status_code, 429)

    @time_machine.travel("2026-05-20 10:00 +0800", tick=False)  # one rate-limit window
    def test_the_vote_page_limits_requests_per_address(self):
        """Wide enough for a hall voting over one Wi-Fi (120 a minute), not for a robot."""
        client = Client()
        statuses = {client.get(vote_url(self.codes[0])).status_code for _n in range(120)}
        self.assertEqual(statuses, {200})
        self.assertEqual(client.get(vote_url(self.codes[0])).status_code, 429)
        self.assertEqual(client.post(vote_url(self.codes[0]), {"choice": "basic"}).status_code,
                         429)
        self.assertEqual(sum(self.tally().values()), 0)

    def test_nothing_in_the_database_links_a_vote_to_its_voter(self):
        self.cast_the_mix()
        digests = set(ReportBallot.objects.values_list("code_digest", flat=True))
        self.assertEqual(len(digests), 30)
        identifiers = set(self.codes) | {reports.code_display(c) for c in self.codes} | digests
        rows_with_choice: dict[str, int] = {}
        with connection.cursor() as cursor:
            ballot_table = ReportBallot._meta.db_table
            for table in connection.introspection.table_names(cursor):
                columns = connection.introspection.get_table_description(cursor, table)
                names = [column.name for column in columns]
                kinds = {column.name: connection.introspection.get_field_type(
                    column.type_code, column) for column in columns}
                references = connection.introspection.get_relations(cursor, table)
                # No table points at a ballot.
                self.assertFalse(any(target == ballot_table
                                     for _column, target in references.values()), table)
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                for row in cursor.fetchall():
                    cells = dict(zip(names, row, strict=True))
                    texts = [str(value) for value in cells.values() if value is not None]
                    # No code is stored anywhere, in the clear or shown with its dash.
                    self.assertFalse(set(texts) & (set(self.codes) | {
                        reports.code_display(c) for c in self.codes}), table)
                    holds_choice = any(_is_choice(text) for text in texts)
                    holds_voter = bool(set(texts) & identifiers) or table == ballot_table
                    if holds_choice:
                        rows_with_choice[table] = rows_with_choice.get(table, 0) + 1
                        self.assertFalse(holds_voter, (table, cells))
                        self.assertFalse({kinds[n] for n in names} & TIME_TYPES, (table, cells))
                        self.assertFalse(any(isinstance(v, datetime.date | datetime.time)
                                             for v in row), (table, cells))
                    if holds_voter:
                        self.assertFalse(holds_choice, (table, cells))
                    if table.startswith("core_event") or "historical" in table:
                        self.assertFalse(holds_choice, (table, cells))
        # The vote pages open no session (the CSRF token lives in a cookie only).
        self.assertFalse(Session.objects.exists())
        # The only rows that name a choice are the three counters, which name nobody.
        self.assertEqual(rows_with_choice, {ReportTally._meta.db_table: 3})
        self.assertEqual(
            {f.column for f in ReportTally._meta.concrete_fields},
            {"id", "report_id", "choice", "label", "counts", "votes"})
        self.assertEqual({f.column for f in ReportBallot._meta.concrete_fields},
                         {"id", "report_id", "code_digest", "used"})

    @unittest.skipUnless(connection.vendor == "postgresql", "xmin is PostgreSQL's")
    def test_the_counters_transaction_ids_do_not_tell_which_choice_moved(self):
        """`xmin`, readable by any SELECT, is the transaction that last wrote a row: after a
        vote every counter of the report carries the same one."""
        self.cast_the_mix()  # the last vote: "dissatisfied"; the others moved before it
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM duties_reporttally "
                           "WHERE report_id = %s", [self.report.pk])
            self.assertEqual(len(cursor.fetchall()), 1)


def _is_choice(text: str) -> bool:
    """A cell that is a choice, or a JSON or text value that carries one as a value."""
    return text in CHOICE_VALUES or any(f'"{value}"' in text for value in CHOICE_VALUES)
