from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "kind", "subject", "state", "attempts", "address_masked")
    list_filter = ("channel", "state", "kind")
    exclude = ("address_encrypted",)
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "address_encrypted"]

    def has_add_permission(self, request):
        return False
