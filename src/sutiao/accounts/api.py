"""What both platforms' REST APIs share: token auth, and refusals answered with a code and a sentence in the
caller's language (Chinese unless Accept-Language asks for English)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema

from sutiao.kernel.errors import DomainError
from sutiao.translation import refusal

from .api_auth import TokenAuth


class ErrorOut(Schema):
    """Every refusal: `error` is a code, `message` a Chinese sentence; framework errors carry `detail`."""

    error: str | None = None
    message: str | None = None
    field: str | None = None
    detail: object | None = None


REFUSALS = frozenset({400, 401, 403, 404, 405, 409, 413, 415, 422, 429})


def responses(ok_status: int, schema) -> dict:
    """The documented answers of an operation: its success and every 4xx refusal."""
    return {ok_status: schema, REFUSALS: ErrorOut}


def make_api(title: str, namespace: str) -> NinjaAPI:
    api = NinjaAPI(title=title, version="1", urls_namespace=namespace, auth=TokenAuth(), docs_url="/docs")

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(
            request, {"error": "refused", "message": refusal(exc), "field": exc.field}, status=400
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(
            request, {"error": "forbidden", "message": str(exc) or gettext("无权进行此操作")}, status=403
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"error": "not_found", "message": str(exc) or gettext("不存在")}, status=404
        )

    return api
