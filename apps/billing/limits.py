"""Plan limits: what a tenant may have, and the refusal when it would go beyond.

A tenant's limit is its plan's limit plus what its subscribed add-ons raise. The
resolved limits are cached per tenant (rate limiting reads them on every request) and
dropped whenever the plan, the subscription or its add-ons change (`limits_forget`)."""

from __future__ import annotations

from django.core.cache import cache
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
_CACHE_SECONDS = 600


class PlanLimitReached(PlatformError):
    code = "plan_limit_reached"
    status = 403


def _key(tenant_id) -> str:
    return f"billing:limits:{tenant_id}"


def tenant_limits(*, tenant) -> dict[str, int | None]:
    """Every limit of the tenant (None: unlimited), plan plus add-ons. Cached."""
    if tenant.plan is None:
        return dict.fromkeys(LIMITS)
    key = _key(tenant.pk)
    cached = cache.get(key)
    if cached is not None and cached.get("_plan") == tenant.plan_id:
        return {k: v for k, v in cached.items() if k != "_plan"}
    from .models import SubscriptionAddOn

    limits = {key_: getattr(tenant.plan, field) for key_, (field, _label) in LIMITS.items()}
    extra = (SubscriptionAddOn.objects.filter(subscription__tenant_id=tenant.pk, subscription__plan_id=tenant.plan_id)
             .exclude(addon__limit_key="").values_list("addon__limit_key", "addon__limit_increase", "quantity"))
    for limit_key, increase, quantity in extra:
        if limits.get(limit_key) is not None:
            limits[limit_key] += increase * quantity
    cache.set(key, {**limits, "_plan": tenant.plan_id}, _CACHE_SECONDS)
    return limits


def limits_forget(*, tenant_ids) -> None:
    cache.delete_many([_key(pk) for pk in tenant_ids])


def limit_for(*, tenant, key: str) -> int | None:
    """The tenant's limit for `key` (None: unlimited). No plan means no limit."""
    if key not in LIMITS:
        raise KeyError(key)
    return tenant_limits(tenant=tenant)[key]


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
