"""Request id: taken from X-Request-ID when sane, generated otherwise, echoed back, and
available to logs (apps.core.logging) for the whole request."""

import re
import uuid

from .logging import request_context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_context.set({
            "request_id": request.request_id,
            "ip": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.headers.get("User-Agent", ""),
        })
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
