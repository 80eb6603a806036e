"""DRF throttle on apps.ratelimit.limiter (DEFAULT_THROTTLE_CLASSES). The decision is
kept on the request so that RateLimitHeadersMiddleware adds X-RateLimit-* and
Retry-After headers. (Imports are deferred: DRF imports this module while it loads.)"""

from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str | None:
    from apps.core.net import client_ip as trusted_client_ip  # REMOTE_ADDR, or X-Forwarded-For from TRUSTED_PROXIES

    return trusted_client_ip(request)


class PlanRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        from .errors import rate_limited
        from .limiter import hit

        django_request = request._request
        tenant = getattr(django_request, "tenant", None)
        api_key = getattr(request.user, "api_key", None)  # apps.apikeys principal
        decision = hit(tenant=tenant, user=request.user, ip=client_ip(django_request),
                       api_key=f"{getattr(tenant, 'pk', '-')}:{api_key.pk}" if api_key is not None else None)
        django_request.ratelimit = decision
        if decision is not None and not decision.allowed:
            raise rate_limited(decision)
        return True
