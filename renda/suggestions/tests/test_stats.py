"""The figures of suggestions computed on a small hand-built term whose right values are worked
out below, per unit, deputy, session and year; the configurable definitions; rankings with
ties; who reads which figures.

The later stages' services write these rows in the running system; here they are set directly
so that every date, round and rating is exactly what the arithmetic below assumes.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.test import TestCase
from django.utils import timezone

from renda.core.deadlines import local_zone
from renda.directory.models import CongressSetting, PlenarySession
from renda.directory.testing import build_world
from renda.opinions.stats import Ratio
from renda.suggestions import stats
from renda.suggestions.models import (
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Reply,
    Signature,
    Suggestion,
)
from renda.suggestions.selectors.stats import stat_scope_for
from renda.suggestions.stats import Definitions, Figures, Restriction, Row, Selection

S = Suggestion.Status
A = Assignment.Status
R = Evaluation.Rating


def at(day: str, hour: int = 10) -> datetime.datetime:
    """10:00 Beijing time on an ISO day."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour),
                                     tzinfo=local_zone())


class Term:
    """Builds rows of the hand-made term (the later stages write them in the running system)."""

    def __init__(self, world) -> None:
        self.world = world
        self.congress = world.congresses["pingfang"]
        self.term = world.terms["pingfang"]
        self.session = PlenarySession.objects.get(term=self.term, number=1)
        self.office = world.users["office_staff"]
        self.number = Suggestion.objects.count()

    def suggestion(self, deputy: str, status: str, *, year: int = 2022, session: bool = False,
                   category: str = "urban", kind: str = Suggestion.Kind.SUGGESTION,
                   registered: bool = True, assigned: str = "", cosigners: tuple = (),
                   is_public: bool = True, title: str = "") -> Suggestion:
        self.number += 1
        lead = self.world.deputies[deputy]
        submitted = at(f"{year}-01-06") if session else at(f"{year}-06-01")
        suggestion = Suggestion.objects.create(
            congress=self.congress, term=self.term, session=self.session if session else None,
            series=Suggestion.Series.SESSION if session else Suggestion.Series.INTERIM,
            kind=kind, year=year, number=self.number if registered else None,
            numbering_key=f"test-{year}", code=f"{year}-{self.number:04d}" if registered else "",
            title=title or f"关于第{self.number}件事的建议", content="建议内容。",
            category=category, lead_deputy=lead, status=status, is_public=is_public,
            submitted_at=submitted, registered_at=submitted if registered else None,
            assigned_at=at(assigned) if assigned else None)
        Signature.objects.create(suggestion=suggestion, deputy=lead, is_lead=True,
                                 confirmed_at=submitted)
        for order, name in enumerate(cosigners, start=1):
            Signature.objects.create(suggestion=suggestion, deputy=self.world.deputies[name],
                                     order=order, confirmed_at=submitted)
        return suggestion

    def assign(self, suggestion: Suggestion, unit: str, *, role: str = "lead",
               status: str = A.REPLIED, due: str = "2022-04-20", replied: str = "",
               extension: bool = False, round: int = 1) -> Assignment:
        return Assignment.objects.create(
            suggestion=suggestion, unit=self.world.units[unit], role=role, status=status,
            assigned_at=suggestion.assigned_at, due_at=at(due, 23), extension_used=extension,
            replied_at=at(replied) if replied else None, round=round)

    def contact(self, assignment: Assignment, method: str, day: str) -> None:
        ContactRecord.objects.create(assignment=assignment, method=method,
                                     contacted_on=datetime.date.fromisoformat(day),
                                     participants="代表、经办人", note="当面沟通。",
                                     created_by=self.office)

    def reply(self, assignment: Assignment, category: str, day: str, *, round: int = 1,
              promised: str = "", fulfilled: bool = False, is_public: bool = True,
              body: str = "") -> Reply:
        reply = Reply.objects.create(
            assignment=assignment, round=round, category=category,
            body=body or "答复内容。", signer="局长", contact_person="张科长",
            contact_phone="0451-86700001", is_public=is_public, created_by=self.office,
            promised_date=datetime.date.fromisoformat(promised) if promised else None)
        Reply.objects.filter(pk=reply.pk).update(created_at=at(day))
        if promised:
            Commitment.objects.create(
                reply=reply, unit=assignment.unit, promised_date=reply.promised_date,
                status=Commitment.Status.FULFILLED if fulfilled else Commitment.Status.OPEN)
        return reply

    def evaluate(self, reply: Reply, rating: str, *, deputy: str = "",
                 kind: str = Evaluation.Kind.INITIAL) -> None:
        who = self.world.deputies[deputy] if deputy else reply.assignment.suggestion.lead_deputy
        Evaluation.objects.create(reply=reply, deputy=who, kind=kind, rating=rating)


def build_term(world) -> dict[str, Suggestion]:
    """平房区人大第十七届, session 1 (January 2022) and the closed periods of 2022 and 2023:

    S1 王建国, session, urban: housing (lead) met the deputy face to face on 2-10, replied A on
       3-01 within its deadline (4-20); 满意; closed. 李秀英, a co-signer, also rated it
       不满意: not counted (only the lead deputy's evaluation counts).
    S2 王建国, session, health: health (lead), by phone, replied B on 5-10, after its deadline
       4-20, promising 12-31, fulfilled; 基本满意, and 满意 at the year-end follow-up; closed.
    S3 李秀英, session, urban: first to the district government, re-assigned (cancelled); then
       housing (lead) with health assisting. Face to face 3-05; replied C on 3-10; 不满意;
       re-handled (round 2, new deadline 5-10) and replied A on 4-25; 满意; closed.
    S4 李秀英, closed period 2022, transport: housing and health answer separately (due
       9-01): housing replied D on 8-01; health has not replied: still assigned.
    S5 赵志强, closed period 2022, social: registered, not assigned yet.
    S6 赵志强, closed period 2022: submitted and returned (never registered).
    S7 王建国, closed period 2023, urban: housing (lead) with an approved extension (due 9-01)
       replied A on 7-15; face to face only on 7-20, after replying; 满意; closed.
    S8 王建国, closed period 2022: assigned to housing, then withdrawn: never counted.
    M1 赵志强, session: a motion, not a suggestion: outside the default selection.
    """
    t = Term(world)
    s = {}
    s["S1"] = t.suggestion("wang", S.CLOSED, session=True, assigned="2022-01-20",
                           cosigners=("li",))
    a = t.assign(s["S1"], "housing", replied="2022-03-01")
    t.contact(a, ContactRecord.Method.FACE_TO_FACE, "2022-02-10")
    r = t.reply(a, "A", "2022-03-01")
    t.evaluate(r, R.SATISFIED)
    t.evaluate(r, R.DISSATISFIED, deputy="li")

    s["S2"] = t.suggestion("wang", S.CLOSED, session=True, category="health",
                           assigned="2022-01-20")
    a = t.assign(s["S2"], "health", replied="2022-05-10")
    t.contact(a, ContactRecord.Method.PHONE, "2022-02-01")
    r = t.reply(a, "B", "2022-05-10", promised="2022-12-31", fulfilled=True)
    t.evaluate(r, R.BASICALLY_SATISFIED)
    t.evaluate(r, R.SATISFIED, kind=Evaluation.Kind.FOLLOW_UP)

    s["S3"] = t.suggestion("li", S.CLOSED, session=True, assigned="2022-01-20")
    t.assign(s["S3"], "gov", status=A.CANCELLED)
    a = t.assign(s["S3"], "housing", due="2022-05-10", replied="2022-04-25", round=2)
    t.assign(s["S3"], "health", role="assisting", status=A.OPINION_SENT)
    t.contact(a, ContactRecord.Method.FACE_TO_FACE, "2022-03-05")
    t.evaluate(t.reply(a, "C", "2022-03-10"), R.DISSATISFIED)
    t.evaluate(t.reply(a, "A", "2022-04-25", round=2), R.SATISFIED)

    s["S4"] = t.suggestion("li", S.ASSIGNED, category="transport", assigned="2022-06-03")
    a = t.assign(s["S4"], "housing", role="separate", due="2022-09-01", replied="2022-08-01")
    t.reply(a, "D", "2022-08-01")
    t.assign(s["S4"], "health", role="separate", status=A.ACKNOWLEDGED, due="2022-09-01")

    s["S5"] = t.suggestion("zhao", S.REGISTERED, category="social")
    s["S6"] = t.suggestion("zhao", S.RETURNED, registered=False)

    s["S7"] = t.suggestion("wang", S.CLOSED, year=2023, assigned="2023-03-01")
    a = t.assign(s["S7"], "housing", due="2023-09-01", replied="2023-07-15", extension=True)
    t.contact(a, ContactRecord.Method.FACE_TO_FACE, "2023-07-20")
    t.evaluate(t.reply(a, "A", "2023-07-15"), R.SATISFIED)

    s["S8"] = t.suggestion("wang", S.WITHDRAWN, assigned="2022-06-03")
    t.assign(s["S8"], "housing", status=A.ACKNOWLEDGED, due="2022-09-01")
    s["M1"] = t.suggestion("zhao", S.REGISTERED, session=True, kind=Suggestion.Kind.MOTION)
    return s


class StatsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.s = build_term(cls.world)
        cls.congress = cls.world.congresses["pingfang"]
        cls.term = cls.world.terms["pingfang"]

    def report(self, *, group: str = "", restriction: Restriction | None = None,
               ranking: str = "completion", **selection) -> stats.Report:
        selection = Selection(congress=self.congress, term=self.term, **selection)
        return stats.suggestion_stats(selection=selection, group=group or "unit", ranking=ranking,
                                      restriction=restriction or Restriction())

    def row(self, rows: list[Row], obj) -> Figures:
        return next(r.figures for r in rows if r.obj == obj)


class TestTotals(StatsTestCase):
    def test_the_counts(self):
        """Counted: S1 to S7 (S8 withdrawn, M1 a motion). Received 7 (all were submitted),
        registered 6 (not S6), assigned 5 (S1, S2, S3, S4, S7), replied 4 (the closed S1, S2,
        S3, S7; S4 waits for health), concluded 4."""
        totals = self.report().totals
        self.assertEqual((totals.received, totals.registered, totals.assigned, totals.replied,
                          totals.concluded), (7, 6, 5, 4, 4))

    def test_completion_and_on_time(self):
        """办结率 = concluded ÷ assigned = 4/5 = 80.0%.
        按时办结率 counts the answering units' parts (件次): S1 housing (3-01 ≤ 4-20), S3
        housing (its round-2 reply 4-25 ≤ the re-handling deadline 5-10), S4 housing (8-01 ≤
        9-01), S7 housing (within its extension) on time; S2 health (5-10 > 4-20) and S4 health
        (no reply by 9-01) late; the cancelled district government and the assisting health
        do not count = 4/6 = 66.7%. Nothing is left out as not due yet: every deadline has
        passed."""
        totals = self.report().totals
        self.assertEqual(totals.completion, Ratio(4, 5))
        self.assertEqual(totals.completion.percent, "80.0%")
        self.assertEqual(totals.on_time, Ratio(4, 6))
        self.assertEqual(totals.on_time.percent, "66.7%")
        self.assertEqual(totals.on_time_pending, 0)

    def test_solved_face_to_face_and_implemented(self):
        """Replies in force, one per answering unit: S1 A, S2 B, S3 A (round 2 replaces C),
        S4 housing D, S7 A = 5 (health has not replied to S4; the cancelled district government
        and the assisting health never reply).
        解决率 A ÷ replies = 3/5 = 60.0%; (A + B) ÷ replies = 4/5 = 80.0%.
        见面沟通率: S1 (2-10 before 3-01), S3 (3-05 before 4-25); not S2 (phone), S4 (no contact),
        S7 (7-20, after its reply on 7-15) = 2/5 = 40.0%.
        落实率: the three A replies and S2's fulfilled B = 4/5 = 80.0%."""
        totals = self.report().totals
        self.assertEqual(totals.replies, 5)
        self.assertEqual(totals.solved, Ratio(3, 5))
        self.assertEqual(totals.solved_or_planned, Ratio(4, 5))
        self.assertEqual(totals.face_to_face, Ratio(2, 5))
        self.assertEqual(totals.face_to_face.percent, "40.0%")
        self.assertEqual(totals.implemented, Ratio(4, 5))

    def test_first_final_and_follow_up_satisfaction(self):
        """The lead deputies' evaluations (李秀英's 不满意 on S1, as a co-signer, is not counted).
        First (the round-1 replies): S1 满意, S2 基本满意, S3 不满意, S7 满意: (满意 + 基本满意)
        3/4 = 75.0%, 满意 alone 2/4 = 50.0%.
        Final (the latest replies): S1 满意, S2 基本满意, S3 满意 (round 2), S7 满意: 4/4 =
        100.0%, 满意 alone 3/4 = 75.0%.
        Follow-up at year end: S2 满意: 1/1 and 1/1."""
        totals = self.report().totals
        self.assertEqual(totals.first.satisfied, Ratio(3, 4))
        self.assertEqual(totals.first.fully, Ratio(2, 4))
        self.assertEqual(totals.final.satisfied, Ratio(4, 4))
        self.assertEqual(totals.final.fully, Ratio(3, 4))
        self.assertEqual(totals.final.fully.percent, "75.0%")
        self.assertEqual(totals.follow_up.satisfied, Ratio(1, 1))
        self.assertEqual(totals.follow_up.fully, Ratio(1, 1))

    def test_a_year_a_session_and_the_closed_period(self):
        """2023 holds S7 alone: 1/1 concluded and on time. Session 1 holds S1, S2, S3: 3/3
        concluded, 2/3 parts on time (S2 late). The closed period holds S4 to S7: received 4,
        registered 3, assigned 2 (S4, S7), concluded 1 (S7)."""
        year = self.report(year=2023).totals
        self.assertEqual((year.assigned, year.completion, year.on_time),
                         (1, Ratio(1, 1), Ratio(1, 1)))
        session = PlenarySession.objects.get(term=self.term, number=1)
        first = self.report(session=session).totals
        self.assertEqual((first.completion, first.on_time), (Ratio(3, 3), Ratio(2, 3)))
        interim = self.report(interim=True).totals
        self.assertEqual((interim.received, interim.registered, interim.assigned,
                          interim.concluded), (4, 3, 2, 1))

    def test_what_is_not_due_yet_is_left_out_of_on_time(self):
        """A suggestion assigned to housing, due in three months, not yet replied: assigned 6,
        but on time still 4/6, with 1 part not due yet; for housing 4/4 and 1 not due yet."""
        t = Term(self.world)
        today = timezone.localdate()
        fresh = t.suggestion("zhao", S.ASSIGNED, year=2022, assigned="2022-06-03")
        t.assign(fresh, "housing", status=A.ACKNOWLEDGED,
                 due=(today + datetime.timedelta(days=90)).isoformat())
        report = self.report()
        self.assertEqual((report.totals.assigned, report.totals.on_time,
                          report.totals.on_time_pending), (6, Ratio(4, 6), 1))
        housing = self.row(report.units, self.world.units["housing"])
        self.assertEqual((housing.on_time, housing.on_time_pending), (Ratio(4, 4), 1))

    def test_motions_are_counted_apart(self):
        """M1 is the only motion: received and registered, not assigned."""
        motions = self.report(kind=Suggestion.Kind.MOTION).totals
        self.assertEqual((motions.received, motions.registered, motions.assigned), (1, 1, 0))
        both = self.report(kind="").totals
        self.assertEqual((both.received, both.registered), (8, 7))

    def test_nothing_counted_shows_dashes(self):
        totals = self.report(year=2030).totals
        self.assertEqual((totals.received, totals.assigned), (0, 0))
        self.assertEqual(totals.completion.percent, "—")
        self.assertEqual(totals.final.satisfied.percent, "—")


class TestRows(StatsTestCase):
    def test_the_units(self):
        """Housing answers S1, S3 (lead), S4 (separate), S7: 4 assignments (S8 withdrawn).
        办结率: S1, S3, S7 closed = 3/4; 按时: all four = 4/4 (S4's reply 8-01 ≤ 9-01).
        Replies S1 A, S3 A, S4 D, S7 A: solved 3/4, face to face 2/4 (S1, S3), implemented 3/4.
        First evaluations S1 满意, S3 不满意, S7 满意: 2/3; final 3/3.
        Health answers S2 (lead) and S4 (separate): 2 (not S3, where it assists). Concluded
        S2: 1/2; on time 0/2 (S2 late, S4 open). One reply, S2's B: solved 0/1, A + B 1/1,
        implemented 1/1; 基本满意: satisfied 1/1, 满意 alone 0/1; follow-up 1/1.
        The district government's assignment was cancelled: no row."""
        units = self.report().units
        housing = self.row(units, self.world.units["housing"])
        self.assertIsNone(housing.received)
        self.assertEqual((housing.completion, housing.on_time), (Ratio(3, 4), Ratio(4, 4)))
        self.assertEqual((housing.solved, housing.face_to_face, housing.implemented),
                         (Ratio(3, 4), Ratio(2, 4), Ratio(3, 4)))
        self.assertEqual((housing.first.satisfied, housing.final.satisfied),
                         (Ratio(2, 3), Ratio(3, 3)))
        health = self.row(units, self.world.units["health"])
        self.assertEqual((health.completion, health.on_time), (Ratio(1, 2), Ratio(0, 2)))
        self.assertEqual((health.solved, health.solved_or_planned, health.implemented),
                         (Ratio(0, 1), Ratio(1, 1), Ratio(1, 1)))
        self.assertEqual((health.final.satisfied, health.final.fully, health.follow_up.fully),
                         (Ratio(1, 1), Ratio(0, 1), Ratio(1, 1)))
        self.assertEqual({r.obj for r in units},
                         {self.world.units["housing"], self.world.units["health"]})

    def test_the_units_are_ranked(self):
        """By completion housing 75.0% before health 50.0%; by satisfaction both 100.0%: a tie
        (rank 1 twice), housing first for its three evaluations against one."""
        completion = self.report(ranking="completion").units
        self.assertEqual([(r.obj.code, r.rank) for r in completion],
                         [("PF-ZJJ", 1), ("PF-WJJ", 2)])
        satisfaction = self.report(ranking="satisfaction").units
        self.assertEqual([(r.obj.code, r.rank) for r in satisfaction],
                         [("PF-ZJJ", 1), ("PF-WJJ", 1)])

    def test_the_deputies(self):
        """王建国 leads S1, S2, S7 (S8 withdrawn): 3/3 concluded, 2/3 parts on time. 李秀英 leads
        S3 and S4: 1/2 concluded; parts S3 housing, S4 housing on time, S4 health late: 2/3.
        赵志强 leads S5, S6: received 2, registered 1, nothing assigned."""
        rows = self.report(group="deputy").rows
        wang = self.row(rows, self.world.deputies["wang"])
        self.assertEqual((wang.completion, wang.on_time), (Ratio(3, 3), Ratio(2, 3)))
        li = self.row(rows, self.world.deputies["li"])
        self.assertEqual((li.completion, li.on_time), (Ratio(1, 2), Ratio(2, 3)))
        zhao = self.row(rows, self.world.deputies["zhao"])
        self.assertEqual((zhao.received, zhao.registered, zhao.assigned), (2, 1, 0))
        self.assertEqual(zhao.completion.percent, "—")

    def test_the_sessions_years_and_terms(self):
        """Session 1: S1 to S3; the closed period of 2022: S4, S5, S6; of 2023: S7. By year:
        2022 holds S1 to S6 (S1 to S4 assigned, S1 to S3 concluded), 2023 S7. The totals of
        any of these groupings are the same as without one."""
        report = self.report(group="session")
        self.assertEqual([(r.label, r.figures.received) for r in report.rows],
                         [("平房区人大 第十七届一次会议", 3), ("2022年闭会期间", 3),
                          ("2023年闭会期间", 1)])
        years = self.report(group="year").rows
        self.assertEqual([(r.label, r.figures.assigned, r.figures.concluded) for r in years],
                         [("2022年", 4, 3), ("2023年", 1, 1)])
        terms = self.report(group="term")
        self.assertEqual([r.label for r in terms.rows], ["平房区人大 第十七届"])
        self.assertEqual(terms.totals, self.report().totals)
        self.assertEqual(report.totals, self.report().totals)

    def test_the_charts(self):
        """Registered suggestions by category: urban S1, S3, S7 = 3, then health, social,
        transport 1 each (equal counts in the order of their codes); final replies by reply
        category in the congress's order: A 3, B 1, D 1."""
        charts = {c.key: c for c in self.report().charts}
        self.assertEqual(charts["category"].rows,
                         [("城乡建设", 3), ("医疗卫生", 1), ("社会保障", 1), ("交通出行", 1)])
        self.assertEqual([n for _, n in charts["reply_category"].rows], [3, 1, 1])
        self.assertTrue(charts["reply_category"].rows[0][0].startswith("A"))
        self.assertEqual(charts["ranking"].rows, [("平房区住房和城乡建设局", Decimal("75.0")),
                                                  ("平房区卫生健康局", Decimal("50.0"))])


class TestDefinitions(StatsTestCase):
    def setting(self, key: str, value) -> None:
        CongressSetting.objects.create(congress=self.congress, key=key, value=value,
                                       effective_from=datetime.date(2020, 1, 1))

    def test_an_extension_may_count_as_late(self):
        """Without extensions on time, S7 is late: 3/6 (S1, S3, S4 housing)."""
        self.setting("suggestions.statistics", {"on_time_includes_extension": False})
        self.assertEqual(self.report().totals.on_time, Ratio(3, 6))

    def test_the_solved_categories_come_from_the_reply_categories(self):
        """With B also marked solved, 解决率 = (A + B) = 4/5."""
        categories = [{"code": "A", "label": "A", "solved": True},
                      {"code": "B", "label": "B", "solved": True, "promise": True},
                      {"code": "C", "label": "C"}, {"code": "D", "label": "D"}]
        self.setting("suggestions.reply_categories", categories)
        self.assertEqual(self.report().totals.solved, Ratio(4, 5))

    def test_phone_may_count_as_contact_and_assisting_units_as_answering(self):
        """Face to face or phone: S1, S2, S3 = 3/5. With assisting units answering, health
        gets S3 too (3 assignments; S3 closed: 2/3 concluded)."""
        self.setting("suggestions.statistics", {
            "face_to_face_methods": ["face_to_face", "phone"],
            "answering_roles": ["lead", "separate", "assisting"]})
        report = self.report()
        self.assertEqual(report.totals.face_to_face, Ratio(3, 5))
        self.assertEqual(self.row(report.units, self.world.units["health"]).completion,
                         Ratio(2, 3))

    def test_the_definitions_are_read_with_defaults(self):
        self.setting("suggestions.statistics", {"satisfied_ratings": ["satisfied"]})
        d = Definitions.load(self.congress)
        self.assertEqual(d.satisfied_ratings, ("satisfied",))
        self.assertEqual(d.answering_roles, ("lead", "separate"))
        self.assertEqual((d.solved_categories, d.planned_categories), (("A",), ("B",)))
        self.assertEqual(self.report().totals.final.satisfied, Ratio(3, 4))


class TestRanking(TestCase):
    def rows(self, *pairs) -> list[Row]:
        return [Row(key=i, label=label, figures=Figures(completion=Ratio(n, d)))
                for i, (label, n, d) in enumerate(pairs)]

    def test_ties_share_a_rank_and_keep_a_stable_order(self):
        """1/2 and 2/4 tie on the exact fraction: rank 2 both, 2/4 first (more items);
        3/4 first; 0/0 last and unranked."""
        rows = stats.rank_rows(self.rows(("乙", 1, 2), ("丙", 0, 0), ("甲", 3, 4),
                                         ("丁", 2, 4)), "completion")
        self.assertEqual([(r.label, r.rank) for r in rows],
                         [("甲", 1), ("丁", 2), ("乙", 2), ("丙", None)])

    def test_equal_rows_keep_the_directory_order(self):
        """Equal in value and size: the unit earlier in the directory's tree comes first."""
        rows = self.rows(("甲", 1, 1), ("乙", 1, 1))
        rows[0].obj, rows[1].obj = SimpleNamespace(path="0002/"), SimpleNamespace(path="0001/")
        ranked = stats.rank_rows(rows, "completion")
        self.assertEqual([(r.label, r.rank) for r in ranked], [("乙", 1), ("甲", 1)])


class TestScope(StatsTestCase):
    def scope(self, user: str):
        user = self.world.outsider if user == "outsider" else self.world.users[user]
        return stat_scope_for(user=user, congress=self.congress)

    def test_the_office_leaders_and_evaluators_read_the_congress(self):
        for name in ("office_staff", "leader", "evaluator", "admin"):
            with self.subTest(name):
                scope = self.scope(name)
                self.assertEqual(scope.mode, "congress")
                self.assertEqual(scope.restriction, Restriction())

    def test_a_unit_reads_its_own_assignments(self):
        """The housing handler's totals are housing's row: 4 assignments, 3/4 concluded."""
        scope = self.scope("unit_handler")
        self.assertEqual(scope.mode, "unit")
        self.assertEqual([u.code for u in scope.units], ["PF-ZJJ"])
        report = self.report(restriction=scope.restriction)
        self.assertEqual(report.basis, "assignment")
        self.assertEqual(report.totals.completion, Ratio(3, 4))
        self.assertEqual(report.totals.replies, 4)
        self.assertEqual([r.obj.code for r in report.units], ["PF-ZJJ"])

    def test_a_deputy_reads_his_own(self):
        """王建国 reads S1, S2, S7: 3 received, 3/3 concluded."""
        scope = self.scope("deputy")
        self.assertEqual(scope.mode, "deputy")
        report = self.report(restriction=scope.restriction, group="year")
        self.assertEqual((report.totals.received, report.totals.completion), (3, Ratio(3, 3)))

    def test_others_read_nothing(self):
        self.assertIsNone(self.scope("outsider").mode)
        self.assertIsNone(self.scope("station_staff").mode)

