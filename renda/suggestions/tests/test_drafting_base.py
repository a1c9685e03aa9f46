"""The world of `build_world()` with the personas of the drafting and review stages, and
suggestions brought to a state through the real services.

Personas beyond `build_world()`'s: the co-signers 李秀英 (`li`) and 赵志强 (`zhao`) of 平房区 with
their own deputy accounts, and 孙丽华 (`sun`), a deputy of 松北区 (the other district).
"""

import datetime
import io
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image
from pypdf import PdfWriter

from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.models import CongressSetting, PlenarySession
from renda.directory.testing import PASSWORD, World, build_world
from renda.suggestions.models import Suggestion
from renda.suggestions.services import drafting, review

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TITLE = "关于加快兴建街道老旧小区供暖管网改造的建议"
CONTENT = ("兴建街道多个老旧小区供暖管网建于上世纪九十年代，跑冒滴漏严重，冬季室温长期不达标。\n"
           "一、建议将兴建路沿线小区列入今年管网改造计划；\n二、建议改造期间做好临时供暖保障。")


def deputy_user(world: World, key: str, *, congress: str = "pingfang") -> User:
    """The account of one of `build_world()`'s deputies, acting as a deputy of `congress`."""
    user = User.objects.create_user(username=key, password=PASSWORD,
                                    display_name=world.deputies[key].name,
                                    deputy=world.deputies[key])
    RoleAssignment.objects.create(user=user, role=Role.DEPUTY, congress=world.congresses[congress])
    return user


def motion_minimum(world: World, value: int, *, congress: str = "pingfang") -> None:
    CongressSetting.objects.create(congress=world.congresses[congress],
                                   key="suggestions.motion_cosigners_min", value=value,
                                   effective_from=datetime.date(2020, 1, 1))


def second_session(world: World) -> PlenarySession:
    """平房区's second plenary session (the first is 2022-01-05 to 01-08)."""
    return PlenarySession.objects.create(term=world.terms["pingfang"], number=2,
                                         start_date=datetime.date(2023, 1, 10),
                                         end_date=datetime.date(2023, 1, 13))


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def png(size: tuple[int, int] = (16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(name: str = "现场照片.png", content: bytes | None = None,
           content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png() if content is None else content,
                              content_type=content_type)


class SuggestionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = world = build_world()
        cls.pingfang = world.congresses["pingfang"]
        cls.wang = world.users["deputy"]
        cls.li = deputy_user(world, "li")
        cls.zhao = deputy_user(world, "zhao")
        cls.sun = deputy_user(world, "sun", congress="songbei")
        cls.office = world.users["office_staff"]
        cls.outsider = world.outsider

    def draft(self, *, by: User | None = None, kind: str = Suggestion.Kind.SUGGESTION,
              title: str = TITLE, category: str = "urban", cosigners: tuple[User, ...] = (),
              **extra) -> Suggestion:
        by = by or self.wang
        suggestion = drafting.suggestion_draft_new(
            actor=by, congress=self.pingfang, title=title, content=CONTENT, category=category,
            kind=kind, **extra)
        for user in cosigners:
            drafting.suggestion_cosigner_add(actor=by, suggestion_id=suggestion.pk,
                                             deputy_id=user.deputy_id)
        return suggestion

    def submitted(self, *, cosigners: tuple[User, ...] = (), by: User | None = None,
                  **draft) -> Suggestion:
        """Submitted to the office: drafted, co-signed by each of `cosigners` if any."""
        by = by or self.wang
        suggestion = self.draft(by=by, cosigners=cosigners, **draft)
        drafting.suggestion_submit(actor=by, suggestion_id=suggestion.pk)
        for user in cosigners:
            drafting.suggestion_cosign_confirm(actor=user, suggestion_id=suggestion.pk)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, Suggestion.Status.SUBMITTED)
        return suggestion

    def in_state(self, status: str, **draft) -> Suggestion:
        """A fresh suggestion of 王建国 co-signed by 李秀英, moved to `status` through the
        services."""
        S = Suggestion.Status
        if status == S.DRAFT:
            return self.draft(cosigners=(self.li,), **draft)
        if status == S.COSIGNING:
            suggestion = self.draft(cosigners=(self.li,), **draft)
            return drafting.suggestion_submit(actor=self.wang, suggestion_id=suggestion.pk)
        suggestion = self.submitted(cosigners=(self.li,), **draft)
        moves = {
            S.SUBMITTED: lambda pk: suggestion,
            S.REGISTERED: lambda pk: review.suggestion_register(actor=self.office,
                                                                suggestion_id=pk),
            S.RETURNED: lambda pk: review.suggestion_return(actor=self.office, suggestion_id=pk,
                                                            reason="请补充具体小区名单"),
            S.LETTER: lambda pk: review.suggestion_to_letter(
                actor=self.office, suggestion_id=pk, reason=review.LetterReason.PERSONAL),
            S.WITHDRAWN: lambda pk: drafting.suggestion_withdraw(
                actor=self.wang, suggestion_id=pk, reason="问题已解决"),
        }
        moves[status](suggestion.pk)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, status)
        return suggestion
