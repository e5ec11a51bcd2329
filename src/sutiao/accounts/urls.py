"""URLs both platforms share: sign-in (password; for a party, password plus SMS code in either order),
notifications, language, the operators' admin, the docking endpoint, the platform CA's revocation lists."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sutiao.documents import views as document_views

from . import passkeys, views

common_urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sms-login/", views.sms_login, name="sms-login"),
    # A party's or agent's other sign-in factor (SMS code after the password, or the password after a code).
    path("accounts/sign-in/verify/", views.party_verify, name="party-verify"),
    path("accounts/two-factor/", views.second_factor, name="two-factor"),
    path("accounts/two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("accounts/two-factor/passkeys/", views.passkey_list, name="passkeys"),
    # An administrator resetting a staff member's lost second factor: outside /accounts/two-factor/, so only a
    # session signed in with two factors reaches it (SecondFactorMiddleware).
    path("accounts/staff/second-factor/", views.second_factor_resets, name="second-factor-resets"),
    path("accounts/staff/<int:user_id>/second-factor/reset/", views.second_factor_reset, name="second-factor-reset"),
    # django-otp-webauthn's endpoints, under the namespace its scripts' configuration is reversed from.
    path("accounts/two-factor/passkey/", include((passkeys.urlpatterns, "otp_webauthn"))),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password/reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",  # the name Django's reset email and view expect
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password/reset_complete.html"),
        name="password-reset-complete",
    ),
    path("accounts/on-my-behalf/", views.acts_on_my_behalf, name="acts-on-my-behalf"),
    path("accounts/firm-staff/", views.firm_staff, name="firm-staff"),
    path("accounts/powers/", views.powers, name="powers"),
    path("accounts/api-tokens/", views.api_tokens, name="api-tokens"),
    path("accounts/powers/<int:power_id>/document/", views.power_document, name="power-document"),
    path("accounts/my-data/", views.my_data, name="my-data"),
    path("notifications/", include("sutiao.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("docking/", include("sutiao.docking.urls")),
    # The platform CA's CRLs, where its certificates' distribution point says (sutiao.documents.ca).
    path("ca/<str:which>.crl", document_views.crl, name="ca-crl"),
]
