"""One error shape for every API error and every non-HTML error page:

    {"error": {"code": "tenant_suspended", "message": "...", "details": {...}}}

Services raise `PlatformError` subclasses with stable machine codes; the DRF exception
handler and the Django error views render them.

Every code has one meaning, one HTTP status and one class: a subclass that sets `code` in
its own body registers it (a second class registering the same code is an
ImproperlyConfigured error at import); a subclass that only inherits the code keeps its
parent's meaning and status, and may say it in its own words (`message`). Call sites pass
at most a more specific message and details, never a code or a status. `error_codes()`
lists the registry, which the OpenAPI schema documents (apps.core.openapi).
"""

from __future__ import annotations

import errno
import sys
from importlib import import_module
from typing import NamedTuple

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorCode(NamedTuple):
    code: str
    status: int
    message: str  # lazy: translated when read
    owner: str  # dotted path of the class that defines the code


_REGISTRY: dict[str, ErrorCode] = {}


def _owner(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _register(cls) -> None:
    owner = _owner(cls)
    existing = _REGISTRY.get(cls.code)
    if existing is not None and existing.owner != owner:
        raise ImproperlyConfigured(
            f"Error code {cls.code!r} is defined twice, by {existing.owner} and by {owner}. A code has one "
            "meaning: give the new class its own code, or make it a subclass that inherits the code.")
    _REGISTRY[cls.code] = ErrorCode(cls.code, cls.status, cls.message, owner)


class PlatformError(Exception):
    """A failure a person can act on. Subclasses set `code`, `status` and `message`."""

    code = "error"
    status = status.HTTP_400_BAD_REQUEST
    message = _("The request could not be completed.")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            _register(cls)
        elif "status" in cls.__dict__ and cls.status != _REGISTRY[cls.code].status:
            raise ImproperlyConfigured(
                f"{_owner(cls)} inherits the error code {cls.code!r} ({_REGISTRY[cls.code].status}) but sets "
                f"status {cls.status}: another status is another meaning, give it its own code.")

    def __init__(self, message=None, *, details=None):
        self.message = message or self.message
        self.details = details or {}
        super().__init__(str(self.message))


_register(PlatformError)


def error_codes() -> list[tuple[str, int, str]]:
    """Every code a client can receive, sorted: (code, HTTP status, message). The message is
    the class's own (call sites may say something more specific)."""
    discover_errors()
    return [(entry.code, entry.status, entry.message) for _code, entry in sorted(_REGISTRY.items())]


def discover_errors() -> None:
    """Import every project app's `errors` module, where its error classes live, so that
    the registry is complete whatever has been imported so far (run at start-up too, so
    a duplicate code stops the process)."""
    for app_config in django_apps.get_app_configs():
        if app_config.name.startswith("apps.") and module_has_submodule(app_config.module, "errors"):
            import_module(f"{app_config.name}.errors")


# --- The generic errors -----------------------------------------------------------------
# The codes the exception handler and the error views give for exceptions that are not
# PlatformErrors (DRF's, Django's, simplejwt's). An app raises one of these, or subclasses
# it with its own message, when it means the same thing.


class InvalidData(PlatformError):
    """Invalid input; `details` has the messages per field."""

    code = "validation_error"
    status = 400
    message = _("Some of the data is invalid.")


class BadRequest(PlatformError):
    code = "bad_request"
    status = 400
    message = _("The request could not be completed.")


class MalformedRequest(PlatformError):
    code = "parse_error"
    status = 400
    message = exceptions.ParseError.default_detail


class InvalidCursor(PlatformError):
    """A page cursor we did not give out, or one made for another order of the list."""

    code = "invalid_cursor"
    status = 400
    message = _("This cursor is not one we gave out: start again without it.")


class NotAuthenticated(PlatformError):
    code = "not_authenticated"
    status = 401
    message = exceptions.NotAuthenticated.default_detail


class PermissionDenied(PlatformError):
    code = "permission_denied"
    status = 403
    message = _("You do not have permission to do this.")


class NotFound(PlatformError):
    code = "not_found"
    status = 404
    message = _("Not found.")


class MethodNotAllowed(PlatformError):
    code = "method_not_allowed"
    status = 405
    message = exceptions.MethodNotAllowed.default_detail


class NotAcceptable(PlatformError):
    code = "not_acceptable"
    status = 406
    message = exceptions.NotAcceptable.default_detail


class Conflict(PlatformError):
    code = "conflict"
    status = 409
    message = _("The current state does not allow this.")


class UnsupportedMediaType(PlatformError):
    code = "unsupported_media_type"
    status = 415
    message = exceptions.UnsupportedMediaType.default_detail


class TooManyRequests(PlatformError):
    """A rate limit; `details.retry_after` (seconds) becomes the Retry-After header."""

    code = "rate_limited"
    status = 429
    message = exceptions.Throttled.default_detail


class ServerError(PlatformError):
    code = "server_error"
    status = 500
    message = _("Something went wrong on our side. Please try again.")


class ServiceUnavailable(PlatformError):
    """The database or Redis cannot be reached (restarting, failing over): nothing was
    done; the same request may be sent again shortly (Retry-After)."""

    code = "service_unavailable"
    status = 503
    message = _("The service is briefly unavailable. Nothing was changed; please try again in a moment.")
    retry_after = 5


class StorageFull(PlatformError):
    """The disk for uploaded files is full: the upload was refused whole, nothing else changed."""

    code = "storage_full"
    status = 507
    message = _("The file could not be stored: the storage is full. Nothing was changed; please tell the "
                "platform's operator.")


def unavailable_cause(exc: BaseException | None) -> bool:
    """`exc` (or what caused it) says the database or Redis could not be reached."""
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError | RedisConnectionError | RedisTimeoutError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


# The generic error for a DRF exception's status when its code is not a registered one.
_GENERIC_BY_STATUS = {cls.status: cls for cls in (BadRequest, NotAuthenticated, PermissionDenied, NotFound,
                                                   MethodNotAllowed, NotAcceptable, Conflict, UnsupportedMediaType,
                                                   TooManyRequests)}


# --- Codes that several apps raise with the same meaning ---------------------------------


class ReasonRequired(PlatformError):
    """An operator action that is recorded with its reason (a tenant's suspension, a voided
    invoice) was asked for without one."""

    code = "reason_required"
    status = 400
    message = _("Please give a reason.")


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
        code, message, details = InvalidData.code, InvalidData.message, response.data
        if not isinstance(details, dict):
            details = {"non_field_errors": details}
    else:
        data = exc.detail
        if isinstance(data, dict):  # simplejwt: {"detail", "code", "messages"}
            message = data.get("detail", PlatformError.message)
            code = str(data.get("code") or "")
        else:
            message = data
            code = _first_code(exc.get_codes()) or ""
        if code not in _REGISTRY or code == PlatformError.code:  # DRF's "invalid", "authentication_failed", ...
            generic = _GENERIC_BY_STATUS.get(response.status_code)
            code = generic.code if generic else PlatformError.code
        details = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after": exc.wait}
        if isinstance(exc, exceptions.ParseError) and str(message) != str(MalformedRequest.message):
            # the parser's own words ("JSON parse error - Expecting ...") are English and
            # technical: a message in the reader's language, the parser's words beside it
            message, details = MalformedRequest.message, {"reason": str(data)}
    response.data = error_payload(code, message, details)
    return response


# --- Django error views (handler404 & co) ----------------------------------------------


def not_found_view(request, exception=None):
    return error_response(request, NotFound.status, NotFound.code, _("The page or resource was not found."))


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
            return error_response(request, NotFound.status, NotFound.code,
                                  _("The address must end with a slash: %(path)s") % {"path": path + "/"},
                                  {"path": path + "/"})
    return error_response(request, NotFound.status, NotFound.code, _("There is no API endpoint at this address."))


def permission_denied_view(request, exception=None):
    return error_response(request, PermissionDenied.status, PermissionDenied.code, PermissionDenied.message)


def server_error_view(request):
    """handler500, called while the exception is handled: a database or Redis that cannot
    be reached is a 503 (no page that needs either), anything else a 500."""
    if unavailable_cause(sys.exc_info()[1]):
        if wants_json(request):
            response = JsonResponse(error_payload(ServiceUnavailable.code, ServiceUnavailable.message),
                                    status=ServiceUnavailable.status)
        else:
            page = render_to_string("errors/unavailable.html", {"message": ServiceUnavailable.message})
            response = HttpResponse(page, status=ServiceUnavailable.status)
        response["Retry-After"] = str(ServiceUnavailable.retry_after)
        return response
    if isinstance(sys.exc_info()[1], OSError) and sys.exc_info()[1].errno in (errno.ENOSPC, errno.EDQUOT):
        return error_response(request, StorageFull.status, StorageFull.code, StorageFull.message)
    return error_response(request, ServerError.status, ServerError.code, ServerError.message)
