from django.apps import AppConfig


class InvestorConfig(AppConfig):
    name = "sutiao.investor"
    verbose_name = "中国投资者网证券期货纠纷在线调解平台"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the docking handlers)
