"""What a subscription decides is cached elsewhere: each tenant's limits (`limits`) and
whatever other apps derive from subscriptions (the flag snapshot's plan rules and add-on
flags depend on SUBSCRIPTIONS_SCOPE). Whatever changes a plan, a subscription or its
add-ons calls `subscriptions_changed`; the caches are dropped after commit. Billing
imports none of the apps that read it."""

from __future__ import annotations

from apps.core.cache import bump

from .limits import limits_invalidate

SUBSCRIPTIONS_SCOPE = "subscriptions"


def subscriptions_changed(*, tenant_ids, flags: bool = True) -> None:
    limits_invalidate(tenant_ids=list(tenant_ids))
    if flags:
        bump(SUBSCRIPTIONS_SCOPE)
