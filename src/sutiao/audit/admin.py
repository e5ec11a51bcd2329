"""The operators' view of the whole log: read-only (nothing is added, changed or deleted through the admin —
the log is written by actions only), searchable and filtered along its indexes, paged."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Role

from .models import SYSTEM_ROLE, AuditRecord, PeerHead


def _operator(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or user.role == Role.OPERATOR)


class RoleFilter(admin.SimpleListFilter):
    """The roles as a fixed list (no DISTINCT over millions of rows to build it)."""

    title = _("角色")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.choices, (SYSTEM_ROLE, _("系统"))]

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _operator(request)

    def has_module_permission(self, request):
        return _operator(request)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnly):
    list_display = ["seq", "at", "actor", "role", "action", "object_type", "object_id", "case", "request_id"]
    list_filter = [RoleFilter, ("at", admin.DateFieldListFilter)]
    # Exact matches and an action prefix only: each has its index (models.AuditRecord.Meta.indexes).
    search_fields = ["=case", "=object_id", "=actor", "=request_id", "^action"]
    search_help_text = _("按案件标识、对象标识、操作人、请求标识精确查找，或按操作前缀查找")
    ordering = ["-seq"]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditRecord._meta.fields]
    actions = None


@admin.register(PeerHead)
class PeerHeadAdmin(ReadOnly):
    list_display = ["peer", "seq", "hash", "at", "received_at"]
    list_filter = ["peer"]
    ordering = ["-id"]
    list_per_page = 50
    readonly_fields = ["peer", "seq", "hash", "at", "received_at"]
    actions = None
