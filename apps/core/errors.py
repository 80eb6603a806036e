"""One error shape for every API error and every non-HTML error page:

    {"error": {"code": "tenant_suspended", "message": "...", "details": {...}}}

Services raise `PlatformError` subclasses with stable machine codes; the DRF exception
handler and the Django error views render them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class PlatformError(Exception):
    """A failure a person can act on. Subclasses set `code`, `status` and `message`."""

    code = "error"
    status = status.HTTP_400_BAD_REQUEST
    message = _("The request could not be completed.")

    def __init__(self, message=None, *, code=None, details=None, status=None):
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details or {}
        super().__init__(str(self.message))


class NotFound(PlatformError):
    code = "not_found"
    status = 404
    message = _("Not found.")


class Conflict(PlatformError):
    code = "conflict"
    status = 409


def error_payload(code: str, message, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: HttpRequest, status_code: int, code: str, message, details=None) -> HttpResponse:
    """An error as JSON for API clients, as a page for browsers."""
    if wants_json(request):
        return JsonResponse(error_payload(code, message, details), status=status_code)
    context = {"status": status_code, "code": code, "message": message}
    return render(request, "errors/error.html", context, status=status_code)


_CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _first_code(codes) -> str | None:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict):
        codes = codes.get("code") or next(iter(codes.values()), None)
        return _first_code(codes)
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    return None


def api_exception_handler(exc, context):
    """DRF exception handler producing the platform error shape."""
    if isinstance(exc, PlatformError):
        response = Response(error_payload(exc.code, exc.message, exc.details), status=exc.status)
        if exc.status == 429 and "retry_after" in exc.details:  # RFC 9110 10.2.3, for clients that back off
            response["Retry-After"] = str(int(exc.details["retry_after"]))
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "validation_error", _("Some of the data is invalid."), response.data
        if not isinstance(details, dict):
            details = {"non_field_errors": details}
    else:
        data = exc.detail
        if isinstance(data, dict):  # simplejwt: {"detail", "code", "messages"}
            message = data.get("detail", _("The request could not be completed."))
            code = str(data.get("code") or "")
        else:
            message = data
            code = _first_code(exc.get_codes()) or ""
        if code in ("", "invalid", "error", "authentication_failed", "permission_denied", "not_found"):
            code = _CODES_BY_STATUS.get(response.status_code, code or "error")
        details = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after": exc.wait}
    response.data = error_payload(code, message, details)
    return response


# --- Django error views (handler404 & co) ----------------------------------------------


def not_found_view(request, exception=None):
    return error_response(request, 404, "not_found", _("The page or resource was not found."))


@csrf_exempt  # nothing to protect, and a 403 for an unknown unsafe request would hide the 404
def api_not_found_view(request, *args, **kwargs):
    """The last route of each URLconf, for every unknown path under /api/: the error shape
    in every mode (with DEBUG on, Django would answer with its HTML debug page). A GET for
    a known endpoint without its trailing slash is redirected, as CommonMiddleware would."""
    path = request.path_info
    if not path.endswith("/"):
        try:
            match = resolve(path + "/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found_view:
            if request.method in ("GET", "HEAD") and settings.APPEND_SLASH:
                return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
            return error_response(request, 404, "not_found",
                                  _("The address must end with a slash: %(path)s") % {"path": path + "/"},
                                  {"path": path + "/"})
    return error_response(request, 404, "not_found", _("There is no API endpoint at this address."))


def permission_denied_view(request, exception=None):
    return error_response(request, 403, "permission_denied", _("You do not have permission to do this."))


def server_error_view(request):
    return error_response(request, 500, "server_error", _("Something went wrong on our side. Please try again."))
