from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sutiao.accounts"
    verbose_name = "机构与用户"
