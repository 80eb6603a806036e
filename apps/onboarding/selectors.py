from __future__ import annotations

from django.db.models import Prefetch

from apps.tenants.models import Tenant

from .models import ApprovalStep, ChecklistItem

BOARD_COLUMNS = [*ApprovalStep.ORDER, "rejected", Tenant.Status.PROVISIONING, Tenant.Status.FAILED]


def current_step(tenant: Tenant) -> ApprovalStep | None:
    """The first step not approved yet (uses prefetched `approval_steps`)."""
    for step in tenant.approval_steps.all():
        if step.status != ApprovalStep.Status.APPROVED:
            return step
    return None


def onboarding_tenants():
    return (Tenant.objects
            .select_related("plan")
            .prefetch_related(Prefetch("approval_steps", ApprovalStep.objects.select_related("assignee")),
                              Prefetch("checklist", ChecklistItem.objects.all())))


def onboarding_board() -> dict[str, list]:
    """Tenants in onboarding by column: the pending stage, rejected, provisioning, failed.
    A fixed number of queries whatever the number of tenants."""
    columns: dict[str, list] = {column: [] for column in BOARD_COLUMNS}
    tenants = onboarding_tenants().filter(
        approval_steps__stage=ApprovalStep.Stage.SALES,
        status__in=[Tenant.Status.REQUESTED, Tenant.Status.APPROVED, Tenant.Status.PROVISIONING, Tenant.Status.FAILED])
    for tenant in tenants.order_by("created_at"):
        checklist = list(tenant.checklist.all())
        tenant.checklist_done = sum(item.done for item in checklist)
        tenant.checklist_total = len(checklist)
        if tenant.status in (Tenant.Status.PROVISIONING, Tenant.Status.FAILED):
            columns[tenant.status].append(tenant)
            continue
        step = current_step(tenant)
        tenant.current_step = step
        if step is None:
            columns[Tenant.Status.PROVISIONING].append(tenant)
        elif step.status == ApprovalStep.Status.REJECTED:
            columns["rejected"].append(tenant)
        else:
            columns[step.stage].append(tenant)
    return columns
