"""Operator permission checks inside services: the portal hides what a role may not do,
and the services refuse it anyway (and record the refusal as a security event)."""

from __future__ import annotations

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

from .errors import OperatorPermissionDenied


def require_perm(actor, perm: str, *, action: str = "", tenant=None) -> None:
    """`actor` None is the system itself (Celery, webhooks, commands): always allowed."""
    if actor is None or actor.has_perm(perm):
        return

    audit_record(action="auth.permission_denied", category=AuditEvent.Category.SECURITY, actor=actor,
                 tenant=tenant, metadata={"permission": perm, "attempted": action})
    raise OperatorPermissionDenied(details={"permission": perm})
