from __future__ import annotations

from django.db import transaction

from apps.audit.services import audit_record
from apps.billing.limits import enforce_limit
from apps.core.changes import diff, model_update, snapshot
from apps.rbac.tenancy import current_tenant
from apps.tenants.models import Tenant

from .models import Branch


def _active_count_locked() -> int:
    """Active branches, counted with the tenant row locked until the transaction ends so
    that concurrent requests cannot both take the plan's last free slot."""
    Tenant.objects.select_for_update().get(pk=current_tenant().pk)
    return Branch.objects.filter(is_active=True).count()


FIELDS = ["name", "address", "phone", "opening_hours", "timezone", "is_active"]


def branch_create(*, actor, **data) -> Branch:
    with transaction.atomic():
        enforce_limit(tenant=current_tenant(), key="branches", current=_active_count_locked())
        branch = Branch(**{k: v for k, v in data.items() if k in FIELDS})
        branch.full_clean()
        branch.save()
        audit_record(action="branch.created", actor=actor, target=branch, tenant=current_tenant(),
                     changes=diff({}, snapshot(branch, FIELDS)))
    return branch


def branch_update(*, branch: Branch, actor, **data) -> Branch:
    with transaction.atomic():
        if data.get("is_active") and not branch.is_active:
            enforce_limit(tenant=current_tenant(), key="branches", current=_active_count_locked())
        changes = model_update(branch, data=data, fields=FIELDS)
        if changes:
            audit_record(action="branch.updated", actor=actor, target=branch, tenant=current_tenant(),
                         changes=changes)
    return branch
