"""What a subscription decides is cached elsewhere: each tenant's limits (`limits`) and
the flag snapshot (plan rules and add-on flags, apps.flags). Whatever changes a plan, a
subscription or its add-ons calls `subscriptions_changed`; both are dropped after commit."""

from __future__ import annotations

from .limits import limits_invalidate


def subscriptions_changed(*, tenant_ids, flags: bool = True) -> None:
    limits_invalidate(tenant_ids=list(tenant_ids))
    if flags:
        _flags_invalidate()


def _flags_invalidate() -> None:
    try:
        from apps.flags.cache import flags_invalidate
    except ImportError:  # flags app not installed
        return
    flags_invalidate()
