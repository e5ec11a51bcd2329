"""Refuse, with a clear message, a request whose parameters carry a NUL character: no field of ours can hold
one (PostgreSQL text cannot), so it can only be a mistake or a probe, and it must not reach a query as a 500."""

from urllib.parse import urlencode

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

NUL = "\x00"


def _carries_nul(request) -> bool:
    if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
        return True
    content_type = request.content_type or ""
    if content_type == "application/json":
        return b"\\u0000" in request.body or NUL.encode() in request.body
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any(NUL in key or any(NUL in v for v in values) for key, values in request.POST.lists())
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The docking's own endpoints answer in the docking's refusal format (its schemas refuse bad text).
        if not request.path.startswith("/docking/") and _carries_nul(request):
            message = gettext("请求中含有不允许的空字符（NUL），请检查后重新提交")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "refused", "message": message, "field": None}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Staff pages need the second factor (sutiao.accounts.two_factor): a staff member signed in with a password
    only is sent to enter their code (or enrol an authenticator) before anything else. A party or agent signed
    in with only one of password and SMS code is sent to prove the other (issue 14 §10). The REST API (tokens,
    issued to institutions' users only), the docking (signatures) and the operators' admin (its own OTP
    sign-in, staff only) are not pages of this kind."""

    EXEMPT = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/", "/api/", "/docking/", "/admin/")
    PARTY_STEP = "/accounts/sign-in/verify/"
    PARTY_EXEMPT = (PARTY_STEP, "/accounts/logout/", "/i18n/", "/static/", "/api/", "/docking/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import two_factor

        if two_factor.needs_second_factor(request.user) and not request.path.startswith(self.EXEMPT):
            target = "/accounts/two-factor/"
            if request.method == "GET" and request.path != "/":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        if two_factor.party_factors_missing(request) and not request.path.startswith(self.PARTY_EXEMPT):
            target = self.PARTY_STEP
            if request.method == "GET" and request.path != "/":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
