from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtConfig(AppConfig):
    name = "sutiao.court"
    verbose_name = _("人民法院调解平台")

    def ready(self):
        from . import handlers, reports  # noqa: F401  (registers the docking handlers and periodic jobs)
