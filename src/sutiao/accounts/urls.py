"""URLs both platforms share: sign-in (password, or a party's SMS code), notifications, language, the
operators' admin, the docking endpoint."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

common_urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sms-login/", views.sms_login, name="sms-login"),
    path("accounts/on-my-behalf/", views.acts_on_my_behalf, name="acts-on-my-behalf"),
    path("accounts/firm-staff/", views.firm_staff, name="firm-staff"),
    path("accounts/powers/", views.powers, name="powers"),
    path("accounts/my-data/", views.my_data, name="my-data"),
    path("notifications/", include("sutiao.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("docking/", include("sutiao.docking.urls")),
]
