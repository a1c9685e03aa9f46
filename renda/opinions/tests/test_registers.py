"""A station's registers: the congress's list of registers, the rows of each (masked), the
page per persona, and the Excel export read back with openpyxl (and logged)."""

import datetime
import io
from unittest import mock

import openpyxl
from django.urls import reverse

from renda.accounts.models import User
from renda.core.models import Event
from renda.directory.models import CongressSetting
from renda.opinions import registers, services
from renda.opinions.models import Opinion
from renda.opinions.stats import Period
from renda.opinions.tests.test_stats import NOVEMBER, StatsTestCase, at

PAGE = reverse("opinions:registers")
EXPORT = reverse("opinions:registers_export")
NOW = "2026-11-25 12:00"
NOVEMBER_QUERY = {"period": "month", "year": 2026, "month": 11}
R = Opinion.Rating


class RegistersTestCase(StatsTestCase):
    """兴建 station's November: one item still waiting, one answered on the spot, one declined,
    one signed for late and overdue, one closed and solved, one reopened after a dissatisfied
    rating; and one item of 友协 station."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waiting, _ = cls.received("2026-11-02 09:00")
        cls.spot, _ = cls.received("2026-11-03 09:00")
        cls.triage(cls.spot, "2026-11-03 10:00")
        cls.declined, _ = cls.received("2026-11-04 09:00")
        with at("2026-11-04 10:00"):
            services.opinion_triage(actor=cls.office, opinion_id=cls.declined.pk,
                                    outcome="decline", reason=Opinion.DeclineReason.DUPLICATE)
        cls.late, _ = cls.received("2026-11-05 09:00")
        cls.transfer(cls.late, "2026-11-05 10:00")  # help: 10 working days, to Thursday 19th
        cls.accept(cls.late, "2026-11-09 10:00")
        cls.closed, secret = cls.received("2026-11-06 09:00")
        cls.transfer(cls.closed, "2026-11-06 10:00")
        cls.accept(cls.closed, "2026-11-06 11:00")
        cls.conclude(cls.closed, secret, "2026-11-10 10:00", R.SATISFIED, True)
        cls.reopened, secret = cls.received("2026-11-09 09:00")
        cls.transfer(cls.reopened, "2026-11-09 10:00")
        cls.accept(cls.reopened, "2026-11-09 11:00")
        cls.conclude(cls.reopened, secret, "2026-11-11 10:00", R.DISSATISFIED, False)
        with at("2026-11-12 10:00"):
            services.opinion_reopen(tracking_number=cls.reopened.tracking_number, secret=secret,
                                    reason="还是没修好")
        cls.elsewhere, _ = cls.received("2026-11-10 09:00", station="youxie", deputy="zhao")
        cls.station = cls.world.stations["xingjian"]
        cls.staff = cls.world.users["station_staff"]

    def rows(self, code: str, user: User | None = None) -> list[dict[str, str]]:
        register = next(r for r in registers.registers_of(congress=self.station.congress)
                        if r.code == code)
        with at(NOW):
            items = registers.register_items(user=user or self.staff, station=self.station,
                                             period=NOVEMBER)
            facts = registers.register_facts(congress=self.station.congress)
            return [dict(zip(register.headers,
                             [registers.screen_value(v) for v in register.row(n, item, facts)],
                             strict=True))
                    for n, item in enumerate(items, start=1)]


class TestRegisterList(RegistersTestCase):
    def test_the_default_is_the_three_registers(self):
        found = registers.registers_of(congress=self.station.congress)
        self.assertEqual([(r.code, r.label) for r in found],
                         [("reception", "接待登记簿"), ("handling", "办理登记簿"),
                          ("feedback", "反馈登记簿")])

    def test_a_congress_chooses_its_registers_and_names(self):
        CongressSetting.objects.create(
            congress=self.station.congress, key="opinions.registers",
            effective_from=datetime.date(2026, 1, 1),
            value=[{"code": "feedback", "label": "回访登记"}, {"code": "roster", "label": "花名册"},
                   {"code": "reception", "label": "来访登记"}])
        found = registers.registers_of(congress=self.station.congress)
        self.assertEqual([(r.code, r.label) for r in found],
                         [("feedback", "回访登记"), ("reception", "来访登记")])


class TestRows(RegistersTestCase):
    def test_the_reception_register_lists_every_item_received_masked(self):
        rows = self.rows("reception")
        self.assertEqual([r["查询编号"] for r in rows],
                         [o.tracking_number for o in (self.waiting, self.spot, self.declined,
                                                      self.late, self.closed, self.reopened)])
        first = rows[0]
        self.assertEqual((first["序号"], first["受理时间"], first["渠道"], first["反映人"],
                          first["联系电话"], first["类型"], first["反映至代表"], first["处理方式"],
                          first["当前状态"]),
                         ("1", "2026-11-02 09:00", "扫联络站二维码", "张*", "139****0001", "求助",
                          "王建国", "待分办", "已受理"))
        self.assertEqual([r["处理方式"] for r in rows[1:]],
                         ["当场答复", "不予受理（重复反映）", "交办承办单位", "交办承办单位",
                          "交办承办单位"])
        for row in rows:
            self.assertNotIn("张三", row.values())
            self.assertNotIn("13904510001", row.values())

    def test_an_item_returned_by_the_unit_waits_for_triage_again(self):
        returned, _ = self.received("2026-11-12 09:00")
        self.transfer(returned, "2026-11-12 10:00")
        with at("2026-11-12 11:00"):
            services.opinion_return(actor=self.handler, opinion_id=returned.pk,
                                    reason="不属于本局职责")
        row = {r["查询编号"]: r for r in self.rows("handling")}[returned.tracking_number]
        self.assertEqual((row["分办结果"], row["承办单位"], row["交办时间"], row["是否超期"]),
                         ("退回后待分办", "", "", ""))

    def test_the_handling_register_tells_dates_and_overdue(self):
        rows = {r["查询编号"]: r for r in self.rows("handling")}
        late = rows[self.late.tracking_number]
        self.assertEqual((late["分办时间"], late["承办单位"], late["交办时间"], late["办理期限"],
                          late["签收时间"], late["答复时间"], late["是否超期"], late["延期"]),
                         ("2026-11-05 10:00", "平房区住房和城乡建设局", "2026-11-05 10:00",
                          "2026-11-19 23:59", "2026-11-09 10:00", "", "是", "否"))
        closed = rows[self.closed.tracking_number]
        self.assertEqual((closed["答复时间"], closed["是否超期"]), ("2026-11-10 10:00", "否"))
        reopened = rows[self.reopened.tracking_number]
        # Handled again from the 12th: the earlier reply does not end the new round.
        self.assertEqual((reopened["交办时间"], reopened["签收时间"], reopened["是否超期"]),
                         ("2026-11-12 10:00", "2026-11-09 11:00", "否"))
        spot = rows[self.spot.tracking_number]
        self.assertEqual((spot["分办结果"], spot["承办单位"], spot["是否超期"]),
                         ("当场答复", "", ""))

    def test_the_feedback_register_tells_ratings(self):
        rows = {r["查询编号"]: r for r in self.rows("feedback")}
        closed = rows[self.closed.tracking_number]
        self.assertEqual((closed["反馈时间"], closed["评价"], closed["问题是否解决"],
                          closed["评价时间"], closed["重新办理"]),
                         ("2026-11-10 10:00", "满意", "是", "2026-11-10 10:00", "否"))
        reopened = rows[self.reopened.tracking_number]
        self.assertEqual((reopened["评价"], reopened["问题是否解决"], reopened["重新办理"]),
                         ("", "", "是"))
        self.assertEqual(rows[self.waiting.tracking_number]["反馈时间"], "")

    def test_rows_follow_the_users_scope(self):
        handler = [r["查询编号"] for r in self.rows("reception", user=self.handler)]
        self.assertEqual(handler, [o.tracking_number for o in (self.late, self.closed,
                                                               self.reopened)])
        self.assertEqual(self.rows("reception", user=self.world.outsider), [])


class TestPage(RegistersTestCase):
    def get(self, user: User | None, url: str = PAGE, **params):
        if user is not None:
            self.client.force_login(user)
        with at(NOW):
            return self.client.get(url, {**NOVEMBER_QUERY, **params})

    def test_it_sends_anonymous_visitors_to_login(self):
        for url in (PAGE, EXPORT):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_the_station_sees_its_reception_register_first(self):
        response = self.get(self.staff)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["register"].code, "reception")
        self.assertContains(response, "兴建街道人大代表联络站")
        self.assertContains(response, self.waiting.tracking_number)
        self.assertNotContains(response, self.elsewhere.tracking_number)
        self.assertContains(response, "张*")
        self.assertNotContains(response, "13904510001")
        self.assertContains(response, "共 6 件")
        # 接待日 on the first Tuesday (3 November) of 兴建.
        self.assertContains(response, "2026-11-03")

    def test_the_tabs_switch_registers(self):
        response = self.get(self.staff, register="feedback")
        self.assertEqual(response.context["register"].code, "feedback")
        self.assertContains(response, "问题是否解决")
        self.assertContains(response, 'aria-current="page">反馈登记簿', html=False)

    def test_pages_of_rows(self):
        with mock.patch("renda.opinions.report_views.REGISTER_PAGE_SIZE", 4):
            second = self.get(self.staff, page=2)
        self.assertEqual([pk for pk, _ in second.context["rows"]],
                         [self.closed.pk, self.reopened.pk])
        self.assertEqual(second.context["rows"][0][1][0], "5")

    def test_the_office_picks_any_station_of_its_congress(self):
        response = self.get(self.office, station="PF-YX-01")
        self.assertContains(response, self.elsewhere.tracking_number)
        self.assertNotContains(response, self.waiting.tracking_number)

    def test_stations_outside_the_scope_are_a_404(self):
        self.assertEqual(self.get(self.staff, station="PF-YX-01").status_code, 404)
        self.assertEqual(self.get(self.staff, EXPORT, station="PF-YX-01").status_code, 404)
        outsider = self.world.outsider
        self.assertEqual(self.get(outsider, station="PF-XJ-01").status_code, 404)
        self.assertEqual(self.get(outsider, EXPORT, station="PF-XJ-01").status_code, 404)
        response = self.get(outsider)
        self.assertContains(response, "松北街道人大代表之家")
        self.assertNotContains(response, "兴建")

    def test_roles_without_stations_see_a_notice(self):
        for user in (self.handler, self.world.users["deputy"]):
            response = self.get(user)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "您的范围内没有联络站")
            self.assertEqual(self.get(user, EXPORT).status_code, 404)

    def test_users_without_a_role_are_refused(self):
        nobody = User.objects.create_user(username="nobody")
        self.assertEqual(self.get(nobody).status_code, 403)
        self.assertEqual(self.get(nobody, EXPORT).status_code, 403)

    def test_bad_periods_answer_400(self):
        response = self.get(self.staff, period="custom", start="2026-11-30", end="2026-11-01")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.get(self.staff, EXPORT, period="custom").status_code, 400)


class TestExport(RegistersTestCase):
    def export(self, user: User, **params) -> openpyxl.Workbook:
        self.client.force_login(user)
        with at(NOW):
            response = self.client.get(EXPORT, {**NOVEMBER_QUERY, **params})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertIn("attachment", response["Content-Disposition"])
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def test_one_sheet_per_register_with_heading_widths_and_frozen_header(self):
        book = self.export(self.staff)
        self.assertEqual(book.sheetnames, ["接待登记簿", "办理登记簿", "反馈登记簿"])
        sheet = book["接待登记簿"]
        self.assertEqual(sheet["A1"].value, "兴建街道人大代表联络站　接待登记簿")
        self.assertIn("2026年11月", sheet["A2"].value)
        self.assertIn("2026-11-01 至 2026-11-30", sheet["A2"].value)
        self.assertIn("已脱敏", sheet["A2"].value)
        self.assertEqual([c.value for c in sheet[3]][:4], ["序号", "查询编号", "受理时间", "渠道"])
        self.assertEqual(sheet.freeze_panes, "A4")
        self.assertEqual(sheet.column_dimensions["H"].width, 36)  # the title
        self.assertEqual(sheet.max_row, 3 + 6)
        first = [c.value for c in sheet[4]]
        self.assertEqual(first[:6], [1, self.waiting.tracking_number,
                                     datetime.datetime(2026, 11, 2, 9, 0), "扫联络站二维码",
                                     "张*", "139****0001"])
        self.assertEqual(sheet["C4"].number_format, "yyyy-mm-dd hh:mm")
        handling = book["办理登记簿"]
        overdue = {row[1]: row[-1] for row in handling.iter_rows(min_row=4, values_only=True)}
        self.assertEqual(overdue[self.late.tracking_number], "是")

    def test_the_export_is_always_masked_and_never_a_formula(self):
        with at("2026-11-20 09:00"):
            services.opinion_submit(
                congress=self.station.congress, channel=Opinion.Channel.WEB,
                type_code="help", title="=HYPERLINK(\"http://evil\")", content="内容",
                citizen_name="欧阳娜娜", citizen_mobile="13800001111",
                addressed_station=self.station)
        book = self.export(self.office)  # the office may read full contacts on the item page
        values = [v for row in book["接待登记簿"].iter_rows(values_only=True) for v in row]
        self.assertIn("欧阳**", values)
        self.assertIn("138****1111", values)
        self.assertNotIn("13800001111", values)
        cell = next(c for row in book["接待登记簿"].iter_rows() for c in row
                    if c.value == "=HYPERLINK(\"http://evil\")")
        self.assertEqual(cell.data_type, "s")

    def test_the_export_is_logged_on_the_station(self):
        self.export(self.staff, period="custom", start="2026-11-01", end="2026-11-05")
        event = Event.objects.get(action=registers.EXPORT_ACTION)
        self.assertEqual(event.target, self.station)
        self.assertEqual(event.actor, self.staff)
        self.assertEqual(event.data, {"start": "2026-11-01", "end": "2026-11-05",
                                      "registers": ["reception", "handling", "feedback"],
                                      "rows": 4})

    def test_an_empty_period_gives_headings_only(self):
        book = self.export(self.staff, period="year", year=2025)
        self.assertEqual(book["反馈登记簿"].max_row, 3)
        self.assertIn("共 0 件", book["反馈登记簿"]["A2"].value)

    def test_workbook_period_label_for_a_quarter(self):
        with at(NOW):
            data = registers.registers_export(actor=self.staff, station=self.station,
                                              period=Period.quarter(2026, 4))
        sheet = openpyxl.load_workbook(io.BytesIO(data))["办理登记簿"]
        self.assertIn("2026年第4季度", sheet["A2"].value)
        self.assertEqual(sheet.max_row, 3 + 6)
