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
    list_display = ["user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]
