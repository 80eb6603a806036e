"""The flag snapshot: every flag with its rules, overrides and add-on tenants, and each
subscribed tenant's plan code (for plan rules), built from the database once per change
and shared through Redis under the `flags` scope (apps.core.cache); each process keeps
the current snapshot in memory too. A check costs one Redis read (the scope's version)
and no query."""

from __future__ import annotations

from apps.billing.invalidation import SUBSCRIPTIONS_SCOPE
from apps.billing.models import Subscription, SubscriptionAddOn
from apps.core.cache import bump, version_key, versioned_get_or_build

SCOPE = "flags"
VERSION_KEY = version_key(SCOPE)  # deleting it makes every process rebuild (tests)
_SNAPSHOT_SECONDS = 24 * 3600


def _build() -> dict:
    from .models import Flag

    flags = {}
    for flag in Flag.objects.prefetch_related("rules", "overrides"):
        flags[flag.key] = {
            "default": flag.default_enabled,
            "rules": [(rule.kind, frozenset(rule.value_list()), rule.percentage, rule.enabled)
                      for rule in flag.rules.all()],
            "overrides": {o.tenant_id: o.enabled for o in flag.overrides.all()},
            "addon_tenants": set(),
        }
    for key, tenant_id in (SubscriptionAddOn.objects.exclude(addon__feature_flag="")
                           .values_list("addon__feature_flag", "subscription__tenant_id")):
        if key in flags:
            flags[key]["addon_tenants"].add(tenant_id)
    # The subscription owns the plan (billing bumps SUBSCRIPTIONS_SCOPE when it changes).
    plans = dict(Subscription.objects.values_list("tenant_id", "plan__code"))
    return {"flags": flags, "plans": plans}


def snapshot() -> dict:
    return versioned_get_or_build("flags:snapshot", [SCOPE, SUBSCRIPTIONS_SCOPE], _build, _SNAPSHOT_SECONDS,
                                  local=True)


def flags_invalidate() -> None:
    """A new snapshot after the current transaction commits (every process rebuilds)."""
    bump(SCOPE)
