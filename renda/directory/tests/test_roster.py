import io
from unittest import mock

import openpyxl
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from renda.directory.models import (
    Deputy,
    GroupMembership,
    Mandate,
    Station,
    StationAssignment,
)
from renda.directory.roster import (
    MAX_UPLOAD_BYTES,
    id_number_problem,
    roster_export_deputies,
    roster_export_stations,
    roster_import_deputies,
    roster_import_stations,
    roster_template,
)
from renda.directory.roster.common import ID_CHECK_DIGITS, ID_WEIGHTS
from renda.directory.testing import build_world

DEPUTY_HEADERS = ["姓名", "性别", "民族", "出生年份", "政治面貌", "工作单位及职务", "手机号码",
                  "身份证号码", "选区", "联络站编码", "代表小组"]
STATION_HEADERS = ["编码", "名称", "类型", "所在区划代码", "地址", "纬度", "经度", "服务热线",
                   "开放时间", "上级编码"]


def id_number(body: str) -> str:
    """A valid 18-character ID number from its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK_DIGITS[total % 11]


def xlsx(headers: list[str], rows: list[list], name: str = "名册.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def deputy_rows() -> list[list]:
    return [
        ["张卫东", "男", "汉族", 1975, "中共党员", "兴建街道某社区书记", "13904510001",
         id_number("23010819750312001"), "第一选区", "PF-XJ-01", "教育专业代表小组"],
        ["刘红梅", "女", "满族", None, "群众", "平房区某小学教师", "13904510002",
         id_number("23010819820509002"), "1", "PF-XJ-01、PF-YX-01", ""],
        ["陈国强", "男", "汉族", 1968, "", "某企业职工", "13904510003", "", "", "PF-YX-01", ""],
    ]


class RosterTestCase(TestCase):
    def setUp(self):
        self.world = build_world()
        self.office = self.world.users["office_staff"]
        self.congress = self.world.congresses["pingfang"]
        self.term = self.world.terms["pingfang"]

    def import_deputies(self, file, **kwargs):
        return roster_import_deputies(actor=self.office, congress=self.congress, term=self.term,
                                      file=file, **kwargs)

    def import_stations(self, file, **kwargs):
        return roster_import_stations(actor=self.office, congress=self.congress, file=file,
                                      **kwargs)


class DeputyImportTest(RosterTestCase):
    def test_it_imports_good_rows(self):
        before = Deputy.objects.count()
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()))
        self.assertEqual(result.errors, [])
        self.assertEqual((result.total, result.created, result.updated), (3, 3, 0))
        self.assertEqual(Deputy.objects.count(), before + 3)
        liu = Deputy.objects.get(name="刘红梅")
        self.assertEqual(liu.birth_year, 1982)  # taken from the ID number
        self.assertEqual(liu.gender, Deputy.Gender.FEMALE)
        self.assertEqual(Mandate.objects.get(deputy=liu, term=self.term).constituency.number, 1)
        self.assertEqual(StationAssignment.objects.filter(deputy=liu).count(), 2)
        zhang = Deputy.objects.get(name="张卫东")
        self.assertTrue(GroupMembership.objects.filter(deputy=zhang).exists())

    def test_it_records_the_actor_in_history(self):
        self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()))
        record = Deputy.objects.get(name="张卫东").history.latest()
        self.assertEqual(record.history_user, self.office)
        self.assertEqual(record.history_change_reason, "名册导入")

    def test_one_bad_row_changes_nothing(self):
        rows = deputy_rows()
        rows[1][7] = rows[1][7][:-1] + ("0" if rows[1][7][-1] != "0" else "1")
        counts = (Deputy.objects.count(), Mandate.objects.count(),
                  StationAssignment.objects.count())
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, rows))
        self.assertFalse(result.ok)
        self.assertEqual([(e.row, e.column) for e in result.errors], [(3, "身份证号码")])
        self.assertIn("校验位", result.errors[0].message)
        self.assertEqual((Deputy.objects.count(), Mandate.objects.count(),
                          StationAssignment.objects.count()), counts)

    def test_it_reports_every_bad_row(self):
        rows = deputy_rows()
        rows[0][6] = "12345"
        rows[0][1] = "未知"
        rows[2][9] = "SB-SB-01"  # another congress's station
        rows.append(["", "男", "", "", "", "", "", "", "", "", ""])
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, rows))
        found = {(e.row, e.column) for e in result.errors}
        self.assertTrue({(2, "手机号码"), (2, "性别"), (4, "联络站编码"), (5, "姓名")} <= found)
        self.assertFalse(Deputy.objects.filter(name="张卫东").exists())

    def test_it_refuses_duplicate_rows(self):
        rows = deputy_rows()
        rows.append(list(rows[0]))
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, rows))
        self.assertEqual([(e.row, e.column) for e in result.errors], [(5, "身份证号码")])
        self.assertIn("第 2 行", result.errors[0].message)

    def test_reimport_updates_instead_of_duplicating(self):
        self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()))
        count = Deputy.objects.count()
        rows = deputy_rows()
        rows[0][5] = "兴建街道党工委书记"
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, rows))
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 1, 2))
        self.assertEqual(Deputy.objects.count(), count)
        self.assertEqual(Deputy.objects.get(name="张卫东").occupation, "兴建街道党工委书记")

    def test_it_matches_by_name_and_mobile_without_id_number(self):
        self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()))
        rows = [deputy_rows()[2]]
        rows[0][2] = "回族"
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, rows))
        self.assertEqual(result.updated, 1)
        self.assertEqual(Deputy.objects.get(name="陈国强").ethnicity, "回族")

    def test_dry_run_writes_nothing(self):
        count = Deputy.objects.count()
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()), dry_run=True)
        self.assertEqual((result.ok, result.created, result.applied), (True, 3, False))
        self.assertEqual(Deputy.objects.count(), count)

    def test_it_checks_the_permission(self):
        with self.assertRaises(PermissionDenied):
            roster_import_deputies(actor=self.world.outsider, congress=self.congress,
                                   term=self.term, file=xlsx(DEPUTY_HEADERS, deputy_rows()))
        with self.assertRaises(PermissionDenied):
            roster_import_deputies(actor=self.world.users["station_staff"],
                                   congress=self.congress, term=self.term,
                                   file=xlsx(DEPUTY_HEADERS, deputy_rows()))

    def test_it_names_missing_and_unknown_columns(self):
        result = self.import_deputies(xlsx(["名字", "性别"], [["张三", "男"]]))
        self.assertEqual({(e.row, e.column) for e in result.errors}, {(1, "名字"), (1, "姓名")})


class UploadCheckTest(RosterTestCase):
    def test_it_refuses_a_non_xlsx_name(self):
        result = self.import_deputies(SimpleUploadedFile("名册.csv", "姓名,性别\n张三,男\n".encode()))
        self.assertEqual(len(result.errors), 1)
        self.assertEqual(result.errors[0].row, 0)
        self.assertIn(".xlsx", result.errors[0].message)

    def test_it_sniffs_the_content(self):
        result = self.import_deputies(SimpleUploadedFile("名册.xlsx", b"%PDF-1.7 not a sheet"))
        self.assertIn("不是 Excel 表格", result.errors[0].message)

    def test_it_refuses_a_big_file(self):
        result = self.import_deputies(SimpleUploadedFile("名册.xlsx", b"0" * (MAX_UPLOAD_BYTES + 1)))
        self.assertIn("5 MB", result.errors[0].message)

    def test_it_refuses_too_many_rows(self):
        with mock.patch("renda.directory.roster.common.MAX_ROWS", 2):
            result = self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()))
        self.assertEqual([e.row for e in result.errors], [0])
        self.assertIn("超过 2 行", result.errors[0].message)

    def test_it_refuses_an_empty_sheet(self):
        result = self.import_deputies(xlsx(DEPUTY_HEADERS, []))
        self.assertIn("没有数据", result.errors[0].message)


class IdNumberTest(TestCase):
    def test_it_checks_gb11643(self):
        self.assertIsNone(id_number_problem("11010519491231002X"))
        self.assertIsNotNone(id_number_problem("110105194912310021"))
        self.assertIsNotNone(id_number_problem("110105194913310029"))  # month 13
        self.assertIsNotNone(id_number_problem("11010519491231002"))


class StationImportTest(RosterTestCase):
    def rows(self) -> list[list]:
        return [
            ["PF-XJ-02", "兴建街道第二联络站", "代表联络站", "230108001000", "兴建路 20 号",
             "45.6051", "126.6372", "0451-86801111", "周一至周五", "PF-XJ-HOME"],
            ["PF-XJ-HOME", "兴建社区代表之家", "代表之家", "230108001000", "", "", "", "", "",
             "PF-XJ-01"],
        ]

    def test_it_imports_stations_and_their_tree(self):
        result = self.import_stations(xlsx(STATION_HEADERS, self.rows()))
        self.assertEqual(result.errors, [])
        self.assertEqual(result.created, 2)
        station = Station.objects.get(code="PF-XJ-02")
        self.assertEqual(station.parent.code, "PF-XJ-HOME")
        self.assertEqual(station.parent.parent, self.world.stations["xingjian"])
        self.assertTrue(station.path.startswith(self.world.stations["xingjian"].path))
        self.assertEqual(str(station.latitude), "45.605100")
        self.assertEqual(station.history.latest().history_user, self.office)

    def test_reimport_updates_by_code(self):
        self.import_stations(xlsx(STATION_HEADERS, self.rows()))
        rows = self.rows()
        rows[0][1] = "兴建街道第二人大代表联络站"
        result = self.import_stations(xlsx(STATION_HEADERS, rows))
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 1, 1))
        self.assertEqual(Station.objects.get(code="PF-XJ-02").name, "兴建街道第二人大代表联络站")

    def test_it_validates_every_column(self):
        rows = self.rows()
        rows[0][0] = "PF XJ 02!"
        rows[1][3] = "230109001000"  # 松北: outside the congress's area
        rows[1][5] = "95"
        rows.append(["SB-SB-01", "抢占松北编码", "代表之家", "230108001000", "", "", "", "", "",
                     ""])
        rows.append(["PF-NEW", "新站", "驿站", "999", "", "45", "", "", "", "PF-NEW"])
        result = self.import_stations(xlsx(STATION_HEADERS, rows))
        found = {(e.row, e.column) for e in result.errors}
        expected = {(2, "编码"), (3, "所在区划代码"), (3, "纬度"), (3, "经度"), (4, "编码"),
                    (5, "类型"), (5, "所在区划代码"), (5, "经度"), (5, "上级编码")}
        self.assertEqual(found, expected)
        self.assertFalse(Station.objects.filter(code="PF-XJ-HOME").exists())

    def test_it_refuses_a_cycle(self):
        rows = self.rows()
        rows[1][9] = "PF-XJ-02"
        result = self.import_stations(xlsx(STATION_HEADERS, rows))
        self.assertIn("循环", result.errors[0].message)

    def test_the_outsider_may_not_place_stations_in_pingfang(self):
        with self.assertRaises(PermissionDenied):
            roster_import_stations(actor=self.world.outsider, congress=self.congress,
                                   file=xlsx(STATION_HEADERS, self.rows()))


class ExportTest(RosterTestCase):
    def sheet(self, data: bytes) -> list[list]:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]

    def test_deputy_export_round_trips(self):
        self.import_deputies(xlsx(DEPUTY_HEADERS, deputy_rows()))
        for index, deputy in enumerate(Deputy.objects.filter(name__in=["王建国", "李秀英",
                                                                       "赵志强"])):
            deputy.id_number = id_number(f"23010819800101{index}01")  # odd: male
            deputy.birth_year = 1980  # else the import fills it in from the ID number
            deputy.save()
        data = roster_export_deputies(actor=self.office, term=self.term)
        rows = self.sheet(data)
        self.assertEqual(rows[0], DEPUTY_HEADERS)
        self.assertEqual(len(rows), 1 + 3 + 3)  # three built, three imported; 松北's not
        count = Deputy.objects.count()
        result = self.import_deputies(SimpleUploadedFile("导出.xlsx", data))
        self.assertEqual(result.errors, [])
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 0, 6))
        self.assertEqual(Deputy.objects.count(), count)

    def test_private_columns_for_office_staff(self):
        rows = self.sheet(roster_export_deputies(actor=self.office, term=self.term))
        self.assertIn(self.world.deputies["wang"].mobile, {row[6] for row in rows})

    def test_private_columns_need_the_permission(self):
        rows = self.sheet(roster_export_deputies(actor=self.world.users["evaluator"],
                                                 term=self.term))
        self.assertNotIn("手机号码", rows[0])
        self.assertNotIn("身份证号码", rows[0])
        text = repr(rows)
        self.assertNotIn(self.world.deputies["wang"].mobile, text)

    def test_export_is_scoped(self):
        with self.assertRaises(PermissionDenied):
            roster_export_deputies(actor=self.world.outsider, term=self.term)
        with self.assertRaises(PermissionDenied):
            roster_export_deputies(actor=self.world.users["deputy"], term=self.term)

    def test_station_export_round_trips(self):
        data = roster_export_stations(actor=self.office, congress=self.congress)
        rows = self.sheet(data)
        self.assertEqual(rows[0], STATION_HEADERS)
        self.assertEqual({r[0] for r in rows[1:]}, {"PF-XJ-01", "PF-YX-01"})
        result = self.import_stations(SimpleUploadedFile("导出.xlsx", data))
        self.assertEqual(result.errors, [])
        self.assertEqual(result.unchanged, 2)

    def test_the_template_has_headers_and_instructions(self):
        workbook = openpyxl.load_workbook(io.BytesIO(roster_template(kind="deputies")))
        self.assertEqual(len(workbook.worksheets), 2)
        self.assertEqual([c.value for c in workbook.worksheets[0][1]], DEPUTY_HEADERS)

    def test_text_is_never_written_as_a_formula(self):
        station = self.world.stations["xingjian"]
        station.opening_hours = "=HYPERLINK(\"http://evil\")"
        station.save()
        data = roster_export_stations(actor=self.office, congress=self.congress)
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        cells = [c for row in workbook.worksheets[0].iter_rows() for c in row
                 if c.value == station.opening_hours]
        self.assertEqual([c.data_type for c in cells], ["s"])
