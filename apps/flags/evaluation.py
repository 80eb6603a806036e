"""The one way to ask whether a flag is on: `flag_enabled(key, tenant=..., user=...)`."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from .cache import snapshot

_BUCKETS = 10_000
_ROLE_CACHE_SECONDS = 60


def bucket(key: str, tenant_id: int) -> int:
    """A tenant's stable bucket (0-9999) for a flag: the same for every percentage, so a
    tenant that is in at 10% stays in at 20%."""
    digest = hashlib.sha256(f"{key}:{tenant_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _BUCKETS


def _role_keys(tenant, user) -> frozenset:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache_key = f"flags:roles:{tenant.pk}:{user.pk}"
    keys = cache.get(cache_key)
    if keys is None:
        from apps.rbac.models import RoleAssignment

        if connection.schema_name == tenant.schema_name:
            keys = frozenset(RoleAssignment.objects.filter(user_id=user.pk).values_list("role__key", flat=True))
        else:
            with schema_context(tenant.schema_name):
                keys = frozenset(RoleAssignment.objects.filter(user_id=user.pk).values_list("role__key", flat=True))
        cache.set(cache_key, keys, _ROLE_CACHE_SECONDS)
    return keys


def _matches(key: str, rule: tuple, tenant, user) -> bool:
    kind, values, percentage, _enabled = rule
    if kind == "tenant":
        return tenant.slug in values
    if kind == "plan":
        return tenant.plan_id is not None and tenant.plan.code in values
    if kind == "business_type":
        return tenant.business_type in values
    if kind == "role":
        return bool(values & _role_keys(tenant, user))
    return bucket(key, tenant.pk) < (percentage or 0) * _BUCKETS // 100


def _evaluate(key: str, spec: dict, tenant, user) -> tuple[bool, str]:
    """(value, why): override, addon, rule, default."""
    if tenant is None:
        return spec["default"], "default"
    override = spec["overrides"].get(tenant.pk)
    if override is not None:
        return override, "override"
    if tenant.pk in spec["addon_tenants"]:
        return True, "addon"
    for rule in spec["rules"]:
        if _matches(key, rule, tenant, user):
            return rule[3], "rule"
    return spec["default"], "default"


def flag_enabled(key: str, *, tenant, user=None) -> bool:
    """Is the flag on for this tenant (and user)? Unknown flags are off."""
    spec = snapshot().get(key)
    return False if spec is None else _evaluate(key, spec, tenant, user)[0]


def flags_for(*, tenant, user=None) -> dict[str, bool]:
    return {key: _evaluate(key, spec, tenant, user)[0] for key, spec in sorted(snapshot().items())}


def flag_matrix(*, tenants) -> tuple[list[str], list[tuple]]:
    """For the portal: flag keys, and per tenant [(value, why), ...] in key order
    (tenant-wide: role rules are left out, as no user is given)."""
    flags = sorted(snapshot().items())
    rows = [(tenant, [_evaluate(key, spec, tenant, None) for key, spec in flags]) for tenant in tenants]
    return [key for key, _spec in flags], rows
