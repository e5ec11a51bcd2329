from django.apps import AppConfig


class DockingConfig(AppConfig):
    name = "sutiao.docking"
    verbose_name = "平台对接"

    def ready(self):
        from sutiao.jobs.schedule import periodic

        from . import checks  # noqa: F401  (registers the start-up check of the platform's handlers)
        from .feed import pull_all
        from .inbox import forget_old_nonces
        from .reconcile import reconcile_all
        from .relay import deliver_due

        # The docking's own periodic work, on the platform worker's scheduler (sutiao.jobs); the relay first,
        # every round, and again at once while it has delivered something.
        periodic("relay", every=None)(deliver_due)
        periodic("pull_feeds", every="SUTIAO_FEED_PULL_SECONDS")(pull_all)
        periodic("forget_old_nonces", every="SUTIAO_DEADLINE_SCAN_SECONDS")(forget_old_nonces)
        periodic("reconcile", every="SUTIAO_RECONCILE_SECONDS", at_start=False)(reconcile_all)
