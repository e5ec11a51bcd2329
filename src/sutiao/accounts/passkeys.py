"""Passkeys (WebAuthn) as a staff member's second factor: django-otp-webauthn's four JSON endpoints, which its
static scripts call (no inline script: the pages load them from /static/, CSP `script-src 'self'`), narrowed to
what sutiao.accounts.two_factor allows and written to the audit log.

- Registering a passkey needs a session already signed in with two factors (the authenticator app first, so a
  password alone never enrols a second factor of its holder's choosing) and a staff role.
- Signing in with one needs the password first (no passwordless sign-in: OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN
  is off) and a passkey of that same user (the library checks the credential's owner).

They live under /accounts/two-factor/, which SecondFactorMiddleware lets a password-only session reach."""

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as library

from . import two_factor


class StaffOnly(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "staff_only"
    default_detail = _("只有工作人员账号使用通行密钥作为第二重验证")


class TwoFactorFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "two_factor_first"
    default_detail = _("请先用动态口令完成两步登录，再添加通行密钥")


class _Registration:
    def check_can_register(self):
        user = self.request.user
        if user.role not in two_factor.STAFF_ROLES:
            raise StaffOnly()
        if not user.is_verified():
            raise TwoFactorFirst()


class BeginRegistration(_Registration, library.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_Registration, library.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        # The library's own steps, with the audit record in the credential's transaction. The ceremony's state
        # leaves the session first, outside it: a refused attempt must not roll that back and allow a replay.
        user, state = self.request.user, self.get_state()
        with library.rewrite_exceptions(logger=library._get_pywebauthn_logger()), transaction.atomic():
            credential = self.get_helper().register_complete(user=user, state=state, data=self.request.data)
            two_factor.passkey_registered(user, credential)
        return JsonResponse({"id": credential.pk})


class _Authentication:
    def check_can_authenticate(self):
        user = self.request.user
        if not user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        if user.role not in two_factor.STAFF_ROLES:
            raise StaffOnly()


class BeginAuthentication(_Authentication, library.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(_Authentication, library.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        two_factor.passkey_used(self.request, device)

    def get_success_url(self):
        from .views import _after_sign_in

        return _after_sign_in(self.request)


urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginAuthentication.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", CompleteAuthentication.as_view(), name="credential-authentication-complete"),
    # The scripts' messages (their English, and our Chinese in sutiao/accounts/locale/…/djangojs.po).
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "sutiao.accounts"]),
        name="js-i18n-catalog",
    ),
]
