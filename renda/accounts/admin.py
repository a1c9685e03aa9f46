"""Admin for users and their role assignments.

Neither model declares ACCESS_SCOPES and no role is granted accounts.* permissions, so through
the access layer only superusers manage accounts: a district's staff cannot hand out roles.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from renda.accounts.admin_mixins import ScopedAdminMixin, ScopedInlineMixin
from renda.accounts.models import RoleAssignment, User

ROLE_SCOPE_FIELDS = ["congress", "area", "station", "unit"]


class RoleAssignmentInline(ScopedInlineMixin, admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "congress", "area", "station", "unit", "valid_from", "valid_until"]
    autocomplete_fields = ROLE_SCOPE_FIELDS


@admin.register(User)
class UserAdmin(ScopedAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "deputy", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "role_assignments__role"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email",
                     "deputy__name"]
    list_select_related = ["deputy"]
    autocomplete_fields = ["deputy"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("平台信息"), {"fields": ["display_name", "mobile", "deputy"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("平台信息"), {"fields": ["display_name", "mobile", "deputy"]}),
    ]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "role", "congress", "scope", "valid_from", "valid_until"]
    list_filter = ["role", "congress", "valid_until"]
    search_fields = ["user__username", "user__display_name", "congress__name", "area__name",
                     "station__name", "unit__name"]
    list_select_related = ["user__deputy", "congress__area", "area", "station", "unit"]
    autocomplete_fields = ["user", *ROLE_SCOPE_FIELDS]

    @admin.display(description=_("范围"))
    def scope(self, obj: RoleAssignment) -> str:
        return obj.scope_label
