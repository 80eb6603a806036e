"""Request id: taken from X-Request-ID when sane, generated otherwise, echoed back, and
available to logs (apps.core.logging) for the whole request, which ends with its one
log line (method, host, path, status, duration). The request also reads each cache scope's
version once (apps.core.cache.request_versions)."""

import re
import time
import uuid

from .cache import request_versions
from .errors import PlatformError, error_response
from .logging import log_request, request_context
from .net import client_ip

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_context.set({
            "request_id": request.request_id,
            "ip": client_ip(request),
            "user_agent": request.headers.get("User-Agent", ""),
        })
        started = time.monotonic()
        try:
            with request_versions():
                response = self.get_response(request)
            log_request(request, response, time.monotonic() - started)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class PlatformErrorMiddleware:
    """A service's PlatformError that escapes a non-API view (an admin page, a form that
    lost a race after validation) is the person's error, not the server's: our error page
    (or JSON) with its status and message, never a 500. DRF views answer their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PlatformError):
            return error_response(request, exception.status, exception.code, exception.message, exception.details)
        return None
