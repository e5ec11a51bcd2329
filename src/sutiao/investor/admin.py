from django.contrib import admin

from .models import CourtDirectory, Delegation, DelegationEvent


class EventInline(admin.TabularInline):
    model = DelegationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "text"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["court_case_number", "organisation", "court_name", "state", "answer_due", "mediator"]
    list_filter = ["state", "kind", "organisation"]
    search_fields = ["court_case_number", "court_name"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(CourtDirectory)
class CourtDirectoryAdmin(admin.ModelAdmin):
    """Courts the Bureau can push to. Read from the court platform every SUTIAO_COURT_DIRECTORY_SECONDS and
    learned from delegations; an operator may add a court before then, with the id the court platform gives it."""

    list_display = ["name", "id", "peer", "active", "synced_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    fields = ["id", "name", "peer", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["id"] if obj else []
