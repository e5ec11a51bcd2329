from django.contrib import admin

from .models import Case, CaseEvent, Delegation, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "peer", "active"]
    list_filter = ["active", "peer"]


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0
    can_delete = False
    fields = ["organisation", "kind", "state", "sent_at", "received_at", "answer_due", "outcome"]
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "text"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change through the services, which keep the docking and the story in step."""

    list_display = ["number", "court", "dispute_type", "state", "registered_at"]
    list_filter = ["state", "stage", "dispute_type", "court"]
    search_fields = ["number", "parties__name"]
    inlines = [DelegationInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
