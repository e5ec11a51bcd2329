from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sutiao.jobs"
    verbose_name = "后台任务"
