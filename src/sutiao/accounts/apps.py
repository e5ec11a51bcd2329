from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sutiao.accounts"
    verbose_name = _("机构与用户")

    def ready(self):
        # Two-factor for staff: the operators' admin asks for a TOTP code after the password.
        from django.contrib import admin
        from django_otp.admin import OTPAdminSite

        admin.site.__class__ = OTPAdminSite
