from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Institution, User


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "short_code", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_code"]


@admin.register(User)
class SutiaoUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "institution", "role", "is_active"]
    list_filter = ["role", "is_active", "institution__kind"]
    fieldsets = [*UserAdmin.fieldsets, (_("机构与角色"), {"fields": ["institution", "role", "full_name", "phone"]})]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: a token is issued, rotated and revoked at /accounts/api-tokens/ by its user or their
    institution's administrator (sutiao.accounts.tokens), where it is shown once; a row made here would have
    no token behind it."""

    list_display = ["user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
