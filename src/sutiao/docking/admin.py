import json

from django.contrib import admin, messages

from sutiao.kernel.identifiers import mask_parties

from . import relay
from .models import DeliveryBatch, InboxMessage, OutboxMessage, OutboxStatus, Peer, PeerKey


class PeerKeyInline(admin.TabularInline):
    model = PeerKey
    extra = 0


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "name", "base_url", "active"]
    inlines = [PeerKeyInline]


class MaskedPayload:
    """The stored message as operators see it: the parties' identity numbers, phones and addresses masked
    (docs/personal-data.md); the clear payload is for the handlers only."""

    exclude = ["payload"]
    readonly_fields = ["masked_payload"]

    @admin.display(description="内容（个人信息已脱敏）")
    def masked_payload(self, obj) -> str:
        payload = dict(obj.payload)
        if isinstance(payload.get("parties"), list):
            payload["parties"] = mask_parties(payload["parties"])
        return json.dumps(payload, ensure_ascii=False, indent=2)


@admin.register(OutboxMessage)
class OutboxAdmin(MaskedPayload, admin.ModelAdmin):
    list_display = ["id", "type", "peer", "case", "seq", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "type", "peer"]
    search_fields = ["id", "case"]
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return False  # the relay and its services change outbox rows, never a form

    @admin.action(description="重新发送所选的已搁置消息")
    def retry(self, request, queryset):
        count = relay.retry_parked(queryset.filter(status=OutboxStatus.PARKED).values_list("pk", flat=True))
        self.message_user(request, f"已重新排队 {count} 条消息", messages.SUCCESS)


@admin.register(InboxMessage)
class InboxAdmin(MaskedPayload, admin.ModelAdmin):
    list_display = ["id", "type", "peer", "case", "seq", "status", "received_at", "applied_at", "error"]
    list_filter = ["status", "type", "peer"]
    search_fields = ["id", "case"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(admin.ModelAdmin):
    list_display = ["peer", "received_at", "content_digest"]
    readonly_fields = ["peer", "received_at", "body", "content_digest", "signature_input", "signature"]

    def has_change_permission(self, request, obj=None):
        return False
