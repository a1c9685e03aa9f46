"""Admin pages for the Excel rosters, mixed into the deputy and station admins.

Upload → a dry run lists every error row by row, or what would be created and updated → the
user confirms and the same file, kept in the session meanwhile, is imported for real (checked
again, since the data may have changed). Also the blank template and the export.
"""

import base64
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

from renda.accounts import access
from renda.accounts.admin_mixins import cached_has_perm
from renda.directory.models import Congress, Term
from renda.directory.roster import (
    MAX_UPLOAD_BYTES,
    ImportResult,
    roster_export_deputies,
    roster_export_stations,
    roster_import_deputies,
    roster_import_stations,
    roster_template,
)
from renda.directory.roster.common import EXPORT_PERM, IMPORT_PERM

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "renda_roster_upload"


class RosterForm(forms.Form):
    """The term (deputies) or congress (stations) a roster belongs to, and the file."""

    target = forms.ModelChoiceField(queryset=Term.objects.none())
    file = forms.FileField(label=_("名册文件（.xlsx，不超过 5 MB）"))

    def __init__(self, *args: Any, kind: str, user: Any, perm: str, with_file: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        if kind == "deputies":
            field.label = _("届")
            field.queryset = Term.objects.select_related("congress")
        else:
            field.label = _("人大")
            field.queryset = Congress.objects.all()
        field.queryset = access.scope_filter(user, perm, field.queryset)
        if not with_file:
            del self.fields["file"]


def run_import(kind: str, *, actor: Any, target: Model, file: Any,
               dry_run: bool) -> ImportResult:
    if kind == "deputies":
        return roster_import_deputies(actor=actor, congress=target.congress, term=target,
                                      file=file, dry_run=dry_run)
    return roster_import_stations(actor=actor, congress=target, file=file, dry_run=dry_run)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def stash_upload(request: HttpRequest, kind: str, target: Model, upload: Any) -> str:
    """Keep the checked file in the session until the user confirms; returns its token."""
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    token = hashlib.sha256(data).hexdigest()[:32]
    request.session[SESSION_KEY] = {
        "kind": kind, "target": target.pk, "name": upload.name, "token": token,
        "data": base64.b64encode(data).decode("ascii"),
    }
    return token


def unstash_upload(request: HttpRequest, kind: str) -> tuple[int, SimpleUploadedFile] | None:
    stash = request.session.pop(SESSION_KEY, None)
    if not stash or stash["kind"] != kind or stash["token"] != request.POST.get("token"):
        return None
    return stash["target"], SimpleUploadedFile(stash["name"], base64.b64decode(stash["data"]))


class RosterAdminMixin:
    """Adds roster/import, roster/confirm, roster/template and roster/export to an admin."""

    roster_kind = "deputies"
    admin_site: Any
    model: type[Model]

    def url_name(self, suffix: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{suffix}"

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        # Uploads parse whole workbooks: a person gets a few a minute, not a loop.
        limited = ratelimit(key="user", rate="20/m", method="POST", block=True)
        urls = [
            path(f"roster/{name}/", wrap(view), name=self.url_name(f"roster_{name}"))
            for name, view in [("import", limited(self.roster_import_view)),
                               ("confirm", limited(self.roster_confirm_view)),
                               ("template", self.roster_template_view),
                               ("export", self.roster_export_view)]
        ]
        return urls + super().get_urls()

    def roster_url(self, name: str) -> str:
        return reverse(f"admin:{self.url_name(f'roster_{name}')}",
                       current_app=self.admin_site.name)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        extra_context = {
            **(extra_context or {}),
            "roster_can_import": cached_has_perm(request, IMPORT_PERM),
            "roster_can_export": cached_has_perm(request, EXPORT_PERM),
            "roster_import_url": self.roster_url("import"),
            "roster_export_url": self.roster_url("export"),
        }
        return super().changelist_view(request, extra_context)

    def changelist_url(self) -> str:
        return reverse(f"admin:{self.url_name('changelist')}", current_app=self.admin_site.name)

    def roster_context(self, request: HttpRequest, title: Any, **extra: Any) -> dict:
        return {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
            "roster_kind": self.roster_kind, "template_url": self.roster_url("template"),
            "changelist_url": self.changelist_url(), **extra,
        }

    def require(self, request: HttpRequest, perm: str) -> None:
        if not cached_has_perm(request, perm):
            raise PermissionDenied

    def roster_import_view(self, request: HttpRequest) -> HttpResponse:
        self.require(request, IMPORT_PERM)
        form = RosterForm(request.POST or None, request.FILES or None, kind=self.roster_kind,
                          user=request.user, perm=IMPORT_PERM)
        if request.method == "POST" and form.is_valid():
            target, upload = form.cleaned_data["target"], form.cleaned_data["file"]
            result = run_import(self.roster_kind, actor=request.user, target=target,
                                file=upload, dry_run=True)
            token = stash_upload(request, self.roster_kind, target, upload) if result.ok else ""
            return self.render_preview(request, result, target=target, token=token)
        context = self.roster_context(request, _("导入名册"), form=form)
        return TemplateResponse(request, "admin/directory/roster_import.html", context)

    def render_preview(self, request: HttpRequest, result: ImportResult, *, target: Model,
                       token: str) -> HttpResponse:
        context = self.roster_context(
            request, _("导入预览") if result.ok else _("名册有错误，未导入任何数据"),
            result=result, target=target, token=token,
            confirm_url=self.roster_url("confirm"), import_url=self.roster_url("import"))
        return TemplateResponse(request, "admin/directory/roster_preview.html", context)

    def roster_confirm_view(self, request: HttpRequest) -> HttpResponse:
        self.require(request, IMPORT_PERM)
        if request.method != "POST":
            return HttpResponseRedirect(self.roster_url("import"))
        stashed = unstash_upload(request, self.roster_kind)
        if stashed is None:
            messages.error(request, _("上传的文件已失效，请重新上传"))
            return HttpResponseRedirect(self.roster_url("import"))
        target = self.roster_targets(request, IMPORT_PERM).get(pk=stashed[0])
        result = run_import(self.roster_kind, actor=request.user, target=target,
                            file=stashed[1], dry_run=False)
        if not result.ok:
            return self.render_preview(request, result, target=target, token="")
        messages.success(request, _("导入完成：新增 %(created)s 条，更新 %(updated)s 条，"
                                    "未变 %(unchanged)s 条") % dataclass_counts(result))
        return HttpResponseRedirect(self.changelist_url())

    def roster_targets(self, request: HttpRequest, perm: str) -> QuerySet:
        form = RosterForm(kind=self.roster_kind, user=request.user, perm=perm)
        return form.fields["target"].queryset

    def roster_template_view(self, request: HttpRequest) -> HttpResponse:
        self.require(request, IMPORT_PERM)
        data = roster_template(kind=self.roster_kind)
        return xlsx_response(data, f"{self.model._meta.verbose_name}{_('名册模板')}.xlsx")

    def roster_export_view(self, request: HttpRequest) -> HttpResponse:
        self.require(request, EXPORT_PERM)
        form = RosterForm(request.GET or None, kind=self.roster_kind, user=request.user,
                          perm=EXPORT_PERM, with_file=False)
        if not form.is_valid():
            context = self.roster_context(request, _("导出名册"), form=form)
            return TemplateResponse(request, "admin/directory/roster_export.html", context)
        target = form.cleaned_data["target"]
        if self.roster_kind == "deputies":
            data = roster_export_deputies(actor=request.user, term=target)
        else:
            data = roster_export_stations(actor=request.user, congress=target)
        return xlsx_response(data, f"{target}-{_('名册')}.xlsx")


def dataclass_counts(result: ImportResult) -> dict[str, int]:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
