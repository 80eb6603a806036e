"""Operator permission checks inside services: the portal hides what a role may not do,
and the services refuse it anyway (and record the refusal as a security event)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class OperatorPermissionDenied(PlatformError):
    code = "permission_denied"
    status = 403
    message = _("Your HQ role does not allow this action.")


def require_perm(actor, perm: str, *, action: str = "", tenant=None) -> None:
    """`actor` None is the system itself (Celery, webhooks, commands): always allowed."""
    if actor is None or actor.has_perm(perm):
        return
    from apps.audit.models import AuditEvent
    from apps.audit.services import audit_record

    audit_record(action="auth.permission_denied", category=AuditEvent.Category.SECURITY, actor=actor,
                 tenant=tenant, metadata={"permission": perm, "attempted": action})
    raise OperatorPermissionDenied(details={"permission": perm})
