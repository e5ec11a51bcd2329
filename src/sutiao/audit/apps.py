from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sutiao.audit"
    verbose_name = _("审计日志")

    def ready(self):
        # The chain-head exchange is the audit app's own, the same on both platforms: it registers itself.
        from sutiao.docking import hooks
        from sutiao.docking.schemas import MessageType
        from sutiao.jobs.schedule import periodic

        from . import heads, inbound

        hooks.handles(MessageType.AUDIT_HEAD)(inbound.on_audit_head)
        hooks.lists_received_heads(heads.received_page)
        # Asked every deadline scan; sends only when a peer's last head is SUTIAO_AUDIT_HEAD_SECONDS old.
        periodic("send_audit_heads")(heads.send_heads)
