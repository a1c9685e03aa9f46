"""`manage.py import_suggestion_ledger CONGRESS FILE --user NAME [--commit]`: load a congress
office's existing ledger of suggestions (Excel) into the system.

A dry run by default: it checks every row and prints every error (row, column, reason) or what
it would create; `--commit` writes, all or nothing. The user named by `--user` must hold the
office's right to review suggestions in that congress; the import is recorded in the history
under that user. Running it again on the same ledger changes nothing.

    .venv/bin/python manage.py import_suggestion_ledger 平房区人大 台账.xlsx --user office
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from renda.accounts.models import User
from renda.directory.models import Congress
from renda.suggestions.ledger_import import MAX_UPLOAD_BYTES, ledger_import


class Command(BaseCommand):
    help = "导入人大机关已有的代表建议办理台账（Excel）；默认只检查，加 --commit 才写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("congress", help="人大的编号、简称或全称，如 平房区人大")
        parser.add_argument("file", help="台账文件（.xlsx）")
        parser.add_argument("--user", required=True, help="以该用户的名义导入（记入操作记录）")
        parser.add_argument("--commit", action="store_true", help="检查无误后写入")

    def handle(self, *args, congress: str, file: str, user: str, commit: bool,
               **options) -> None:
        target = self._congress(congress)
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有用户 {user}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError("文件不能超过 5 MB")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            result = ledger_import(actor=actor, congress=target, file=upload, dry_run=not commit)
        except PermissionDenied as error:
            raise CommandError(str(error) or "没有权限") from None
        for error in result.errors:
            where = f"第 {error.row} 行" if error.row else "文件"
            column = f"［{error.column}］" if error.column else ""
            self.stdout.write(f"{where}{column}：{error.message}")
        if not result.ok:
            raise CommandError(f"台账有 {len(result.errors)} 处错误，未导入任何数据")
        verb = "已导入" if commit else "检查通过，可导入"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}：{result.total} 行，新增建议 {result.created} 件，系统中已有 "
            f"{result.unchanged} 件（不变）"))
        if not commit:
            self.stdout.write("这是试运行，未写入任何数据；确认无误后加 --commit 导入。")

    def _congress(self, value: str) -> Congress:
        query = Q(short_name=value) | Q(name=value)
        if value.isdigit():
            query |= Q(pk=int(value))
        found = list(Congress.objects.filter(query)[:2])
        if len(found) != 1:
            raise CommandError(f"找不到唯一的人大：{value}")
        return found[0]
