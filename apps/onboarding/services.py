"""Onboarding writes: take a new tenant in (created and provisioned, or waiting with its
onboarding opened), open a tenant's onboarding, tick checklist items, assign, comment,
approve or reject approval steps. Approving the final step (activation) approves the
tenant and starts provisioning in the same transaction: one click to a live workspace."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.hq import HQ_MASTER
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.tenants.lifecycle import tenant_approve
from apps.tenants.models import Tenant
from apps.tenants.permissions import OperatorPermissionDenied, require_perm
from apps.tenants.services import tenant_create, tenant_start_provisioning

from .errors import (
    ChecklistAfterActivation,
    ChecklistAutomatic,
    ChecklistIncomplete,
    CommentRequired,
    FourEyes,
    InvalidAssignee,
    OnboardingError,
)
from .models import ApprovalStep, ChecklistItem, ChecklistTemplateItem, StepComment
from .selectors import AUTOMATIC_ITEMS, checklist_missing


def tenant_enrol(*, through_approval: bool, **fields) -> Tenant:
    """Create a tenant (`fields` as for apps.tenants.services.tenant_create). Through the
    approval chain it waits in `requested` with its onboarding opened, in the same
    transaction; otherwise provisioning starts right away. The one way in for HQ's "Add
    tenant" and the self sign-up."""
    with transaction.atomic():
        tenant = tenant_create(**fields, provision=not through_approval)
        if through_approval:
            onboarding_open(tenant=tenant)
    return tenant


def onboarding_open(*, tenant: Tenant) -> None:
    """Give a tenant its checklist (from the template in use) and approval chain. Idempotent."""
    with transaction.atomic():
        for item in ChecklistTemplateItem.objects.filter(is_active=True):
            ChecklistItem.objects.get_or_create(tenant=tenant, key=item.key, defaults={
                "title": item.title, "title_ko": item.title_ko, "sort_order": item.sort_order,
                "after_activation": item.after_activation})
        for position, stage in enumerate(ApprovalStep.ORDER, start=1):
            ApprovalStep.objects.get_or_create(tenant=tenant, stage=stage, defaults={"position": position})


def checklist_item_set(*, item: ChecklistItem, done: bool, actor) -> ChecklistItem:
    require_perm(actor, "onboarding.change_checklistitem", action="onboarding.checklist_changed",
                 tenant=item.tenant)
    if item.key in AUTOMATIC_ITEMS:
        raise ChecklistAutomatic(ChecklistAutomatic.message
                                 % {"item": item.display_title, "how": AUTOMATIC_ITEMS[item.key].explanation})
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("tenant").get(pk=item.pk)
        if item.after_activation and item.tenant.status != Tenant.Status.ACTIVE:
            raise ChecklistAfterActivation(ChecklistAfterActivation.message
                                           % {"item": item.display_title, "name": item.tenant.name})
        if item.done == done:
            return item
        item.done, item.done_by, item.done_at = done, (actor if done else None), (timezone.now() if done else None)
        item.save(update_fields=["done", "done_by", "done_at"])
        audit_record(action="onboarding.checklist_changed", actor=actor, target=item, tenant=item.tenant,
                     changes={"done": [not done, done]}, metadata={"key": item.key})
    return item


def _step_locked(step: ApprovalStep) -> ApprovalStep:
    return ApprovalStep.objects.select_for_update(of=("self",)).select_related("tenant", "assignee").get(pk=step.pk)


def _require_decide(step: ApprovalStep, actor) -> None:
    """Before the transaction, so that a refusal's security event is kept."""
    require_perm(actor, "onboarding.decide_approvalstep", action=f"onboarding.step_decided:{step.stage}",
                 tenant=step.tenant)
    if step.stage == ApprovalStep.Stage.ACTIVATION:  # activation approves and provisions the tenant
        require_perm(actor, "tenants.approve_tenant", action="onboarding.step_decided:activation",
                     tenant=step.tenant)


def _may_decide(step: ApprovalStep, actor, *, message=None) -> None:
    if (step.assignee_id and actor is not None and actor.pk != step.assignee_id and not actor.is_superuser
            and not actor.groups.filter(name=HQ_MASTER).exists()):
        message = message or _("Only the assignee (%(email)s) or an HQ master may decide this step.")
        raise OperatorPermissionDenied(message % {"email": step.assignee.email})


def _check_current(step: ApprovalStep) -> None:
    if step.tenant.status != Tenant.Status.REQUESTED:
        raise OnboardingError(_("This tenant is no longer waiting for approval (it is %(status)s).")
                              % {"status": step.tenant.get_status_display()})
    if step.status != ApprovalStep.Status.PENDING:
        raise OnboardingError(_("This step has already been decided."))
    earlier = step.tenant.approval_steps.filter(position__lt=step.position).exclude(
        status=ApprovalStep.Status.APPROVED)
    if earlier.exists():
        raise OnboardingError(_("Earlier steps must be approved first (%(steps)s).")
                              % {"steps": ", ".join(str(s.get_stage_display()) for s in earlier)})


def _four_eyes(step: ApprovalStep, actor) -> None:
    """One person approves at most one stage of a tenant. ONBOARDING_FOUR_EYES=False
    relaxes this for small teams; an approval the rule would have refused is then
    recorded as a security event, so the relaxation stays visible."""
    if actor is None:
        return
    own = list(step.tenant.approval_steps.filter(status=ApprovalStep.Status.APPROVED, decided_by=actor)
               .exclude(pk=step.pk).order_by("position"))
    if not own:
        return
    stages = ", ".join(str(other.get_stage_display()) for other in own)
    if settings.ONBOARDING_FOUR_EYES:
        raise FourEyes(FourEyes.message % {"stages": stages, "name": step.tenant.name,
                                           "stage": step.get_stage_display()},
                       details={"approved_by_you": [other.stage for other in own]})
    audit_record(action="onboarding.four_eyes_relaxed", category=AuditEvent.Category.SECURITY, actor=actor,
                 target=step, tenant=step.tenant,
                 metadata={"stage": step.stage, "also_approved": [other.stage for other in own],
                           "setting": "ONBOARDING_FOUR_EYES=False"})


def step_assign(*, step: ApprovalStep, assignee, actor) -> ApprovalStep:
    require_perm(actor, "onboarding.decide_approvalstep", action="onboarding.step_assigned", tenant=step.tenant)
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise InvalidAssignee()
    with transaction.atomic():
        step = _step_locked(step)
        # Reassigning would otherwise bypass "only the assignee or an HQ master decides".
        _may_decide(step, actor,
                    message=_("Only the assignee (%(email)s) or an HQ master may reassign this step."))
        before = step.assignee.email if step.assignee else None
        step.assignee = assignee
        step.save(update_fields=["assignee"])
        audit_record(action="onboarding.step_assigned", actor=actor, target=step, tenant=step.tenant,
                     changes={"assignee": [before, assignee.email if assignee else None]})
    return step


def step_comment(*, step: ApprovalStep, body: str, actor) -> StepComment:
    require_perm(actor, "onboarding.add_stepcomment", action="onboarding.step_commented", tenant=step.tenant)
    body = (body or "").strip()
    if not body:
        raise CommentRequired()
    with transaction.atomic():
        comment = StepComment.objects.create(step=step, author=actor, body=body[:5000])
        audit_record(action="onboarding.step_commented", actor=actor, target=step, tenant=step.tenant,
                     metadata={"comment": body[:500]})
    return comment


def step_approve(*, step: ApprovalStep, actor, comment: str = "") -> ApprovalStep:
    _require_decide(step, actor)
    with transaction.atomic():
        step = _step_locked(step)
        _may_decide(step, actor)
        _check_current(step)
        _four_eyes(step, actor)
        if step.stage == ApprovalStep.Stage.ACTIVATION:
            missing = checklist_missing(step.tenant)
            if missing:
                raise ChecklistIncomplete(ChecklistIncomplete.message
                                          % {"items": ", ".join(item.display_title for item in missing)})
        step.status, step.decided_by, step.decided_at = ApprovalStep.Status.APPROVED, actor, timezone.now()
        step.save(update_fields=["status", "decided_by", "decided_at"])
        if comment.strip():
            StepComment.objects.create(step=step, author=actor, body=comment.strip()[:5000])
        audit_record(action="onboarding.step_approved", actor=actor, target=step, tenant=step.tenant,
                     changes={"status": [ApprovalStep.Status.PENDING, ApprovalStep.Status.APPROVED]},
                     metadata={"stage": step.stage, **({"comment": comment.strip()[:500]} if comment.strip() else {})})
        if step.stage == ApprovalStep.Stage.ACTIVATION:
            tenant = tenant_approve(tenant=step.tenant, actor=actor, reason="approval chain completed")
            tenant_start_provisioning(tenant=tenant, actor=actor)
    return step


def step_reject(*, step: ApprovalStep, actor, comment: str) -> ApprovalStep:
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired(_("Say why the step is rejected."))
    _require_decide(step, actor)
    with transaction.atomic():
        step = _step_locked(step)
        _may_decide(step, actor)
        _check_current(step)
        step.status, step.decided_by, step.decided_at = ApprovalStep.Status.REJECTED, actor, timezone.now()
        step.save(update_fields=["status", "decided_by", "decided_at"])
        StepComment.objects.create(step=step, author=actor, body=comment[:5000])
        audit_record(action="onboarding.step_rejected", actor=actor, target=step, tenant=step.tenant,
                     changes={"status": [ApprovalStep.Status.PENDING, ApprovalStep.Status.REJECTED]},
                     metadata={"stage": step.stage, "comment": comment[:500]})
    return step


def step_reopen(*, step: ApprovalStep, actor) -> ApprovalStep:
    """A rejected step goes back to pending (after the tenant fixed what was wrong)."""
    _require_decide(step, actor)
    with transaction.atomic():
        step = _step_locked(step)
        _may_decide(step, actor)
        if step.status != ApprovalStep.Status.REJECTED:
            raise OnboardingError(_("Only a rejected step can be reopened."))
        step.status, step.decided_by, step.decided_at = ApprovalStep.Status.PENDING, None, None
        step.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(action="onboarding.step_reopened", actor=actor, target=step, tenant=step.tenant,
                     changes={"status": [ApprovalStep.Status.REJECTED, ApprovalStep.Status.PENDING]})
    return step


def template_item_save(*, item: ChecklistTemplateItem, actor, changed=()) -> ChecklistTemplateItem:
    """Add or edit an item of the checklist template (affects onboardings opened later)."""
    perm = "change" if item.pk else "add"
    require_perm(actor, f"onboarding.{perm}_checklisttemplateitem", action="onboarding.template_changed")
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit_record(action="onboarding.template_changed", actor=actor, target=item,
                     metadata={"fields": list(changed), "title": item.title})
    return item


def template_item_delete(*, item: ChecklistTemplateItem, actor) -> None:
    require_perm(actor, "onboarding.delete_checklisttemplateitem", action="onboarding.template_item_deleted")
    with transaction.atomic():
        audit_record(action="onboarding.template_item_deleted", actor=actor, target=item,
                     metadata={"key": item.key, "title": item.title})
        item.delete()
