"""The Django admin under the same permission layer as every other page.

Every admin class mixes in `ScopedAdminMixin` (and every inline `ScopedInlineMixin`): lists show
only what `access.scope_filter()` lets the user see, each permission check goes through
`access.has_perm()`, and foreign-key choices are narrowed the same way, so a district's staff can
neither see nor pick another district's objects. Django's own per-user permission rows play no
part. The admin site still requires `is_staff`.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from renda.accounts import access

ACTIONS = ("view", "add", "change", "delete")


def perm_name(model: type[models.Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def cached_has_perm(request: HttpRequest, perm: str, obj: models.Model | None = None) -> bool:
    """`access.has_perm`, remembered for the request: one admin page asks the same many times."""
    cache = request.__dict__.setdefault("_renda_perm_cache", {})
    key = (perm, type(obj).__name__ if obj is not None else None, getattr(obj, "pk", None))
    if key not in cache:
        cache[key] = access.has_perm(request.user, perm, obj)
    return cache[key]


def scoped_choices(request: HttpRequest, model: type[models.Model],
                   queryset: models.QuerySet | None = None) -> models.QuerySet:
    """The objects of a related model a user may pick: those he may view."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if not hasattr(model, "ACCESS_SCOPES"):
        return queryset if access.is_global(request.user) else queryset.none()
    return access.scope_filter(request.user, perm_name(model, "view"), queryset)


class _ScopedBase:
    """What model admins and inlines share: permission checks and scoped choices."""

    model: type[models.Model]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        return access.scope_filter(request.user, perm_name(self.model, "view"), qs)

    def _allowed(self, request: HttpRequest, action: str, obj: Any = None) -> bool:
        if obj is not None and obj.pk is None:
            obj = None
        return cached_has_perm(request, perm_name(self.model, action), obj)

    def formfield_for_foreignkey(self, db_field: models.ForeignKey, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            base = self.get_field_queryset(None, db_field, request)
            kwargs["queryset"] = scoped_choices(request, db_field.related_model, base)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: models.ManyToManyField, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            base = self.get_field_queryset(None, db_field, request)
            kwargs["queryset"] = scoped_choices(request, db_field.related_model, base)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdminMixin(_ScopedBase):
    """Put first in the bases of a `ModelAdmin`: `class XAdmin(ScopedAdminMixin, ...)`."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "view", obj) or self._allowed(request, "change", obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "change", obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, "add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "delete", obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return any(self._allowed(request, action) for action in ACTIONS)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Checked after the inlines are saved: a deputy enters a district's scope through its
        # mandate inline. The admin view's transaction rolls everything back on refusal.
        obj = form.instance
        if not access.has_perm(request.user, perm_name(self.model, "change" if change else "add"),
                               obj):
            raise PermissionDenied(_("保存后的记录不在您的管理范围内"))


class ScopedInlineMixin(_ScopedBase):
    """Put first in the bases of an inline. Rows outside the user's scope are not shown, and
    so are left alone when the form is saved."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "view") or self._allowed(request, "change")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "change")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "delete")



class ReadOnlyScopedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Scoped, with history, and read-only: for records only services write (opinions, duty
    records, score cards…); their pages, not the admin, change them."""

    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows and never adds, changes or deletes them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
