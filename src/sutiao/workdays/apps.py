from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "sutiao.workdays"
    verbose_name = "工作日历"
