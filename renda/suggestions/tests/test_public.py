"""Public disclosure: only registered suggestions marked public, only replies marked public,
never a deputy's contact details (nor the unit's contact person); search by keyword, year,
category and unit; a detail page; a query count that does not grow with the page."""

from django.urls import reverse

from renda.suggestions.models import Suggestion
from renda.suggestions.tests.test_stats import StatsTestCase, Term

LIST = reverse("suggestions:public_list")
S = Suggestion.Status


def detail(suggestion: Suggestion) -> str:
    return reverse("suggestions:public_detail", args=[suggestion.pk])


class PublicTestCase(StatsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        t = Term(cls.world)
        wang = cls.world.deputies["wang"]
        # A private suggestion; a public one whose second reply is not public and whose text
        # carries the deputy's mobile; one of a deputy kept out of the public directory.
        cls.private = t.suggestion("wang", S.CLOSED, assigned="2022-06-03", is_public=False,
                                   title="关于某涉密事项的建议")
        a = t.assign(cls.private, "housing", due="2022-09-01", replied="2022-08-01")
        t.reply(a, "A", "2022-08-01", body="涉密答复正文")
        cls.mixed = t.suggestion("wang", S.CLOSED, assigned="2022-06-03",
                                 title="关于兴建路积水的建议")
        Suggestion.objects.filter(pk=cls.mixed.pk).update(
            content=f"请联系我 {wang.mobile} 了解详情，兴建路 8 号路口积水严重。")
        a = t.assign(cls.mixed, "housing", due="2022-09-01", replied="2022-08-20", round=2)
        t.reply(a, "C", "2022-08-01", body="第一次答复：暂难解决。")
        t.reply(a, "A", "2022-08-20", round=2, is_public=False, body="第二次答复：不公开的内容")
        zhao = cls.world.deputies["zhao"]
        zhao.is_public = False
        zhao.save()


class TestWhatIsPublic(PublicTestCase):
    def test_only_registered_public_suggestions_are_listed(self):
        response = self.client.get(LIST)
        titles = {entry.title for entry in response.context["page_obj"].object_list}
        s = self.s
        self.assertIn(s["S1"].title, titles)
        self.assertIn(s["S5"].title, titles)  # registered, not yet assigned
        for hidden in (s["S6"], s["S8"], self.private):  # returned, withdrawn, private
            self.assertNotIn(hidden.title, titles)
        self.assertNotContains(response, "涉密")

    def test_a_reply_not_public_is_never_shown(self):
        response = self.client.get(detail(self.mixed))
        self.assertContains(response, "第一次答复：暂难解决。")
        self.assertNotContains(response, "不公开的内容")
        self.assertNotContains(self.client.get(LIST), "不公开的内容")

    def test_no_contact_details_of_deputies_or_units(self):
        wang = self.world.deputies["wang"]
        for url in (LIST, detail(self.mixed), detail(self.s["S1"])):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                for private in (wang.mobile, wang.id_number, wang.home_address, "0451-86700001",
                                "张科长"):
                    self.assertNotContains(response, private)
        response = self.client.get(detail(self.mixed))
        self.assertContains(response, "请联系我 *********** 了解详情")
        self.assertContains(response, "兴建路 8 号路口积水严重")

    def test_a_deputy_outside_the_public_directory_is_not_named(self):
        response = self.client.get(detail(self.s["S5"]))
        self.assertNotContains(response, "赵志强")
        self.assertContains(self.client.get(detail(self.s["S1"])), "王建国")

    def test_other_suggestions_have_no_page(self):
        for hidden in (self.s["S6"], self.s["S8"], self.private):
            with self.subTest(hidden.title):
                self.assertEqual(self.client.get(detail(hidden)).status_code, 404)
        self.assertEqual(self.client.get("/suggestions/public/999999/").status_code, 404)


class TestSearch(PublicTestCase):
    def titles(self, query: str) -> set[str]:
        response = self.client.get(f"{LIST}?{query}")
        self.assertEqual(response.status_code, 200)
        return {e.title for e in response.context["page_obj"].object_list}

    def test_by_keyword_in_the_title_or_the_content(self):
        self.assertEqual(self.titles("q=积水"), {"关于兴建路积水的建议"})
        self.assertEqual(self.titles("q=路口+积水"), {"关于兴建路积水的建议"})
        self.assertEqual(self.titles("q=涉密"), set())

    def test_by_year_category_and_unit(self):
        self.assertEqual(self.titles("year=2023"), {self.s["S7"].title})
        self.assertEqual(self.titles("category=transport"), {self.s["S4"].title})
        health = self.world.units["health"].pk
        # Health answers S2 and S4, assists S3; its cancelled assignments never count.
        self.assertEqual(self.titles(f"unit={health}"),
                         {self.s[k].title for k in ("S2", "S3", "S4")})
        gov = self.world.units["gov"].pk
        self.assertEqual(self.titles(f"unit={gov}"), set())

    def test_odd_input_is_harmless(self):
        for query in ("q=%00", "year=abc", "year=99999", "unit=-1", "page=999", "q=" + "长" * 500,
                      "congress=x"):
            with self.subTest(query):
                self.assertEqual(self.client.get(f"{LIST}?{query}").status_code, 200)

    def test_the_query_count_does_not_grow_with_the_page(self):
        self.client.get(LIST)
        with self.assertNumQueries(12) as counted:
            self.client.get(LIST)
        t = Term(self.world)
        for number in range(15):
            s = t.suggestion("li", S.CLOSED, assigned="2022-06-03", title=f"追加{number}")
            a = t.assign(s, "housing", due="2022-09-01", replied="2022-08-01")
            t.reply(a, "A", "2022-08-01")
        with self.assertNumQueries(len(counted)):
            response = self.client.get(LIST)
        self.assertEqual(len(response.context["page_obj"].object_list), 20)
