from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Tenant

from .models import ApprovalStep, ChecklistItem

BOARD_COLUMNS = [*ApprovalStep.ORDER, "rejected", Tenant.Status.PROVISIONING, Tenant.Status.FAILED]


@dataclass(frozen=True)
class AutomaticItem:
    """A checklist item whose state is read from the tenant, never ticked by hand."""

    is_done: Callable[[Tenant], bool]
    explanation: str


# A tenant waiting for approval has no subscription yet: "plan chosen" reads the plan it
# asked for (Tenant.plan, apps.tenants.plans), which its subscription starts on.
AUTOMATIC_ITEMS = {
    "plan": AutomaticItem(is_done=lambda tenant: tenant.plan_id is not None,
                          explanation=_("it is done as soon as the tenant has a plan.")),
}


def checklist_items(tenant: Tenant) -> list[ChecklistItem]:
    """The tenant's checklist (uses prefetched `checklist`), automatic items resolved:
    their `done` comes from the tenant, and `automatic` is set on every item."""
    items = list(tenant.checklist.all())
    for item in items:
        rule = AUTOMATIC_ITEMS.get(item.key)
        item.automatic = rule is not None
        if rule is not None:
            item.done = rule.is_done(tenant)
            item.automatic_explanation = rule.explanation
    return items


def checklist_missing(tenant: Tenant) -> list[ChecklistItem]:
    """What must be done before activation and is not."""
    return [item for item in checklist_items(tenant) if not item.done and not item.after_activation]


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
        checklist = [item for item in checklist_items(tenant) if not item.after_activation]
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
