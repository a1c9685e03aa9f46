"""The deputy's pages: the list, a new draft with files, edits, co-signers found by name,
submission, confirmation and refusal, withdrawal; bad input keeps what was typed; lists cost a
fixed number of queries."""

import shutil
import tempfile

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renda.core.models import Event
from renda.suggestions.models import Suggestion
from renda.suggestions.services import drafting
from renda.suggestions.tests.test_drafting_base import CONTENT, SuggestionTestCase, pdf, upload

S = Suggestion.Status
MINE = reverse("suggestions:mine")
NEW = reverse("suggestions:draft_new")
SCRIPT = "<script>alert(1)</script>"


def detail(suggestion: Suggestion) -> str:
    return reverse("suggestions:mine_detail", args=[suggestion.pk])


def form_data(**overrides) -> dict:
    return {"title": "关于增设兴建路公交站点的建议", "content": CONTENT, "category": "transport",
            "kind": "suggestion", "is_public": "on", **overrides}


class MediaMixin:
    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)


class DraftPageTest(MediaMixin, SuggestionTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.wang)

    def test_the_form_offers_the_congresss_categories_and_kinds(self):
        page = self.client.get(NEW)
        for text in ("城乡建设", "交通出行", "建议", "议案", "可以公开", "照片或 PDF 文件"):
            self.assertContains(page, text)
        self.assertContains(page, 'type="hidden" name="congress"')

    def test_a_new_draft_with_a_photo_and_a_pdf(self):
        page = self.client.post(NEW, {
            **form_data(), "congress": self.pingfang.pk,
            "attachments": [upload(), upload("说明.pdf", pdf(), "application/pdf")]},
            follow=True)
        suggestion = Suggestion.objects.get()
        self.assertRedirects(page, detail(suggestion))
        self.assertEqual((suggestion.title, suggestion.category, suggestion.status),
                         ("关于增设兴建路公交站点的建议", "transport", S.DRAFT))
        self.assertContains(page, "草稿已保存")
        self.assertContains(page, "说明.pdf")
        self.assertContains(page, "提交人大机关")
        self.assertContains(page, "修改内容和附件")

    def test_bad_input_comes_back_with_what_was_typed_and_stores_nothing(self):
        cases = [
            ({"title": ""}, "此项不能为空"),
            ({"content": "长" * 20001}, "最多 20000 个字，现有 20001 个字"),
            ({"category": ""}, "请选择分类"),
            ({"category": "astrology"}, "请选择分类"),
            ({"kind": "decree"}, "选择一个有效的选项"),
        ]
        for change, message in cases:
            with self.subTest(change=list(change)):
                response = self.client.post(NEW, form_data(**change))
                self.assertContains(response, message, status_code=400)
                if "title" not in change:
                    self.assertContains(response, "关于增设兴建路公交站点的建议", status_code=400)
        response = self.client.post(NEW, {**form_data(), "attachments": [
            upload("program.jpg", b"MZ" + b"\x00" * 300, "image/jpeg")]})
        self.assertContains(response, "“program.jpg”：只能上传", status_code=400)
        self.assertContains(response, "请重新选择附件", status_code=400)
        self.assertFalse(Suggestion.objects.exists())

    def test_script_tags_are_stored_as_text_and_escaped(self):
        self.client.post(NEW, form_data(title=f"标题{SCRIPT}", content=f"内容{SCRIPT}"))
        suggestion = Suggestion.objects.get()
        self.assertEqual(suggestion.title, f"标题{SCRIPT}")
        submitted = drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        pages = [(self.wang, detail(submitted)), (self.wang, MINE),
                 (self.office, reverse("suggestions:review_queue")),
                 (self.office, reverse("suggestions:review_detail", args=[submitted.pk]))]
        for user, url in pages:
            self.client.force_login(user)
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertNotContains(page, SCRIPT)
                self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_an_edit_is_saved_and_audited_and_files_can_be_removed(self):
        suggestion = self.draft(files=[upload()])
        url = reverse("suggestions:draft_edit", args=[suggestion.pk])
        page = self.client.get(url)
        self.assertContains(page, suggestion.title)
        self.assertContains(page, "现场照片.png")
        response = self.client.post(url, form_data(title="改过的标题"))
        self.assertRedirects(response, detail(suggestion))
        self.assertTrue(Event.objects.filter(object_id=suggestion.pk, action="edit").exists())
        attachment = suggestion.attachments.get()
        response = self.client.post(reverse("suggestions:attachment_remove",
                                            args=[attachment.pk]))
        self.assertRedirects(response, url)
        self.assertFalse(suggestion.attachments.exists())
        self.assertContains(self.client.get(detail(suggestion)), "删除附件")

    def test_a_refused_file_on_edit_keeps_the_text_saved_and_says_so(self):
        suggestion = self.draft()
        url = reverse("suggestions:draft_edit", args=[suggestion.pk])
        response = self.client.post(url, {**form_data(title="新的标题"), "attachments": [
            upload("bad.png", b"not a picture", "image/png")]})
        self.assertContains(response, "“bad.png”", status_code=400)
        self.assertContains(response, "文字修改已保存，附件未能上传", status_code=400)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.title, "新的标题")

    def test_a_submitted_suggestion_cannot_be_edited_from_its_page(self):
        suggestion = self.submitted()
        url = reverse("suggestions:draft_edit", args=[suggestion.pk])
        response = self.client.post(url, form_data(title="偷偷修改"), follow=True)
        self.assertContains(response, "只有领衔代表可以修改草稿或被退回的建议")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.title, "关于加快兴建街道老旧小区供暖管网改造的建议")


class CosignerPageTest(SuggestionTestCase):
    def setUp(self):
        self.client.force_login(self.wang)

    def test_deputies_of_the_same_congress_are_found_by_name_and_invited(self):
        suggestion = self.draft()
        url = reverse("suggestions:cosigners", args=[suggestion.pk])
        page = self.client.get(url, {"q": "李"})
        self.assertContains(page, "李秀英")
        self.assertNotContains(page, "孙丽华")  # 松北区
        self.assertNotContains(self.client.get(url, {"q": "孙"}), "邀请联名</button>")
        page = self.client.post(f"{url}?q=李", {"action": "add", "deputy": self.li.deputy_id},
                                follow=True)
        self.assertRedirects(page, f"{url}?q=%E6%9D%8E")
        self.assertContains(page, "已邀请联名")
        self.assertContains(page, "取消邀请 李秀英")
        self.assertContains(page, "没有找到姓名包含“李”的在任代表")

    def test_a_deputy_without_an_account_is_shown_but_cannot_be_invited(self):
        suggestion = self.draft()
        self.zhao.delete()
        page = self.client.get(reverse("suggestions:cosigners", args=[suggestion.pk]),
                               {"q": "赵"})
        self.assertContains(page, "赵志强")
        self.assertContains(page, "尚未开通账号，无法在线确认")
        self.assertNotContains(page, "邀请 赵志强 联名")

    def test_odd_posts_change_nothing(self):
        suggestion = self.draft()
        url = reverse("suggestions:cosigners", args=[suggestion.pk])
        for data in ({"action": "add", "deputy": "x"}, {"action": "drop", "deputy": "1"},
                     {"action": "add", "deputy": self.sun.deputy_id}):
            with self.subTest(data=data):
                self.client.post(url, data)
        self.assertEqual(suggestion.signatures.count(), 1)


class ActionPageTest(SuggestionTestCase):
    def post(self, user, suggestion, action, **fields):
        self.client.force_login(user)
        data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
        return self.client.post(detail(suggestion), data)

    def test_the_whole_co_signing_from_the_pages(self):
        suggestion = self.draft(cosigners=(self.li, self.zhao))
        self.assertRedirects(self.post(self.wang, suggestion, "submit"), detail(suggestion))
        self.client.force_login(self.li)
        page = self.client.get(MINE)
        self.assertContains(page, "待我联名确认")
        self.assertContains(page, suggestion.title)
        self.assertContains(self.client.get(detail(suggestion)), "确认联名")
        self.post(self.li, suggestion, "confirm")
        self.post(self.zhao, suggestion, "confirm")
        page = self.client.get(detail(suggestion))
        self.assertContains(page, "已确认联名，全部联名代表已确认，建议已提交人大机关")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.SUBMITTED)

    def test_a_refusal_shows_its_reason_to_the_lead(self):
        suggestion = self.in_state(S.COSIGNING)
        response = self.post(self.li, suggestion, "decline", reason="我不了解这个小区")
        self.assertRedirects(response, MINE)
        self.client.force_login(self.wang)
        page = self.client.get(detail(suggestion))
        self.assertContains(page, "联名代表不同意联名，已退回草稿")
        self.assertContains(page, "我不了解这个小区")
        self.assertContains(page, "不同意")

    def test_a_refusal_and_a_withdrawal_need_a_reason(self):
        suggestion = self.in_state(S.COSIGNING)
        response = self.post(self.li, suggestion, "decline", reason="")
        self.assertContains(response, "此项不能为空", status_code=400)
        response = self.post(self.wang, suggestion, "withdraw", reason="")
        self.assertContains(response, "此项不能为空", status_code=400)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.COSIGNING)

    def test_a_motion_below_the_threshold_says_why_on_the_page(self):
        motion = self.draft(kind=Suggestion.Kind.MOTION, cosigners=(self.li,))
        response = self.post(self.wang, motion, "submit")
        self.assertContains(response, "议案须由至少 10 名代表联名提出", status_code=400)

    def test_the_return_reason_is_shown_and_the_deputy_resubmits(self):
        suggestion = self.in_state(S.RETURNED)
        self.client.force_login(self.wang)
        page = self.client.get(detail(suggestion))
        self.assertContains(page, "人大机关退回了这件建议")
        self.assertContains(page, "请补充具体小区名单")
        self.post(self.wang, suggestion, "submit")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.COSIGNING)

    def test_a_stale_action_keeps_the_typed_reason(self):
        suggestion = self.in_state(S.SUBMITTED)
        drafting.suggestion_withdraw(actor=self.wang, suggestion_id=suggestion.pk,
                                     reason="第一次")
        response = self.post(self.wang, suggestion, "withdraw", reason="我写的撤回理由")
        self.assertContains(response, "当前状态下不能执行“撤回”", status_code=409)
        self.assertContains(response, "我写的撤回理由", status_code=409)

    def test_a_co_signer_cannot_withdraw_or_submit(self):
        suggestion = self.in_state(S.SUBMITTED)
        for action in ("withdraw", "submit"):
            with self.subTest(action=action):
                response = self.post(self.li, suggestion, action, reason="我想撤回")
                self.assertIn(response.status_code, (400, 403))
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, S.SUBMITTED)

    def test_an_unknown_action_is_a_400(self):
        suggestion = self.draft()
        self.assertEqual(self.post(self.wang, suggestion, "register").status_code, 400)


class ListQueryTest(SuggestionTestCase):
    def test_the_deputys_list_costs_the_same_whatever_its_length(self):
        self.client.force_login(self.li)

        def some(count: int) -> None:
            for _ in range(count):
                self.in_state(S.COSIGNING)
                self.in_state(S.SUBMITTED)
                self.draft(by=self.li)

        some(1)
        with CaptureQueriesContext(connection) as few:
            self.assertEqual(self.client.get(MINE).status_code, 200)
        some(4)
        with self.assertNumQueries(len(few)):
            page = self.client.get(MINE)
        self.assertEqual(len(page.context["pending"]), 5)
        self.assertEqual(len(page.context["cosigned"]), 5)
        self.assertEqual(len(page.context["led"]), 5)
