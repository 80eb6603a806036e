"""Request id: taken from X-Request-ID when sane, generated otherwise, echoed back, and
available to logs (apps.core.logging) for the whole request, which ends with its one
log line (method, host, path, status, duration)."""

import re
import time
import uuid

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
            response = self.get_response(request)
            log_request(request, response, time.monotonic() - started)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
