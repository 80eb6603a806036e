"""The one way to ask whether a flag is on: `flag_enabled(key, tenant=..., user=...)`."""

from __future__ import annotations

import hashlib

from django.db import connection
from django.utils.translation import pgettext_lazy
from django_tenants.utils import schema_context

from apps.authz import sources
from apps.core.cache import scope, versioned_get_or_build

from .cache import snapshot

_BUCKETS = 10_000
# Role keys are dropped when the workspace's roles or assignments change (the `roles:<schema>`
# scope, bumped by the role owner, apps.rbac.services); the timeout only bounds memory.
_ROLE_CACHE_SECONDS = 3600


def bucket(key: str, tenant_id: int) -> int:
    """A tenant's stable bucket (0-9999) for a flag: the same for every percentage, so a
    tenant that is in at 10% stays in at 20%."""
    digest = hashlib.sha256(f"{key}:{tenant_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _BUCKETS


def _role_keys(tenant, user) -> frozenset:
    """The keys of the user's enabled roles in the tenant."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()

    def build():
        if connection.schema_name == tenant.schema_name:
            return sources.role_keys(user=user)
        with schema_context(tenant.schema_name):
            return sources.role_keys(user=user)

    return versioned_get_or_build(f"flags:roles:{tenant.schema_name}:{user.pk}", [scope("roles", tenant.schema_name)],
                                  build, _ROLE_CACHE_SECONDS)


def _matches(key: str, rule: tuple, tenant, user, plans: dict) -> bool:
    kind, values, percentage, _enabled = rule
    if kind == "tenant":
        return tenant.slug in values
    if kind == "plan":
        return plans.get(tenant.pk) in values
    if kind == "business_type":
        return tenant.business_type in values
    if kind == "role":
        return bool(values & _role_keys(tenant, user))
    return bucket(key, tenant.pk) < (percentage or 0) * _BUCKETS // 100


# What the portal's matrix says for each reason (`why`) a value holds.
WHY_LABELS = {"override": pgettext_lazy("flag value reason", "override"),
              "addon": pgettext_lazy("flag value reason", "add-on"),
              "rule": pgettext_lazy("flag value reason", "rule"),
              "default": pgettext_lazy("flag value reason", "default")}


def _evaluate(key: str, spec: dict, tenant, user, plans: dict) -> tuple[bool, str]:
    """(value, why): override, addon, rule, default."""
    if tenant is None:
        return spec["default"], "default"
    override = spec["overrides"].get(tenant.pk)
    if override is not None:
        return override, "override"
    if tenant.pk in spec["addon_tenants"]:
        return True, "addon"
    for rule in spec["rules"]:
        if _matches(key, rule, tenant, user, plans):
            return rule[3], "rule"
    return spec["default"], "default"


def flag_enabled(key: str, *, tenant, user=None) -> bool:
    """Is the flag on for this tenant (and user)? Unknown flags are off."""
    current = snapshot()
    spec = current["flags"].get(key)
    return False if spec is None else _evaluate(key, spec, tenant, user, current["plans"])[0]


def flags_for(*, tenant, user=None) -> dict[str, bool]:
    current = snapshot()
    return {key: _evaluate(key, spec, tenant, user, current["plans"])[0]
            for key, spec in sorted(current["flags"].items())}


def flag_matrix(*, tenants) -> tuple[list[str], list[tuple]]:
    """For the portal: flag keys, and per tenant [(value, why), ...] in key order
    (tenant-wide: role rules are left out, as no user is given)."""
    current = snapshot()
    flags = sorted(current["flags"].items())
    rows = [(tenant, [_evaluate(key, spec, tenant, None, current["plans"]) for key, spec in flags])
            for tenant in tenants]
    return [key for key, _spec in flags], rows
