from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sutiao.notifications"
    verbose_name = _("通知")

    def ready(self):
        from sutiao.jobs.schedule import periodic

        from .delivery import deliver_due, purge_addresses

        # Like the docking relay: every round of the worker, again at once while there is more to send.
        periodic("deliver_notifications", every=None)(deliver_due)
        periodic("purge_notification_addresses", every="SUTIAO_RETENTION_SECONDS")(purge_addresses)
