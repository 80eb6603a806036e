"""The refusal when a rate limit is reached (429, the platform error shape)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import TooManyRequests

from .limiter import Decision

_MESSAGES = {
    "tenant": _("This workspace's plan allows %(limit)s API requests per minute. Try again in %(wait)s seconds."),
    "user": _("You may make %(limit)s API requests per minute. Try again in %(wait)s seconds."),
    "api_key": _("This API key may make %(limit)s requests per minute. Try again in %(wait)s seconds."),
    "ip": _("Too many requests from your address (%(limit)s per minute). Try again in %(wait)s seconds."),
    "month": _("This workspace has used its API requests for this month. Upgrade the plan or add an add-on."),
}


class RateLimited(TooManyRequests):
    """A rate limit of apps.ratelimit.limiter; `details` say which and when to try again."""


def rate_limited(decision: Decision) -> RateLimited:
    message = _MESSAGES[decision.scope] % {"limit": decision.limit, "wait": decision.retry_after}
    return RateLimited(message, details={"limit": decision.scope, "allowed": decision.limit,
                                         "retry_after": decision.retry_after})
