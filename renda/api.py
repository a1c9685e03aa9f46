"""The HTTP API: Django Ninja routers per app under /api/v1/, one error shape.

Every error, whatever raised it, comes back as ``{"detail": "...", "code": "..."}`` (plus
``"errors"`` with the field-level list for invalid input). The OpenAPI document is published at
/api/v1/openapi.json and browsable at /api/v1/docs.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError
from ninja.pagination import LimitOffsetPagination
from pydantic import field_validator

api = NinjaAPI(title="Renda API", version="1", urls_namespace="api-v1",
               description=str(_("人大代表履职服务平台的开放接口")))

HTTP_CODES = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied",
              404: "not_found", 405: "method_not_allowed", 429: "throttled"}


class ErrorOut(Schema):
    """The one error shape of the API."""

    detail: str
    code: str
    errors: list[dict[str, Any]] | None = None


class InSchema(Schema):
    """Base of the input schemas: text holding a NUL character is refused as invalid input
    (422). No client means one, and PostgreSQL text cannot hold it: a query with one would fail
    in the database instead."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(str(_("不能包含 NUL 字符")))
        return value


# An offset far past any list, that keeps SQL's OFFSET inside a bigint.
MAX_OFFSET = 1_000_000


class Pagination(LimitOffsetPagination):
    """Ninja's limit/offset pagination with a bounded offset."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def error_response(request: HttpRequest, status: int, detail: Any, code: str,
                   errors: list | None = None) -> HttpResponse:
    body: dict[str, Any] = {"detail": str(detail), "code": code}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(InputError)
def on_input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    return error_response(request, 422, _("请求参数不正确"), "validation_error", exc.errors)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": field, "messages": messages}
              for field, messages in getattr(exc, "message_dict", {}).items()]
    return error_response(request, 400, "；".join(exc.messages), "invalid", errors or None)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, _("未找到"), "not_found")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(exc) or _("没有权限"), "permission_denied")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, exc, code)


# Last: the routers import ErrorOut from this module.
api.add_router("/directory/", "renda.directory.api.router")
api.add_router("/opinions/", "renda.opinions.api.router")
