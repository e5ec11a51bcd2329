from django.apps import AppConfig


class DockingConfig(AppConfig):
    name = "sutiao.docking"
    verbose_name = "平台对接"
