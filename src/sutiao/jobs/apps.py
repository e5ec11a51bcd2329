from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sutiao.jobs"
    verbose_name = "后台任务"

    def ready(self):
        from .maintenance import analyse_database
        from .schedule import periodic

        periodic("analyse_database", every="SUTIAO_ANALYSE_SECONDS")(analyse_database)
