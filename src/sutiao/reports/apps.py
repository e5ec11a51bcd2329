from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "sutiao.reports"
    verbose_name = _("统计与报表")

    def ready(self):
        # The same on both platforms: each makes its own platform-wide reports once a quarter or year has ended.
        from sutiao.jobs.schedule import periodic

        from . import actions
        from . import periodic as reports

        periodic("schedule_periodic_reports")(reports.schedule_due_reports)
        periodic("fail_interrupted_reports")(reports.fail_interrupted)
        # The joint meeting's superseded statistics copies, with the other retention jobs (daily).
        periodic("prune_statistics_copies", every="SUTIAO_RETENTION_SECONDS")(actions.prune_statistics_copies)
