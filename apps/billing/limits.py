"""Plan limits: what a tenant may have, and the refusal when it would go beyond.

A tenant's limit is its subscription's plan's limit plus what its subscribed add-ons
raise; a tenant without a subscription has no limit. The resolved limits are cached per
tenant under its scope (apps.core.cache; rate limiting reads them on every request) and
rebuilt after commit whenever a plan, a subscription or its add-ons change
(`limits_invalidate`, the one place billing calls for that)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.cache import bump, read_along_entry, scope, versioned_get_or_build

from .errors import PlanLimitReached

# limit key -> (Plan field, what a person calls it)
LIMITS = {
    "staff_users": ("max_staff_users", _("staff users")),
    "branches": ("max_branches", _("branches")),
    "api_requests_per_minute": ("api_requests_per_minute", _("API requests per minute")),
    "api_requests_per_month": ("api_requests_per_month", _("API requests per month")),
    "storage_mb": ("storage_mb", _("storage (MB)")),
}
_CACHE_SECONDS = 600


def _entry_name(tenant_id) -> str:
    return f"billing:limits:{tenant_id}"


def tenant_limits(*, tenant) -> dict[str, int | None]:
    """Every limit of the tenant (None: unlimited), its subscription's plan plus add-ons. Cached."""
    tenant_id = tenant.pk
    # Kept in the process too: a request has read the tenant's version for its routing
    # already, so this read (every API request, apps.ratelimit) costs no round trip; the
    # first request of a tenant in a process brought the entry along with that version.
    limits = versioned_get_or_build(_entry_name(tenant_id), [scope("tenant", tenant_id)],
                                    lambda: _resolve(tenant_id), _CACHE_SECONDS, local=True)
    return dict(limits)


read_along_entry("tenant", _entry_name)


def _resolve(tenant_id: int) -> dict[str, int | None]:
    from .models import Subscription

    subscription = (Subscription.objects.select_related("plan").prefetch_related("addons__addon")
                    .filter(tenant_id=tenant_id).first())
    if subscription is None:
        limits = dict.fromkeys(LIMITS)
    else:
        limits = {key_: getattr(subscription.plan, field) for key_, (field, _label) in LIMITS.items()}
        for item in subscription.addons.all():
            if item.addon.limit_key and limits.get(item.addon.limit_key) is not None:
                limits[item.addon.limit_key] += item.addon.limit_increase * item.quantity
    return limits


def limits_invalidate(*, tenant_ids) -> None:
    """The tenants' plan, subscription or add-ons changed: their limits are resolved
    afresh once the current transaction commits (the tenant scope: one version bump)."""
    bump(*[scope("tenant", pk) for pk in tenant_ids])


def limit_for(*, tenant, key: str) -> int | None:
    """The tenant's limit for `key` (None: unlimited). No subscription means no limit."""
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
