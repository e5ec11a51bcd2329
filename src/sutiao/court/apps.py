from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "sutiao.court"
    verbose_name = "人民法院调解平台"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the docking handlers and periodic jobs)
