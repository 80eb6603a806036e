"""Plan limits: what a tenant may have, and the refusal when it would go beyond."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError

# limit key -> (Plan field, what a person calls it)
LIMITS = {
    "staff_users": ("max_staff_users", _("staff users")),
    "branches": ("max_branches", _("branches")),
    "api_requests_per_minute": ("api_requests_per_minute", _("API requests per minute")),
    "api_requests_per_month": ("api_requests_per_month", _("API requests per month")),
    "storage_mb": ("storage_mb", _("storage (MB)")),
}


class PlanLimitReached(PlatformError):
    code = "plan_limit_reached"
    status = 403


def limit_for(*, tenant, key: str) -> int | None:
    """The tenant's limit for `key` (None: unlimited). No plan means no limit."""
    field, _label = LIMITS[key]
    plan = tenant.plan
    return getattr(plan, field) if plan is not None else None


def enforce_limit(*, tenant, key: str, current: int, adding: int = 1) -> None:
    """Refuse going from `current` to `current + adding` beyond the plan's limit."""
    limit = limit_for(tenant=tenant, key=key)
    if limit is not None and current + adding > limit:
        label = LIMITS[key][1]
        raise PlanLimitReached(
            _("Your plan allows %(limit)s %(label)s; you have %(current)s. Upgrade the plan or add an add-on.")
            % {"limit": limit, "label": label, "current": current},
            details={"limit": key, "allowed": limit, "current": current},
        )
