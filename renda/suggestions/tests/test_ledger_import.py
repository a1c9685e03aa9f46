"""The ledger import: a term's rows brought to their final states, the same ledger twice,
every kind of error (row, column, reason) with nothing written, the command and the page."""

import io
from io import StringIO

import openpyxl
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from renda.core.models import Event
from renda.directory.testing import build_world
from renda.opinions.stats import Ratio
from renda.suggestions.ledger_import import HEADERS, ledger_import, ledger_template
from renda.suggestions.models import (
    Assignment,
    Commitment,
    ContactRecord,
    Evaluation,
    Reply,
    Signature,
    Suggestion,
    SuggestionCounter,
)
from renda.suggestions.stats import Restriction, Selection, suggestion_stats

S = Suggestion.Status
A = Assignment.Status

BASE = {"编号": "1", "年度": "2022", "会议或闭会期间": "一次会议", "标题": "关于老旧小区加装电梯的建议",
        "领衔代表": "王建国", "联名代表": "李秀英", "分类": "城乡建设",
        "承办单位": "平房区住房和城乡建设局", "承办方式": "主办", "交办日期": "2022-01-20",
        "沟通方式": "见面沟通", "沟通日期": "2022-02-10", "答复日期": "2022-03-01",
        "答复分类": "A", "答复内容": "已列入今年改造计划。", "评价": "满意"}


def row(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


def interim(number: str, **changes: str) -> dict[str, str]:
    """A closed-period row without contact, reply or evaluation unless given."""
    values = {k: v for k, v in BASE.items() if k not in (
        "沟通方式", "沟通日期", "答复日期", "答复分类", "答复内容", "评价", "联名代表")}
    return {**values, "编号": number, "会议或闭会期间": "闭会期间", "交办日期": "2022-06-01",
            **changes}


def ledger(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS,
           name: str = "台账.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


# A term: (row 2) S1 closed; (3) S2 B fulfilled with a follow-up; (4, 5) S3 re-handled, with an
# assisting unit; (6, 7) I1 answered separately, health still handling; (8) I2 registered only;
# (9) I3 dissatisfied, re-handling; (10) I4 replied with a B, not evaluated.
TERM = [
    row(),
    row(编号="2", 标题="关于增设社区卫生服务站的建议", 分类="医疗卫生", 承办单位="平房区卫生健康局",
        沟通方式="电话沟通", 答复日期="2022-05-10", 答复分类="B", 承诺完成时间="2022-12-31",
        承诺落实情况="已兑现", 评价="基本满意", 年终二次评价="满意", 联名代表=""),
    row(编号="3", 标题="关于整治背街小巷的建议", 领衔代表="李秀英", 联名代表="", 沟通日期="2022-03-05",
        答复日期="2022-03-10", 答复分类="C", 评价="不满意", 重新办理答复日期="2022-04-25",
        重新办理答复分类="A", 重新办理答复内容="已完成整治。", 重新办理后评价="满意"),
    row(编号="3", 标题="关于整治背街小巷的建议", 领衔代表="李秀英", 联名代表="", 承办单位="PF-WJJ",
        承办方式="协办", 沟通方式="", 沟通日期="", 答复日期="2022-02-20", 答复分类="", 评价="",
        答复内容=""),
    interim("1", 标题="关于优化公交线路的建议", 领衔代表="李秀英", 分类="交通出行", 承办方式="分办",
            答复日期="2022-08-01", 答复分类="D"),
    interim("1", 标题="关于优化公交线路的建议", 领衔代表="李秀英", 分类="交通出行", 承办方式="分办",
            承办单位="平房区卫生健康局"),
    interim("2", 标题="关于提高养老补贴的建议", 领衔代表="赵志强", 分类="社会保障", 承办单位="",
            承办方式="", 交办日期=""),
    interim("3", 标题="关于修缮健身广场的建议", 领衔代表="赵志强", 答复日期="2022-09-01",
            答复分类="A", 评价="不满意"),
    interim("4", 标题="关于建设停车场的建议", 领衔代表="赵志强", 答复日期="2022-09-01",
            答复分类="B", 承诺完成时间="2023-06-30", 建议是否公开="否", 答复是否公开="否"),
]


class LedgerTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.congress = cls.world.congresses["pingfang"]
        cls.office = cls.world.users["office_staff"]

    def load(self, rows: list[dict[str, str]], *, dry_run: bool = False, **kwargs):
        return ledger_import(actor=self.office, congress=self.congress, file=ledger(rows, **kwargs),
                             dry_run=dry_run)

    def get(self, title: str) -> Suggestion:
        return Suggestion.objects.get(title=title)


class TestImport(LedgerTestCase):
    def test_it_brings_each_suggestion_to_its_final_state(self):
        result = self.load(TERM)
        self.assertTrue(result.ok, result.errors)
        self.assertEqual((result.total, result.created, result.unchanged), (9, 7, 0))
        statuses = dict(Suggestion.objects.values_list("title", "status"))
        self.assertEqual(statuses, {
            "关于老旧小区加装电梯的建议": S.CLOSED, "关于增设社区卫生服务站的建议": S.CLOSED,
            "关于整治背街小巷的建议": S.CLOSED, "关于优化公交线路的建议": S.ASSIGNED,
            "关于提高养老补贴的建议": S.REGISTERED, "关于修缮健身广场的建议": S.REHANDLING,
            "关于建设停车场的建议": S.REPLIED})

    def test_numbers_series_and_signatures(self):
        self.load(TERM)
        first = self.get("关于老旧小区加装电梯的建议")
        self.assertEqual((first.series, first.session.number, first.number, first.code),
                         (Suggestion.Series.SESSION, 1, 1, "2022大会建议第1号"))
        self.assertEqual(first.numbering_key, f"S{first.session.pk}")
        self.assertEqual(list(first.signatures.values_list("deputy__name", "is_lead")),
                         [("王建国", True), ("李秀英", False)])
        self.assertEqual(first.signatures.filter(confirmed_at__isnull=True).count(), 0)
        bus = self.get("关于优化公交线路的建议")
        self.assertEqual((bus.series, bus.numbering_key, bus.term, bus.session),
                         (Suggestion.Series.INTERIM, "Y2022", self.world.terms["pingfang"], None))
        counter = SuggestionCounter.objects.get(congress=self.congress, numbering_key="Y2022")
        self.assertEqual(counter.last, 4)

    def test_the_rounds_replies_evaluations_and_commitments(self):
        self.load(TERM)
        rehandled = self.get("关于整治背街小巷的建议")
        lead = rehandled.assignments.get(role=Assignment.Role.LEAD)
        self.assertEqual((lead.status, lead.round), (A.REPLIED, 2))
        self.assertEqual([(r.round, r.category) for r in lead.replies.order_by("round")],
                         [(1, "C"), (2, "A")])
        self.assertEqual(list(Evaluation.objects.filter(reply__assignment=lead)
                              .order_by("reply__round").values_list("rating", flat=True)),
                         ["dissatisfied", "satisfied"])
        assisting = rehandled.assignments.get(role=Assignment.Role.ASSISTING)
        self.assertEqual((assisting.status, assisting.replies.count()), (A.OPINION_SENT, 0))
        waiting = self.get("关于修缮健身广场的建议").assignments.get()
        self.assertEqual((waiting.status, waiting.round), (A.REHANDLING, 2))
        commitments = dict(Commitment.objects.values_list("reply__assignment__suggestion__title",
                                                          "status"))
        self.assertEqual(commitments, {"关于增设社区卫生服务站的建议": "fulfilled",
                                       "关于建设停车场的建议": "open"})
        follow = Evaluation.objects.get(kind=Evaluation.Kind.FOLLOW_UP)
        self.assertEqual(follow.rating, "satisfied")
        self.assertEqual(ContactRecord.objects.filter(method="face_to_face").count(), 2)
        private = self.get("关于建设停车场的建议")
        self.assertFalse(private.is_public)
        self.assertFalse(Reply.objects.get(assignment__suggestion=private).is_public)

    def test_the_figures_read_the_imported_ledger(self):
        """Assigned: S1, S2, S3, I1, I3, I4 = 6; concluded S1, S2, S3 = 3/6. Replies in force:
        S1 A, S2 B, S3 A (round 2), I1 housing D, I4 B = 5 (I3 is being re-handled: none in
        force): solved 2/5, A + B 4/5. Face to face before replying: S1 (2-10), S3 (3-05) =
        2/5. Final evaluations: S1, S2, S3 = 3/3; first: S1, S2 satisfied, S3 and I3 not =
        2/4."""
        self.load(TERM)
        totals = suggestion_stats(
            selection=Selection(congress=self.congress, term=self.world.terms["pingfang"]),
            restriction=Restriction()).totals
        self.assertEqual(totals.completion, Ratio(3, 6))
        self.assertEqual((totals.solved, totals.solved_or_planned), (Ratio(2, 5), Ratio(4, 5)))
        self.assertEqual(totals.face_to_face, Ratio(2, 5))
        self.assertEqual(totals.final.satisfied, Ratio(3, 3))
        self.assertEqual(totals.first.satisfied, Ratio(2, 4))

    def test_the_same_ledger_twice_changes_nothing(self):
        self.load(TERM)
        counts = [model.objects.count() for model in (
            Suggestion, Signature, Assignment, Reply, Evaluation, Commitment, ContactRecord,
            Event, Suggestion.history.model)]
        result = self.load(TERM)
        self.assertTrue(result.ok, result.errors)
        self.assertEqual((result.created, result.unchanged), (0, 7))
        self.assertEqual(counts, [model.objects.count() for model in (
            Suggestion, Signature, Assignment, Reply, Evaluation, Commitment, ContactRecord,
            Event, Suggestion.history.model)])

    def test_a_longer_ledger_adds_only_the_new_rows(self):
        self.load(TERM[:4])
        result = self.load(TERM)
        self.assertEqual((result.created, result.unchanged), (4, 3))
        self.assertEqual(Suggestion.objects.count(), 7)

    def test_a_unit_added_to_a_stored_suggestion_is_refused(self):
        """S3 was imported with its lead unit only; a ledger that adds its assisting unit
        contradicts the system (the import never changes a stored suggestion)."""
        self.load(TERM[:3])
        result = self.load(TERM)
        self.assertEqual([(e.row, e.column) for e in result.errors], [(4, "承办单位")])
        self.assertEqual(Suggestion.objects.count(), 3)

    def test_a_dry_run_writes_nothing(self):
        result = self.load(TERM, dry_run=True)
        self.assertTrue(result.ok)
        self.assertEqual(result.created, 7)
        self.assertEqual(Suggestion.objects.count(), 0)

    def test_it_is_audited(self):
        self.load(TERM)
        first = self.get("关于老旧小区加装电梯的建议")
        record = first.history.get()
        self.assertEqual((record.history_user, record.history_change_reason),
                         (self.office, "台账导入"))
        event = Event.objects.get(object_id=first.pk, action="ledger_import")
        self.assertEqual((event.actor, event.to_status, event.data["row"]),
                         (self.office, S.CLOSED, 2))
        self.assertEqual(len(event.data["sha256"]), 64)

    def test_only_the_office_imports(self):
        for name in ("unit_handler", "deputy", "station_staff"):
            with self.subTest(name), self.assertRaises(PermissionDenied):
                ledger_import(actor=self.world.users[name], congress=self.congress,
                              file=ledger(TERM))
        with self.assertRaises(PermissionDenied):
            ledger_import(actor=self.world.outsider, congress=self.congress, file=ledger(TERM))

    def test_the_template_has_every_column_and_instructions(self):
        workbook = openpyxl.load_workbook(io.BytesIO(ledger_template()))
        first, help_sheet = workbook.worksheets
        self.assertEqual(tuple(c.value for c in first[1]), HEADERS)
        self.assertIn("承诺完成时间", [c.value for c in help_sheet["A"]])


# Errors ----------------------------------------------------------------------------------------

# (what, the row's cells, the column reported, a part of the reason)
ROW_ERRORS = [
    ("no number", row(编号=""), "编号", "必须填写"),
    ("a number without digits", row(编号="甲"), "编号", "序号"),
    ("a bad year", row(年度="22"), "年度", "四位"),
    ("a bad session", row(会议或闭会期间="大会"), "会议或闭会期间", "闭会期间"),
    ("an unknown session", row(会议或闭会期间="九次会议"), "会议或闭会期间", "找不到"),
    ("an unknown term", row(届次="20"), "届次", "没有这一届"),
    ("a bad kind", row(类别="提案"), "类别", "议案"),
    ("no title", row(标题=""), "标题", "必须填写"),
    ("a long title", row(标题="长" * 121), "标题", "120"),
    ("an unknown lead deputy", row(领衔代表="张三"), "领衔代表", "张三"),
    ("a deputy of another congress", row(领衔代表="孙丽华"), "领衔代表", "孙丽华"),
    ("an unknown co-signer", row(联名代表="李秀英、李四"), "联名代表", "李四"),
    ("an unknown category", row(分类="天文"), "分类", "分类"),
    ("no category", row(分类=""), "分类", "必须填写"),
    ("a bad yes or no", row(建议是否公开="也许"), "建议是否公开", "是"),
    ("an unknown unit", row(承办单位="平房区不存在局"), "承办单位", "没有该承办单位"),
    ("a unit of another district", row(承办单位="松北区人民政府"), "承办单位", "没有该承办单位"),
    ("a bad role", row(承办方式="牵头"), "承办方式", "主办"),
    ("a unit without a date", row(交办日期=""), "交办日期", "必须填写"),
    ("a bad date", row(交办日期="2022-13-01"), "交办日期", "日期格式"),
    ("a reply before the assignment", row(答复日期="2022-01-10"), "答复日期", "不能早于交办日期"),
    ("an unknown reply category", row(答复分类="E"), "答复分类", "答复分类"),
    ("a category without a date", row(答复日期=""), "答复日期", "须填写答复日期"),
    ("a date without a category", row(答复分类=""), "答复分类", "必须填写"),
    ("a promise without its date", row(答复分类="B"), "承诺完成时间", "承诺完成时间"),
    ("a bad commitment status", row(答复分类="B", 承诺完成时间="2022-12-31", 承诺落实情况="完成了"),
     "承诺落实情况", "已兑现"),
    ("a bad rating", row(评价="还行"), "评价", "满意"),
    ("a bad contact method", row(沟通方式="微信"), "沟通方式", "见面沟通"),
    ("a contact date without a method", row(沟通方式=""), "沟通方式", "沟通方式"),
    ("re-handling after a satisfied rating", row(重新办理答复日期="2022-04-01", 重新办理答复分类="A"),
     "重新办理答复日期", "不满意"),
    ("a second reply before the first", row(评价="不满意", 重新办理答复日期="2022-02-01",
                                            重新办理答复分类="A"), "重新办理答复日期", "不能早于"),
    ("a second rating without a second reply", row(重新办理后评价="满意"), "重新办理后评价",
     "重新办理答复日期"),
    ("an assisting unit replying", row(承办方式="协办"), "答复分类", "协办单位"),
    ("a reply without a unit", row(承办单位="", 承办方式="", 交办日期=""), "答复日期",
     "未填写承办单位"),
]

# Rows that are each fine but not together: (what, rows, the row and column reported, reason)
SUGGESTION_ERRORS = [
    ("two titles for one number", [row(), row(承办单位="平房区卫生健康局", 承办方式="协办",
                                              答复分类="", 评价="", 标题="另一个标题")],
     3, "标题", "不一致"),
    ("one unit twice", [row(), row()], 3, "承办单位", "重复"),
    ("two lead units", [row(), row(承办单位="平房区卫生健康局")], 3, "承办方式", "一个主办"),
    ("assisting without a lead", [row(承办方式="协办", 答复日期="", 答复分类="", 评价="")], 2,
     "承办方式", "须有主办单位"),
    ("lead beside separate", [row(), row(承办单位="平房区卫生健康局", 承办方式="分办")], 3,
     "承办方式", "主办和分办"),
]


class TestErrors(LedgerTestCase):
    def assert_refused(self, result, row_number: int, column: str, reason: str) -> None:
        self.assertFalse(result.ok)
        self.assertTrue(any(e.row == row_number and e.column == column and reason in e.message
                            for e in result.errors), result.errors)
        self.assertEqual(Suggestion.objects.count(), 0)

    def test_every_kind_of_bad_cell(self):
        for what, cells, column, reason in ROW_ERRORS:
            with self.subTest(what):
                # The bad row comes after a good one: nothing at all is written.
                good = interim("9", 标题="关于路灯的建议")
                self.assert_refused(self.load([good, cells]), 3, column, reason)

    def test_rows_that_disagree(self):
        for what, rows, row_number, column, reason in SUGGESTION_ERRORS:
            with self.subTest(what):
                self.assert_refused(self.load(rows), row_number, column, reason)

    def test_a_suggestion_in_the_system_that_the_ledger_contradicts(self):
        self.load([row()])
        result = self.load([row(标题="关于另一件事的建议")])
        self.assertFalse(result.ok)
        error = result.errors[0]
        self.assertEqual((error.row, error.column), (2, "标题"))
        self.assertIn("系统中已有该编号的建议（2022大会建议第1号）", error.message)
        self.assertEqual(Suggestion.objects.count(), 1)

    def test_files_that_are_no_ledger(self):
        not_excel = SimpleUploadedFile("台账.xlsx", b"number,title\n1,x\n")
        cases = [
            ("not Excel", not_excel, 0, "", "Excel"),
            ("a .xls name", ledger(TERM, name="台账.xls"), 0, "", ".xlsx"),
            ("no rows", ledger([]), 0, "", "没有数据行"),
            ("an unknown header", ledger(TERM, headers=(*HEADERS, "备注")), 1, "备注", "无法识别"),
            ("a missing column", ledger(TERM, headers=HEADERS[1:]), 1, "编号", "缺少必需的列"),
        ]
        for what, file, row_number, column, reason in cases:
            with self.subTest(what):
                result = ledger_import(actor=self.office, congress=self.congress, file=file)
                self.assert_refused(result, row_number, column, reason)


class TestCommand(LedgerTestCase):
    def setUp(self):
        import tempfile
        from pathlib import Path

        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "台账.xlsx"
        self.path.write_bytes(ledger(TERM).read())

    def tearDown(self):
        self.folder.cleanup()

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("import_suggestion_ledger", "平房区人大", str(self.path), "--user", "office",
                     *args, stdout=out)
        return out.getvalue()

    def test_it_is_a_dry_run_unless_told(self):
        output = self.run_command()
        self.assertIn("新增建议 7 件", output)
        self.assertIn("试运行", output)
        self.assertEqual(Suggestion.objects.count(), 0)
        self.run_command("--commit")
        self.assertEqual(Suggestion.objects.count(), 7)
        self.assertIn("系统中已有 7 件", self.run_command("--commit"))
        self.assertEqual(Suggestion.objects.count(), 7)

    def test_it_prints_the_errors(self):
        self.path.write_bytes(ledger([row(领衔代表="张三")]).read())
        out = StringIO()
        with self.assertRaises(CommandError):
            call_command("import_suggestion_ledger", "平房区人大", str(self.path), "--user",
                         "office", "--commit", stdout=out)
        self.assertIn("第 2 行［领衔代表］：本届代表中没有“张三”", out.getvalue())

    def test_it_needs_the_right(self):
        with self.assertRaises(CommandError):
            call_command("import_suggestion_ledger", "平房区人大", str(self.path), "--user",
                         "handler", stdout=StringIO())


class TestPage(LedgerTestCase):
    url = reverse("suggestions:ledger_import")

    def test_the_office_uploads_previews_and_confirms(self):
        self.client.force_login(self.office)
        self.assertContains(self.client.get(self.url), "代表建议台账模板")
        response = self.client.post(self.url, {"file": ledger(TERM)})
        self.assertContains(response, "新增建议 7 件")
        token = response.context["token"]
        self.assertEqual(Suggestion.objects.count(), 0)
        response = self.client.post(reverse("suggestions:ledger_import_confirm"), {"token": token})
        self.assertRedirects(response, f"{reverse('suggestions:stats')}?congress={self.congress.pk}",
                             fetch_redirect_response=False)
        self.assertEqual(Suggestion.objects.count(), 7)

    def test_errors_are_listed_row_by_row(self):
        self.client.force_login(self.office)
        response = self.client.post(self.url, {"file": ledger([row(), row(领衔代表="张三")])})
        self.assertContains(response, "本届代表中没有“张三”")
        self.assertContains(response, "<td class=\"num\">3</td>", html=False)
        self.assertEqual(response.context["token"], "")

    def test_the_template_download(self):
        self.client.force_login(self.office)
        response = self.client.get(reverse("suggestions:ledger_template"))
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def test_others_may_not(self):
        for user in (self.world.users["unit_handler"], self.world.users["deputy"]):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
