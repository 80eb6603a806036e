"""Tenant lifecycle services after creation: approve, suspend, reactivate, soft-delete,
restore, purge, resend the owner's invite. Each one checks the actor's HQ permission,
locks the row, moves through `states.transition` (status history + audit event in the
same transaction) and refuses illegal transitions with a clear error."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.errors import ReasonRequired

from .errors import DemoExpired, IllegalTransition, RetentionError
from .models import Tenant
from .permissions import require_perm
from .services import _drop_schema
from .states import refuse_public, transition

logger = logging.getLogger(__name__)


def retention_period() -> timedelta:
    return timedelta(days=settings.TENANT_RETENTION_DAYS)


def purge_due_at(tenant: Tenant):
    return tenant.deleted_at + retention_period() if tenant.deleted_at else None


def _locked(tenant: Tenant) -> Tenant:
    refuse_public(tenant)
    return Tenant.objects.select_for_update().get(pk=tenant.pk)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(details={"reason": [str(ReasonRequired.message)]})
    return reason[:2000]


def tenant_approve(*, tenant: Tenant, actor, reason: str = "") -> Tenant:
    require_perm(actor, "tenants.approve_tenant", action="tenant.approved", tenant=tenant)
    with transaction.atomic():
        tenant = _locked(tenant)
        return transition(tenant, Tenant.Status.APPROVED, actor=actor, reason=reason, action="tenant.approved",
                          fields={"approved_at": timezone.now()})


def tenant_suspend(*, tenant: Tenant, actor, reason: str) -> Tenant:
    require_perm(actor, "tenants.suspend_tenant", action="tenant.suspended", tenant=tenant)
    reason = _reason(reason)
    with transaction.atomic():
        tenant = _locked(tenant)
        return transition(tenant, Tenant.Status.SUSPENDED, actor=actor, reason=reason, action="tenant.suspended",
                          fields={"suspended_at": timezone.now(), "suspended_reason": reason})


def tenant_reactivate(*, tenant: Tenant, actor, reason: str = "") -> Tenant:
    require_perm(actor, "tenants.suspend_tenant", action="tenant.reactivated", tenant=tenant)
    with transaction.atomic():
        tenant = _locked(tenant)
        if tenant.status != Tenant.Status.SUSPENDED:
            raise IllegalTransition(_("Only a suspended tenant can be reactivated."))
        # A person reactivating an expired demo would see beat suspend it again within the
        # hour; the system (billing after a payment) is not stopped here.
        if actor is not None and demo_expired(tenant):
            raise DemoExpired(DemoExpired.message % {"name": tenant.name})
        return transition(tenant, Tenant.Status.ACTIVE, actor=actor, reason=reason, action="tenant.reactivated",
                          fields={"suspended_at": None, "suspended_reason": ""})


def tenant_soft_delete(*, tenant: Tenant, actor, reason: str) -> Tenant:
    """Close the tenant (its host answers 404); its schema stays until the purge after
    TENANT_RETENTION_DAYS, and it can be restored until then."""
    require_perm(actor, "tenants.remove_tenant", action="tenant.deleted", tenant=tenant)
    reason = _reason(reason)
    with transaction.atomic():
        tenant = _locked(tenant)
        return transition(tenant, Tenant.Status.DELETED, actor=actor, reason=reason, action="tenant.deleted",
                          fields={"deleted_at": timezone.now(), "deleted_reason": reason})


def status_before_deletion(tenant: Tenant) -> str:
    change = tenant.status_changes.filter(to_status=Tenant.Status.DELETED).order_by("-created_at", "-id").first()
    return change.from_status if change and change.from_status else Tenant.Status.REQUESTED


def tenant_restore(*, tenant: Tenant, actor, reason: str = "") -> Tenant:
    """Undo a soft delete within the retention period: back to the status it had."""
    require_perm(actor, "tenants.remove_tenant", action="tenant.restored", tenant=tenant)
    with transaction.atomic():
        tenant = _locked(tenant)
        if tenant.status != Tenant.Status.DELETED:
            raise IllegalTransition(_("Only a deleted tenant can be restored."))
        if timezone.now() >= purge_due_at(tenant):
            raise RetentionError(_("The retention period has ended; this tenant can no longer be restored."))
        return transition(tenant, status_before_deletion(tenant), actor=actor, reason=reason,
                          action="tenant.restored", fields={"deleted_at": None, "deleted_reason": ""})


def tenant_purge(*, tenant: Tenant, actor=None) -> Tenant:
    """Drop the schema of a tenant deleted longer than the retention period ago. The row
    stays (status purged) for the audit trail; its address is released."""
    require_perm(actor, "tenants.remove_tenant", action="tenant.purged", tenant=tenant)
    with transaction.atomic():
        tenant = _locked(tenant)
        if tenant.status != Tenant.Status.DELETED:
            raise IllegalTransition(_("Only a deleted tenant can be purged."))
        if timezone.now() < purge_due_at(tenant):
            raise RetentionError(_("This tenant is still within its retention period (until %(when)s).")
                                 % {"when": purge_due_at(tenant).isoformat()})
        transition(tenant, Tenant.Status.PURGED, actor=actor, action="tenant.purged",
                   fields={"purged_at": timezone.now()}, metadata={"schema": tenant.schema_name})
        tenant.memberships.update(status="removed")
        tenant.domains.all().delete()
        with connection.cursor() as cursor:  # deferred FK checks of this transaction first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _drop_schema(tenant.schema_name)
    return tenant


def tenants_purge_expired() -> list[str]:
    """Beat task body: purge every deleted tenant whose retention period has ended."""
    cutoff = timezone.now() - retention_period()
    purged = []
    for tenant in Tenant.objects.filter(status=Tenant.Status.DELETED, deleted_at__lte=cutoff):
        tenant_purge(tenant=tenant)
        purged.append(tenant.slug)
    return purged


def tenant_resend_invite(*, tenant: Tenant, actor, request=None) -> None:
    """Email the owner a link to set their password (and verify their address)."""
    require_perm(actor, "tenants.support_tenant", action="tenant.invite_resent", tenant=tenant)
    refuse_public(tenant)
    if tenant.status not in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED) or tenant.owner_id is None:
        raise IllegalTransition(_("The owner's account exists once the tenant has been provisioned."))
    from .invites import owner_invite_send

    with transaction.atomic():
        audit_record(action="tenant.invite_resent", actor=actor, target=tenant, tenant=tenant,
                     metadata={"owner_email": tenant.owner.email})
        transaction.on_commit(lambda: owner_invite_send(user=tenant.owner, tenant=tenant))


# --- Demo tenants ------------------------------------------------------------------------


def demo_expired(tenant: Tenant, now=None) -> bool:
    return (tenant.kind == Tenant.Kind.DEMO and tenant.demo_expires_at is not None
            and tenant.demo_expires_at <= (now or timezone.now()))


def demo_expiry_notify(*, tenant: Tenant, now=None) -> bool:
    """Tell the owner once that the demo ends soon. The sending is recorded on the tenant
    (and audited) in the same transaction, so later beat runs don't send it again;
    the email leaves after commit. False when there was nothing to send."""
    now = now or timezone.now()
    with transaction.atomic():
        tenant = _locked(tenant)
        if (tenant.kind != Tenant.Kind.DEMO or tenant.status != Tenant.Status.ACTIVE
                or tenant.demo_expires_at is None or tenant.demo_expiry_notified_at is not None):
            return False
        tenant.demo_expiry_notified_at = now
        tenant.save(update_fields=["demo_expiry_notified_at"])
        audit_record(action="tenant.demo_expiry_notified", target=tenant, tenant=tenant,
                     metadata={"demo_expires_at": tenant.demo_expires_at.isoformat(), "to": tenant.owner_email})
        from .invites import demo_expiry_notice_send

        transaction.on_commit(lambda: demo_expiry_notice_send(tenant=tenant))
    return True


def demo_tenants_expire(now=None) -> dict[str, list[str]]:
    """Beat task body: warn the owners of active demos ending within
    TENANT_DEMO_NOTICE_DAYS (once each), then suspend the demos whose period has ended
    through the lifecycle (status history, audit event, routing refuses them)."""
    now = now or timezone.now()
    demos = Tenant.objects.filter(kind=Tenant.Kind.DEMO, status=Tenant.Status.ACTIVE,
                                  demo_expires_at__isnull=False)
    notified = [tenant.slug for tenant in demos.filter(
        demo_expiry_notified_at__isnull=True, demo_expires_at__gt=now,
        demo_expires_at__lte=now + timedelta(days=settings.TENANT_DEMO_NOTICE_DAYS))
        if demo_expiry_notify(tenant=tenant, now=now)]
    suspended = []
    for tenant in demos.filter(demo_expires_at__lte=now):
        try:
            tenant_suspend(tenant=tenant, actor=None, reason=str(
                _("Demo period ended on %(when)s.") % {"when": tenant.demo_expires_at.date().isoformat()}))
        except IllegalTransition:  # changed since the query (e.g. deleted): nothing to expire
            logger.info("demo tenant %s no longer active; not suspended", tenant.slug)
            continue
        suspended.append(tenant.slug)
    return {"notified": notified, "suspended": suspended}


def provisioning_stuck_after() -> timedelta:
    """How long a tenant may stay in provisioning before its task is sent again: longer
    than any task may run (CELERY_TASK_TIME_LIMIT), plus five minutes."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + timedelta(minutes=5)


def tenants_provisioning_resend() -> list[str]:
    """Beat task body: provisioning asked for longer ago than provisioning_stuck_after()
    and not done (its message never reached the broker, which was away at the commit, or
    was lost with it): its task is sent again. Safe whatever happened: an attempt still
    running holds the tenant's lock (the new one waits, then finds it active), one that
    died left a schema the new attempt replaces (services.tenant_provision)."""
    from .tasks import provision_tenant

    cutoff = timezone.now() - provisioning_stuck_after()
    stuck = (Tenant.objects.filter(status=Tenant.Status.PROVISIONING, created_at__lte=cutoff)
             .exclude(status_changes__to_status=Tenant.Status.PROVISIONING, status_changes__created_at__gt=cutoff))
    sent = []
    for tenant in stuck:
        logger.warning("tenant %s still provisioning after %s: sending its task again", tenant.slug,
                       provisioning_stuck_after())
        provision_tenant.delay(tenant.pk)
        sent.append(tenant.slug)
    return sent
