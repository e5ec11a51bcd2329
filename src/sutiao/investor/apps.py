from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestorConfig(AppConfig):
    name = "sutiao.investor"
    verbose_name = _("中国投资者网证券期货纠纷在线调解平台")

    def ready(self):
        from . import handlers, reports  # noqa: F401  (register the docking handlers, periodic work and the import job)
        from .mediation import room  # noqa: F401  (the audio/video rooms' backend: sutiao.media)
