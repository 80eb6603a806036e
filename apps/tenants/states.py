"""The tenant lifecycle as a state machine: which status may follow which, and one
place that records every transition (status history + audit event, same transaction).

    requested -> approved -> provisioning -> active <-> suspended
        |            |            |            |            |
        +------------+---- deleted (soft, restorable) <-----+--- purged (schema dropped)
                      provisioning -> failed -> provisioning (retry)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.changes import plain_value

from .errors import IllegalTransition, PublicTenantProtected
from .models import Tenant, TenantStatusChange
from .routing import routing_forget

S = Tenant.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.PROVISIONING, S.DELETED}),
    S.APPROVED: frozenset({S.PROVISIONING, S.DELETED}),
    S.PROVISIONING: frozenset({S.ACTIVE, S.FAILED}),
    S.FAILED: frozenset({S.PROVISIONING, S.DELETED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.DELETED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.DELETED}),
    # Restore returns a deleted tenant to the status it had before deletion.
    S.DELETED: frozenset({S.REQUESTED, S.APPROVED, S.FAILED, S.ACTIVE, S.SUSPENDED, S.PURGED}),
    S.PURGED: frozenset(),
}


def refuse_public(tenant: Tenant) -> None:
    if tenant.is_public:
        raise PublicTenantProtected(details={"tenant": tenant.slug})


def check_transition(tenant: Tenant, to_status: str) -> None:
    refuse_public(tenant)
    if to_status not in TRANSITIONS[tenant.status]:
        raise IllegalTransition(
            _("A tenant that is %(current)s cannot become %(target)s.")
            % {"current": tenant.get_status_display(), "target": Tenant.Status(to_status).label},
            details={"status": tenant.status, "requested": to_status})


def transition(tenant: Tenant, to_status: str, *, actor=None, reason: str = "", action: str,
               fields: dict | None = None, metadata: dict | None = None) -> Tenant:
    """Move a (row-locked) tenant to `to_status`, setting `fields` too; call inside the
    caller's transaction."""
    check_transition(tenant, to_status)
    before = {"status": tenant.status, **{name: plain_value(getattr(tenant, name)) for name in fields or {}}}
    tenant.status = to_status
    for name, value in (fields or {}).items():
        setattr(tenant, name, value)
    tenant.save(update_fields=["status", *(fields or {})])
    routing_forget(tenant_ids=[tenant.pk])
    actor = actor if getattr(actor, "is_authenticated", False) else None
    TenantStatusChange.objects.create(tenant=tenant, from_status=before["status"], to_status=to_status,
                                      actor=actor, reason=reason)
    after = {"status": to_status, **{name: plain_value(value) for name, value in (fields or {}).items()}}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit_record(action=action, actor=actor, target=tenant, tenant=tenant, changes=changes,
                 metadata={**(metadata or {}), **({"reason": reason} if reason else {})})
    return tenant
