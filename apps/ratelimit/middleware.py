"""X-RateLimit-* headers on every API response. Requests refused before the throttle
ran (authentication, permissions) or outside DRF are counted here by caller IP."""

from django.http import JsonResponse

from apps.core.errors import error_payload

from .errors import rate_limited
from .limiter import hit
from .metrics import RATELIMIT_REJECTIONS
from .throttling import client_ip


class RateLimitHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        if hasattr(request, "ratelimit"):  # the throttle counted it
            decision = request.ratelimit
        else:
            decision = hit(tenant=getattr(request, "tenant", None), ip=client_ip(request))
            if decision is not None and not decision.allowed:
                error = rate_limited(decision)
                response = JsonResponse(error_payload(error.code, error.message, error.details), status=429)
        if decision is None:  # Redis unreachable, RATELIMIT_FAIL_OPEN: not counted
            return response
        response["X-RateLimit-Limit"] = str(decision.limit)
        response["X-RateLimit-Remaining"] = str(decision.remaining)
        response["X-RateLimit-Reset"] = str(decision.reset)
        if not decision.allowed:
            RATELIMIT_REJECTIONS.labels(scope=decision.scope).inc()
            response["Retry-After"] = str(decision.retry_after)
        return response
