"""Admin for citizens' opinions: a scoped, read-only view with history.

Items are written only by the services (submission, triage, handling, rating), so nothing here
adds, changes or deletes them. Open311 clients are added here, their key issued by
`open311_client_create`. The citizen's mobile number is masked unless the user holds
"opinions.view_opinion_private" on the item; the name likewise.
"""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from renda.accounts.admin_mixins import (
    ReadOnlyInline,
    ReadOnlyScopedAdmin,
    ScopedAdminMixin,
    cached_has_perm,
)
from renda.core.masking import mask_name, mask_phone
from renda.opinions.models import Open311Client, Opinion, OpinionReply
from renda.opinions.open311.services import open311_client_create

PRIVATE_PERM = "opinions.view_opinion_private"


class ReplyInline(ReadOnlyInline):
    model = OpinionReply
    fields = ["created_at", "unit", "author", "body", "is_final"]
    readonly_fields = fields


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyScopedAdmin):
    list_display = ["tracking_number", "title", "type_code", "channel", "status", "due_at",
                    "assigned_unit", "created_at"]
    list_filter = ["status", "channel", "type_code", "extension_used", "reopened", "rating",
                   ("assigned_unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=tracking_number", "title"]
    list_select_related = ["assigned_unit"]
    date_hierarchy = "created_at"
    inlines = [ReplyInline]
    public_fields = ["tracking_number", "congress", "channel", "type_code", "title", "content",
                     "mobile_verified_at", "is_anonymous", "consent_publish",
                     "addressed_station", "addressed_deputy", "area", "assigned_unit", "status",
                     "decline_reason", "transferred_at", "due_at", "extension_used",
                     "reopened", "rating", "rating_comment", "rated_at", "concluded_at",
                     "created_at", "updated_at"]

    def private_allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        return cached_has_perm(request, PRIVATE_PERM, obj if obj is not None and obj.pk else None)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        private = (list(Opinion.PRIVATE_FIELDS) if self.private_allowed(request, obj)
                   else ["masked_name", "masked_mobile"])
        return [*self.public_fields[:6], *private, *self.public_fields[6:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description=_("反映人姓名"))
    def masked_name(self, obj: Opinion) -> str:
        return mask_name(obj.citizen_name)

    @admin.display(description=_("反映人手机号码"))
    def masked_mobile(self, obj: Opinion) -> str:
        return mask_phone(obj.citizen_mobile)


@admin.register(OpinionReply)
class OpinionReplyAdmin(ReadOnlyScopedAdmin):
    list_display = ["opinion", "unit", "author", "is_final", "created_at"]
    list_filter = ["is_final", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=opinion__tracking_number"]
    list_select_related = ["opinion", "unit", "author"]
    fields = ["opinion", "unit", "author", "body", "is_final", "created_at"]
    readonly_fields = fields


@admin.register(Open311Client)
class Open311ClientAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Keys of the programs that post through Open311. Adding one issues a random key, shown
    once in a message; only its hash is kept. A client is retired by unticking "在用"."""

    list_display = ["name", "congress", "key_prefix", "is_active", "last_used_at", "created_at"]
    list_filter = ["is_active", ("congress", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "=key_prefix"]
    list_select_related = ["congress"]
    readonly_fields = ["key_prefix", "last_used_at", "created_at", "updated_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["congress", "name"]
        return ["congress", "name", "is_active", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "congress"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the opinions it posted keep pointing at it

    def save_model(self, request: HttpRequest, obj: Open311Client, form: Any,
                   change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = open311_client_create(actor=request.user, congress=obj.congress,
                                            name=obj.name)
        obj.pk = client.pk
        obj.refresh_from_db()
        obj._state.adding = False
        messages.warning(request, _("接入密钥（api_key）：%(key)s ——只显示这一次，请立即复制并"
                                    "安全地交给接入方；遗失后只能停用并新建。") % {"key": key})
