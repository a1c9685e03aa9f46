import io

import openpyxl
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.accounts.models import User
from renda.directory.models import Deputy, Station
from renda.directory.testing import build_world
from renda.directory.tests.test_roster import DEPUTY_HEADERS, deputy_rows, xlsx

BACKEND = "django.contrib.auth.backends.ModelBackend"
RENDA_APPS = {"core", "accounts", "directory"}


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def form_data(response) -> dict:
    """The POST body a browser would send back for an unchanged admin change form."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(
                value, list | tuple) else ("on" if value is True else str(value))
    return data


READ_ONLY_LOGS = {"core.Event", "core.Notification", "core.VerificationCode"}


class AdminTestCase(TestCase):
    def setUp(self):
        self.world = build_world()
        self.superuser = User.objects.create_superuser("root", "root@example.com", "x")
        self.office = self.world.users["office_staff"]
        self.office.is_staff = True
        self.office.save()

    def login(self, user):
        self.client.force_login(user, backend=BACKEND)


class ChangelistTest(AdminTestCase):
    def test_every_changelist_loads_for_a_superuser(self):
        self.login(self.superuser)
        for model in admin.site._registry:
            with self.subTest(model=model.__name__):
                response = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(response.status_code, 200)

    def test_every_add_and_change_page_loads_for_a_superuser(self):
        self.login(self.superuser)
        ours = [m for m in admin.site._registry if m._meta.app_label in RENDA_APPS]
        self.assertGreaterEqual(len(ours), 19)
        for model in ours:
            with self.subTest(model=model.__name__):
                # Logs written only by services (the action log, notifications, verification
                # codes) have no add page, for anyone.
                add_status = 403 if model._meta.label in READ_ONLY_LOGS else 200
                self.assertEqual(self.client.get(admin_url(model, "add")).status_code, add_status)
                obj = model._default_manager.first()
                if obj is not None:
                    response = self.client.get(admin_url(model, "change", obj.pk))
                    self.assertEqual(response.status_code, 200)
                    history = self.client.get(admin_url(model, "history", obj.pk))
                    self.assertEqual(history.status_code, 200)

    def test_list_queries_do_not_grow_with_rows(self):
        self.login(self.superuser)
        for model, url in [(Deputy, admin_url(Deputy, "changelist")),
                           (Station, admin_url(Station, "changelist"))]:
            with self.subTest(model=model.__name__):
                before = self.count_queries(url)
                self.add_rows(model)
                self.assertEqual(self.count_queries(url), before)

    def count_queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def add_rows(self, model) -> None:
        station = self.world.stations["xingjian"]
        for n in range(5):
            if model is Deputy:
                deputy = Deputy.objects.create(name=f"新代表{n}")
                deputy.mandates.create(term=self.world.terms["pingfang"],
                                       start_date=station.created_at.date())
            else:
                Station.objects.create(code=f"PF-N-{n}", name=f"新站{n}", kind="point",
                                       area=station.area, congress=station.congress)


class ScopingTest(AdminTestCase):
    def test_office_staff_sees_only_their_district(self):
        self.login(self.office)
        response = self.client.get(admin_url(Station, "changelist"))
        self.assertContains(response, "兴建街道人大代表联络站")
        self.assertContains(response, "友协街道人大代表联络站")
        self.assertNotContains(response, "松北街道人大代表之家")

    def test_office_staff_cannot_open_another_districts_station(self):
        self.login(self.office)
        songbei = self.world.stations["songbei"]
        for action in ["change", "history", "delete"]:
            with self.subTest(action=action):
                response = self.client.get(admin_url(Station, action, songbei.pk))
                self.assertIn(response.status_code, (302, 403, 404))
                self.assertNotContains(response, "松北街道人大代表之家", status_code=
                                       response.status_code)

    def test_office_staff_cannot_pick_another_districts_area(self):
        self.login(self.office)
        response = self.client.get(reverse("admin:autocomplete"), {
            "app_label": "directory", "model_name": "station", "field_name": "area",
            "term": "街道"})
        names = {r["text"] for r in response.json()["results"]}
        self.assertEqual(names, {"兴建街道", "友协街道"})

    def test_office_staff_cannot_save_a_station_into_another_district(self):
        self.login(self.office)
        data = form_data(self.client.get(admin_url(Station, "add")))
        data.update(code="PF-X-99", name="越界联络站", kind="station",
                    area=self.world.areas["songbei_street"].pk,
                    congress=self.world.congresses["pingfang"].pk)
        response = self.client.post(admin_url(Station, "add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("area", response.context["adminform"].form.errors)
        self.assertFalse(Station.objects.filter(code="PF-X-99").exists())

    def test_a_deputy_saved_outside_every_scope_is_refused(self):
        self.login(self.office)
        data = form_data(self.client.get(admin_url(Deputy, "add")))
        data.update(name="无归属代表", gender="male")
        response = self.client.post(admin_url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Deputy.objects.filter(name="无归属代表").exists())
        # With a mandate in 平房区's term, the same deputy falls within the office's scope.
        data.update({"mandates-TOTAL_FORMS": "1", "mandates-0-term": self.world.terms["pingfang"].pk,
                     "mandates-0-start_date": "2024-01-05", "mandates-0-status": "active"})
        self.assertEqual(self.client.post(admin_url(Deputy, "add"), data).status_code, 302)
        self.assertTrue(Deputy.objects.filter(name="无归属代表").exists())

    def test_the_outsider_sees_only_songbei(self):
        outsider = self.world.outsider
        outsider.is_staff = True
        outsider.save()
        self.login(outsider)
        response = self.client.get(admin_url(Deputy, "changelist"))
        self.assertContains(response, "孙丽华")
        self.assertNotContains(response, "王建国")

    def test_office_staff_cannot_manage_accounts(self):
        self.login(self.office)
        self.assertEqual(self.client.get(admin_url(User, "changelist")).status_code, 403)
        index = self.client.get(reverse("admin:index"))
        self.assertContains(index, admin_url(Station, "changelist"))
        self.assertNotContains(index, admin_url(User, "changelist"))

    def test_a_user_without_roles_sees_nothing(self):
        user = User.objects.create_user("bare", password="x", is_staff=True)
        self.login(user)
        self.assertEqual(self.client.get(admin_url(Station, "changelist")).status_code, 403)

    def test_office_staff_edits_a_deputy(self):
        self.login(self.office)
        wang = self.world.deputies["wang"]
        data = form_data(self.client.get(admin_url(Deputy, "change", wang.pk)))
        data["occupation"] = "平房区某街道办事处主任"
        response = self.client.post(admin_url(Deputy, "change", wang.pk), data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None)
                         and response.context["adminform"].form.errors)
        wang.refresh_from_db()
        self.assertEqual(wang.occupation, "平房区某街道办事处主任")
        self.assertEqual(wang.history.latest().history_user, self.office)
        # 王建国's city mandate lies outside 平房区: not shown, and left alone on save.
        self.assertEqual(wang.mandates.count(), 2)


class PrivateFieldsTest(AdminTestCase):
    def test_private_fields_show_only_with_the_permission_and_are_logged(self):
        wang = self.world.deputies["wang"]
        self.login(self.office)
        with self.assertLogs("renda.directory.admin", "INFO") as logs:
            response = self.client.get(admin_url(Deputy, "change", wang.pk))
        self.assertContains(response, wang.mobile)
        self.assertIn(f"deputy={wang.pk}", logs.output[0])
        self.assertIn(f"user={self.office.pk}", logs.output[0])

        evaluator = self.world.users["evaluator"]
        evaluator.is_staff = True
        evaluator.save()
        self.login(evaluator)
        response = self.client.get(admin_url(Deputy, "change", wang.pk))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, wang.mobile)
        self.assertNotContains(response, wang.id_number)
        self.assertNotIn("mobile", response.context["adminform"].form.fields)

    def test_history_hides_private_changes_without_the_permission(self):
        wang = self.world.deputies["wang"]
        wang.mobile = "13912345678"
        wang.save()
        evaluator = self.world.users["evaluator"]
        evaluator.is_staff = True
        evaluator.save()
        self.login(evaluator)
        response = self.client.get(admin_url(Deputy, "history", wang.pk))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "13912345678")
        self.login(self.office)
        self.assertContains(self.client.get(admin_url(Deputy, "history", wang.pk)),
                            "13912345678")

    def test_search_by_full_mobile_only_with_the_permission(self):
        wang = self.world.deputies["wang"]
        self.login(self.office)
        response = self.client.get(admin_url(Deputy, "changelist"), {"q": wang.mobile})
        self.assertContains(response, "王建国")
        evaluator = self.world.users["evaluator"]
        evaluator.is_staff = True
        evaluator.save()
        self.login(evaluator)
        response = self.client.get(admin_url(Deputy, "changelist"), {"q": wang.mobile})
        self.assertNotContains(response, "王建国")


class HistoryTest(AdminTestCase):
    def test_history_page_shows_a_change_made_in_the_admin(self):
        self.login(self.superuser)
        li = self.world.deputies["li"]
        data = form_data(self.client.get(admin_url(Deputy, "change", li.pk)))
        data["occupation"] = "平房区第一中学校长"
        response = self.client.post(admin_url(Deputy, "change", li.pk), data)
        self.assertEqual(response.status_code, 302)
        history = self.client.get(admin_url(Deputy, "history", li.pk))
        self.assertContains(history, "平房区第一中学校长")
        self.assertContains(history, "root")


class RosterAdminTest(AdminTestCase):
    def import_url(self) -> str:
        return reverse("admin:directory_deputy_roster_import")

    def test_changelist_offers_import_and_export(self):
        self.login(self.office)
        response = self.client.get(admin_url(Deputy, "changelist"))
        self.assertContains(response, self.import_url())
        self.assertContains(response, reverse("admin:directory_deputy_roster_export"))

    def test_a_bad_file_is_reported_row_by_row(self):
        self.login(self.office)
        rows = deputy_rows()
        rows[1][7] = "230108198205090021"
        response = self.client.post(self.import_url(), {
            "target": self.world.terms["pingfang"].pk, "file": xlsx(DEPUTY_HEADERS, rows)})
        self.assertContains(response, "第 3 行")
        self.assertContains(response, "身份证号码校验位不正确")
        self.assertNotContains(response, "确认导入")
        self.assertFalse(Deputy.objects.filter(name="张卫东").exists())

    def test_a_good_file_is_previewed_then_imported(self):
        self.login(self.office)
        response = self.client.post(self.import_url(), {
            "target": self.world.terms["pingfang"].pk, "file": xlsx(DEPUTY_HEADERS, deputy_rows())})
        self.assertContains(response, "将新增 3 条")
        self.assertFalse(Deputy.objects.filter(name="张卫东").exists())
        response = self.client.post(reverse("admin:directory_deputy_roster_confirm"),
                                    {"token": response.context["token"]})
        self.assertRedirects(response, admin_url(Deputy, "changelist"))
        self.assertEqual(Deputy.objects.get(name="张卫东").history.latest().history_user,
                         self.office)

    def test_a_non_xlsx_upload_is_refused(self):
        self.login(self.office)
        response = self.client.post(self.import_url(), {
            "target": self.world.terms["pingfang"].pk,
            "file": SimpleUploadedFile("名册.xls", b"\xd0\xcf\x11\xe0 old excel")})
        self.assertContains(response, "只能上传 .xlsx 格式的 Excel 文件")

    def test_another_districts_term_cannot_be_chosen(self):
        self.login(self.office)
        response = self.client.post(self.import_url(), {
            "target": self.world.terms["songbei"].pk, "file": xlsx(DEPUTY_HEADERS, deputy_rows())})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["target"])

    def test_template_and_export_download(self):
        self.login(self.office)
        response = self.client.get(reverse("admin:directory_station_roster_template"))
        self.assertEqual(response["Content-Type"].split(";")[0],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response = self.client.get(reverse("admin:directory_station_roster_export"),
                                   {"target": self.world.congresses["pingfang"].pk})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual({row[0] for row in sheet.iter_rows(min_row=2, values_only=True)},
                         {"PF-XJ-01", "PF-YX-01"})

    def test_station_staff_may_not_import_or_export(self):
        staff = self.world.users["station_staff"]
        staff.is_staff = True
        staff.save()
        self.login(staff)
        self.assertEqual(self.client.get(self.import_url()).status_code, 403)
        response = self.client.get(reverse("admin:directory_deputy_roster_export"))
        self.assertEqual(response.status_code, 403)
