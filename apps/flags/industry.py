"""The `default_flags` part of an industry template (apps.industry.registry): a new
tenant of that business type gets the template's flags as tenant overrides."""

from __future__ import annotations

from apps.industry.registry import template_part

from .cache import flags_invalidate
from .models import Flag, FlagOverride


@template_part("default_flags")
def apply_default_flags(*, tenant, items: dict, reason: str = "") -> dict[str, bool]:
    """Set an override per known flag in `items` ({key: enabled}); unknown keys are
    skipped. Returns what was applied."""
    applied = {}
    flags = {flag.key: flag for flag in Flag.objects.filter(key__in=list(items))}
    for key, enabled in items.items():
        if key in flags:
            FlagOverride.objects.update_or_create(flag=flags[key], tenant=tenant,
                                                  defaults={"enabled": bool(enabled), "reason": reason})
            applied[key] = bool(enabled)
    if applied:
        flags_invalidate()
    return applied
