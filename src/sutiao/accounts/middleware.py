"""Refuse, with a clear message, a request whose parameters carry a NUL character: no field of ours can hold
one (PostgreSQL text cannot), so it can only be a mistake or a probe, and it must not reach a query as a 500."""

from django.http import HttpResponseBadRequest, JsonResponse
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
