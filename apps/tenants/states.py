"""The tenant lifecycle on the shared state machine (apps.core.states): which status may
follow which, recorded in the status history and the audit log in the same transaction.

    requested -> approved -> provisioning -> active <-> suspended
        |            |            |            |            |
        +------------+---- deleted (soft, restorable) <-----+--- purged (schema dropped)
                      provisioning -> failed -> provisioning (retry)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.states import StateMachine
from apps.events.services import event_record

from .errors import IllegalTransition, PublicTenantProtected
from .events import TENANT_REACTIVATED, TENANT_SUSPENDED, tenant_data
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


def _history(tenant: Tenant, move, actor, reason: str) -> None:
    TenantStatusChange.objects.create(tenant=tenant, from_status=move.from_status, to_status=move.to_status,
                                      actor=actor, reason=reason)


LIFECYCLE = StateMachine(TRANSITIONS, label=lambda status: Tenant.Status(status).label, illegal=IllegalTransition,
                         message=_("A tenant that is %(current)s cannot become %(target)s."), history=_history)


def refuse_public(tenant: Tenant) -> None:
    if tenant.is_public:
        raise PublicTenantProtected(details={"tenant": tenant.slug})


def check_transition(tenant: Tenant, to_status: str) -> None:
    refuse_public(tenant)
    LIFECYCLE.check(tenant.status, to_status)


def transition(tenant: Tenant, to_status: str, *, actor=None, reason: str = "", action: str,
               fields: dict | None = None, metadata: dict | None = None) -> Tenant:
    """Move a (row-locked) tenant to `to_status`, setting `fields` too; call inside the
    caller's transaction."""
    refuse_public(tenant)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    move = LIFECYCLE.move(tenant, to_status, actor=actor, reason=reason, fields=fields)
    routing_forget(tenant_ids=[tenant.pk])
    audit_record(action=action, actor=actor, target=tenant, tenant=tenant, changes=move.changes,
                 metadata={**(metadata or {}), **({"reason": reason} if reason else {})})
    if to_status == Tenant.Status.SUSPENDED:  # into the workspace's own outbox (its webhooks, its owner)
        event_record(TENANT_SUSPENDED.name, tenant_data(tenant, reason), tenant=tenant)
    elif to_status == Tenant.Status.ACTIVE and move.from_status == Tenant.Status.SUSPENDED:
        event_record(TENANT_REACTIVATED.name, tenant_data(tenant, reason), tenant=tenant)
    return tenant
