import datetime

from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.directory.models import Deputy, Mandate, StationAssignment
from renda.directory.templatetags.renda_assets import vendor_script, vendor_stylesheet
from renda.directory.testing import build_world

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


class PublicPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def get(self, url: str, **params):
        return self.client.get(url, params, **ZH)

    def names(self, response) -> set[str]:
        return {deputy.name for deputy in response.context["page_obj"].object_list}

    def test_it_renders_every_page_in_chinese(self):
        deputy = self.world.deputies["wang"]
        station = self.world.stations["xingjian"]
        for url in [
            "/",
            "/deputies/",
            f"/deputies/{deputy.pk}/",
            "/stations/",
            f"/stations/{station.code}/",
        ]:
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="zh-hans">')

    def test_it_keeps_the_stable_urls(self):
        deputy = self.world.deputies["wang"]
        self.assertEqual(reverse("directory:deputy_list"), "/deputies/")
        self.assertEqual(deputy.get_absolute_url(), f"/deputies/{deputy.pk}/")
        self.assertEqual(reverse("directory:station_list"), "/stations/")
        self.assertEqual(self.world.stations["xingjian"].get_absolute_url(), "/stations/PF-XJ-01/")

    def test_it_shows_counts_on_the_home_page(self):
        response = self.get("/")
        self.assertEqual(response.context["counts"], {"deputies": 4, "stations": 3})
        self.assertContains(response, 'action="/deputies/"')

    def test_it_searches_deputies_by_name(self):
        self.assertEqual(self.names(self.get("/deputies/", q="建国")), {"王建国"})

    def test_it_searches_deputies_by_area_with_sub_areas(self):
        pingfang = self.world.areas["pingfang"].code
        self.assertEqual(
            self.names(self.get("/deputies/", area=pingfang)), {"王建国", "李秀英", "赵志强"}
        )
        youxie = self.world.areas["youxie"].code
        self.assertEqual(self.names(self.get("/deputies/", area=youxie)), {"赵志强"})
        city = self.world.areas["city"].code
        self.assertEqual(len(self.names(self.get("/deputies/", area=city))), 4)

    def test_it_finds_nobody_in_an_unknown_area(self):
        self.assertEqual(self.names(self.get("/deputies/", area="999999")), set())

    def test_it_searches_deputies_by_station(self):
        self.assertEqual(
            self.names(self.get("/deputies/", station="PF-XJ-01")), {"王建国", "李秀英"}
        )

    def test_it_searches_deputies_by_group(self):
        group = self.world.deputies["wang"].groups.get()
        self.assertEqual(self.names(self.get("/deputies/", group=group.pk)), {"王建国"})

    def test_it_combines_filters(self):
        response = self.get("/deputies/", q="李", station="PF-XJ-01")
        self.assertEqual(self.names(response), {"李秀英"})

    def test_it_ignores_a_malformed_group(self):
        self.assertEqual(len(self.names(self.get("/deputies/", group="x"))), 4)

    def test_it_shows_the_deputy_page(self):
        deputy = self.world.deputies["wang"]
        response = self.get(f"/deputies/{deputy.pk}/")
        self.assertContains(response, "王建国")
        self.assertContains(response, "平房区人大")
        self.assertContains(response, "哈尔滨市人大")
        self.assertContains(response, "第一选区")
        self.assertContains(response, "教育专业代表小组")
        self.assertContains(response, self.world.stations["xingjian"].get_absolute_url())

    def test_it_hides_non_public_deputies(self):
        deputy = self.world.deputies["zhao"]
        Deputy.objects.filter(pk=deputy.pk).update(is_public=False)
        self.assertEqual(self.get(f"/deputies/{deputy.pk}/").status_code, 404)
        self.assertNotIn("赵志强", self.names(self.get("/deputies/")))
        self.assertNotContains(self.get("/stations/PF-YX-01/"), "赵志强")

    def test_it_hides_deputies_without_an_active_mandate(self):
        deputy = self.world.deputies["sun"]
        Mandate.objects.filter(deputy=deputy).update(status=Mandate.Status.ENDED)
        self.assertEqual(self.get(f"/deputies/{deputy.pk}/").status_code, 404)
        self.assertNotIn("孙丽华", self.names(self.get("/deputies/")))

    def test_it_gives_404_for_an_unknown_or_inactive_station(self):
        self.assertEqual(self.get("/stations/NOPE-00/").status_code, 404)
        self.world.stations["youxie"].is_active = False
        self.world.stations["youxie"].save(update_fields=["is_active"])
        self.assertEqual(self.get("/stations/PF-YX-01/").status_code, 404)

    def test_it_never_shows_private_fields(self):
        pages = ["/", "/deputies/", "/stations/"]
        pages += [f"/deputies/{d.pk}/" for d in self.world.deputies.values()]
        pages += [f"/stations/{s.code}/" for s in self.world.stations.values()]
        private = [
            getattr(d, field)
            for d in Deputy.objects.all()
            for field in Deputy.PRIVATE_FIELDS
            if getattr(d, field)
        ]
        self.assertTrue(private)
        for url in pages:
            content = self.get(url).content.decode()
            for value in private:
                with self.subTest(url=url, value=value):
                    self.assertNotIn(value, content)

    def test_it_shows_the_station_page(self):
        response = self.get("/stations/PF-XJ-01/")
        self.assertContains(response, "哈尔滨市平房区兴建街道")
        self.assertContains(response, 'href="tel:0451-86801234"')
        self.assertContains(
            response, "https://uri.amap.com/marker?position=126.637000,45.605000&amp;name="
        )
        self.assertContains(response, "王建国")
        self.assertContains(response, "李秀英")
        self.assertNotContains(response, "赵志强")

    def test_it_filters_stations(self):
        def codes(**params) -> set[str]:
            page = self.get("/stations/", **params).context["page_obj"]
            return {station.code for station in page.object_list}

        self.assertEqual(codes(kind="home"), {"SB-SB-01"})
        self.assertEqual(codes(area=self.world.areas["pingfang"].code), {"PF-XJ-01", "PF-YX-01"})
        self.assertEqual(codes(q="友协"), {"PF-YX-01"})
        self.assertEqual(codes(kind="bogus"), {"PF-XJ-01", "PF-YX-01", "SB-SB-01"})

    def test_it_offers_sign_out_to_a_signed_in_user(self):
        self.client.force_login(self.world.users["deputy"])
        response = self.get("/")
        self.assertContains(response, f'action="{reverse("accounts:logout")}"')
        self.assertNotContains(response, f'href="{reverse("accounts:login")}"')

    def test_it_renders_in_english_when_chosen(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get("/deputies/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="en">')

    def test_it_stays_chinese_for_an_english_browser(self):
        response = self.client.get("/deputies/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="zh-hans">')
        self.assertContains(response, "代表名录")

    def test_it_switches_language_through_set_language(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/stations/")
        self.assertContains(response, '<html lang="en">')


class DeputyListQueriesTest(TestCase):
    """The list's query count must not grow with the number of deputies shown."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def add_deputies(self, count: int) -> None:
        term = self.world.terms["pingfang"]
        station = self.world.stations["youxie"]
        for n in range(count):
            deputy = Deputy.objects.create(name=f"测试代表{n:02d}")
            Mandate.objects.create(deputy=deputy, term=term, start_date=datetime.date(2022, 1, 5))
            StationAssignment.objects.create(station=station, deputy=deputy)

    def count_queries(self, **params) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/deputies/", params, **ZH)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_it_runs_the_same_queries_for_4_and_40_deputies(self):
        few = self.count_queries()
        self.add_deputies(26)  # 30 on one page
        self.assertEqual(Deputy.objects.count(), 30)
        with self.assertNumQueries(few):
            self.client.get("/deputies/", **ZH)
        self.add_deputies(10)  # 40: a full page and a second one
        self.assertEqual(self.count_queries(), few)

    def test_it_runs_a_fixed_number_of_queries_with_filters(self):
        params = {"area": self.world.areas["pingfang"].code, "station": "PF-YX-01"}
        few = self.count_queries(**params)
        self.add_deputies(40)
        self.assertEqual(self.count_queries(**params), few)


class VendorAssetsTest(TestCase):
    """Pages render from a checkout where `scripts/build_assets.py` has not run."""

    @override_settings(STATICFILES_DIRS=[])
    def test_it_leaves_out_missing_vendor_files(self):
        self.assertEqual(vendor_script("htmx.min.js"), "")
        self.assertEqual(vendor_stylesheet("noto-sans-sc/index.css"), "")
        self.assertEqual(self.client.get("/deputies/").status_code, 200)
