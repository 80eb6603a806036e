"""The flag snapshot: every flag with its rules, overrides and add-on tenants, built from
the database once per change and shared through Redis; each process keeps the current
version in memory. A check costs one Redis GET (the version) and no query."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "flags:version"
_SNAPSHOT_KEY = "flags:snapshot:{}"
_memo: dict = {}


def _build() -> dict:
    from apps.billing.models import SubscriptionAddOn

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
    return flags


def snapshot() -> dict:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    memo = _memo.get("current")
    if memo is not None and memo[0] == version:
        return memo[1]
    flags = cache.get(_SNAPSHOT_KEY.format(version))
    if flags is None:
        flags = _build()
        cache.set(_SNAPSHOT_KEY.format(version), flags, 24 * 3600)
    _memo["current"] = (version, flags)
    return flags


def flags_invalidate() -> None:
    """A new version after the current transaction commits (every process rebuilds)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))
