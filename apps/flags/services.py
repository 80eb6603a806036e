"""Flag writes. Every change is audited with the flag's full state before and after
(rules and overrides included) and invalidates the cached evaluations."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from apps.audit.services import audit_record
from apps.core.changes import diff

from .cache import flags_invalidate
from .models import Flag, FlagOverride


def flag_state(flag: Flag | None) -> dict:
    if flag is None or flag.pk is None:
        return {}
    return {
        "key": flag.key, "description": flag.description, "default_enabled": flag.default_enabled,
        "owner": flag.owner_id, "expires_on": flag.expires_on.isoformat() if flag.expires_on else None,
        "permanent": flag.permanent,
        "rules": [f"{r.position}:{r.kind}:{r.values}:{r.percentage}:{'on' if r.enabled else 'off'}"
                  for r in flag.rules.order_by("position", "id")],
        "overrides": {o.tenant.slug: {"on": o.enabled, "reason": o.reason}
                      for o in flag.overrides.select_related("tenant")},
    }


def flag_changed(*, flag: Flag, before: dict, actor) -> None:
    """Record a change already written (the admin saves the flag and its inlines)."""
    after = flag_state(Flag.objects.get(pk=flag.pk))
    changes = diff(before, after)
    if changes:
        audit_record(action="flag.created" if not before else "flag.changed", actor=actor, target=flag,
                     changes=changes)
    flags_invalidate()


def flag_save(*, flag: Flag, actor, save_related: Callable[[], None] | None = None) -> Flag:
    """Save the flag, then `save_related` (the admin's rules and overrides inlines), in one
    transaction audited with the full state before and after."""
    before = flag_state(Flag.objects.get(pk=flag.pk)) if flag.pk else {}
    flag.full_clean()
    with transaction.atomic():
        flag.save()
        if save_related is not None:
            save_related()
        flag_changed(flag=flag, before=before, actor=actor)
    return flag


def flag_delete(*, flag: Flag, actor) -> None:
    with transaction.atomic():
        before = flag_state(flag)
        audit_record(action="flag.deleted", actor=actor, target=flag, changes=diff(before, {}))
        flag.delete()
        flags_invalidate()


def flag_override_set(*, flag: Flag, tenant, enabled: bool, reason: str, actor) -> FlagOverride:
    with transaction.atomic():
        before = flag_state(flag)
        override = (FlagOverride.objects.filter(flag=flag, tenant=tenant).first()
                    or FlagOverride(flag=flag, tenant=tenant))
        override.enabled = enabled
        override.reason = reason
        override.created_by = actor
        override.full_clean(exclude=["flag", "tenant"])
        override.save()
        flag.save(update_fields=["updated_at"])
        flag_changed(flag=flag, before=before, actor=actor)
    return override


def flag_override_clear(*, flag: Flag, tenant, actor) -> None:
    with transaction.atomic():
        before = flag_state(flag)
        FlagOverride.objects.filter(flag=flag, tenant=tenant).delete()
        flag.save(update_fields=["updated_at"])
        flag_changed(flag=flag, before=before, actor=actor)
