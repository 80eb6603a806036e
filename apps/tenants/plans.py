"""The plan a tenant asks for: chosen at sign-up, or set by HQ while the tenant waits for
approval. Billing reads it once, when it starts the tenant's subscription; from then on
the subscription owns the plan (apps.billing) and this stays as it was asked."""

from __future__ import annotations

from django.db import transaction

from apps.audit.services import audit_record

from .errors import PlanChangeNotAllowed, SamePlan
from .models import Tenant

# Waiting for approval or provisioning: no subscription yet.
WAITING = (Tenant.Status.REQUESTED, Tenant.Status.APPROVED, Tenant.Status.FAILED)


def tenant_plan_request(*, tenant: Tenant, plan, actor, reason: str = "") -> Tenant:
    """Set the plan a waiting tenant's subscription will start on (audited)."""
    with transaction.atomic():
        stored = Tenant.objects.select_for_update(of=("self",)).select_related("plan").get(pk=tenant.pk)
        if stored.status not in WAITING:
            raise PlanChangeNotAllowed(PlanChangeNotAllowed.message % {"status": stored.get_status_display().lower()})
        if stored.plan_id == plan.pk:
            raise SamePlan()
        before = stored.plan.code if stored.plan else None
        stored.plan = plan
        stored.save(update_fields=["plan"])
        audit_record(action="tenant.plan_requested", actor=actor, target=stored, tenant=stored,
                     changes={"plan": [before, plan.code]}, metadata={"reason": reason} if reason else {})
    tenant.plan = plan
    return stored
