"""Custom ops-portal pages (wrapped by the admin site's admin_view: staff with MFA only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError
from apps.onboarding import services as onboarding
from apps.onboarding.models import ApprovalStep
from apps.onboarding.selectors import (BOARD_COLUMNS, checklist_items, current_step, onboarding_board,
                                      onboarding_tenants)
from apps.tenants import lifecycle
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_retry_provisioning

COLUMN_TITLES = {
    "sales": _("Sales review"), "security": _("Security review"), "technical": _("Technical review"),
    "activation": _("Activation"), "rejected": _("Rejected"), "provisioning": _("Provisioning"),
    "failed": _("Provisioning failed"),
}


def onboarding_board_view(site):
    def view(request):
        if not request.user.has_perm("onboarding.view_approvalstep"):
            raise PermissionDenied
        board = onboarding_board()
        columns = [{"key": key, "title": COLUMN_TITLES[key], "tenants": board[key]} for key in BOARD_COLUMNS]
        context = {**site.each_context(request), "title": _("Onboarding board"), "columns": columns}
        return render(request, "ops/onboarding_board.html", context)

    return view


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, required=False)


# action -> (title, button, service, form, permission, danger)
LIFECYCLE_ACTIONS = {
    "suspend": (_("Suspend tenant"), _("Suspend"), lifecycle.tenant_suspend, ReasonForm,
                "tenants.suspend_tenant", True),
    "reactivate": (_("Reactivate tenant"), _("Reactivate"), lifecycle.tenant_reactivate, OptionalReasonForm,
                   "tenants.suspend_tenant", False),
    "delete": (_("Delete tenant"), _("Delete"), lifecycle.tenant_soft_delete, ReasonForm,
               "tenants.remove_tenant", True),
    "restore": (_("Restore tenant"), _("Restore"), lifecycle.tenant_restore, OptionalReasonForm,
                "tenants.remove_tenant", False),
    "retry": (_("Retry provisioning"), _("Retry provisioning"), None, None, "tenants.provision_tenant", False),
    "resend-invite": (_("Resend owner invite"), _("Send the invite"), None, None, "tenants.support_tenant", False),
}
# Which actions make sense in which status (the services check again).
ACTIONS_BY_STATUS = {
    Tenant.Status.ACTIVE: ["suspend", "delete", "resend-invite"],
    Tenant.Status.SUSPENDED: ["reactivate", "delete", "resend-invite"],
    Tenant.Status.DELETED: ["restore"],
    Tenant.Status.FAILED: ["retry", "delete"],
    Tenant.Status.REQUESTED: ["delete"],
    Tenant.Status.APPROVED: ["delete"],
}


def available_actions(user, tenant: Tenant) -> list[dict]:
    from .plans import plan_actions

    return [{"key": key, "title": LIFECYCLE_ACTIONS[key][1], "danger": LIFECYCLE_ACTIONS[key][5]}
            for key in ACTIONS_BY_STATUS.get(tenant.status, []) if user.has_perm(LIFECYCLE_ACTIONS[key][4])
            ] + plan_actions(user, tenant)


def lifecycle_action_view(model_admin, request, object_id, action):
    # The admin's queryset: the platform's own tenant is not there (and its services refuse).
    tenant = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    from .plans import PLAN_ACTION, change_plan_view

    if action == PLAN_ACTION:
        return change_plan_view(model_admin, request, tenant)
    if action not in LIFECYCLE_ACTIONS:
        raise PermissionDenied
    title, button, service, form_class, perm, danger = LIFECYCLE_ACTIONS[action]
    if not request.user.has_perm(perm):
        from apps.tenants.permissions import require_perm

        try:
            require_perm(request.user, perm, action=f"portal:{action}", tenant=tenant)
        except PlatformError:
            raise PermissionDenied from None
    data = request.POST if request.method == "POST" else None
    form = form_class(data) if form_class else forms.Form(data)
    change_url = reverse("ops_admin:tenants_tenant_change", args=[tenant.pk])
    if request.method == "POST" and form.is_valid():
        try:
            if action == "retry":
                tenant_retry_provisioning(tenant=tenant, actor=request.user)
            elif action == "resend-invite":
                lifecycle.tenant_resend_invite(tenant=tenant, actor=request.user)
            else:
                service(tenant=tenant, actor=request.user, reason=form.cleaned_data.get("reason", ""))
        except PlatformError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(action)s: done for %(name)s.") % {"action": title, "name": tenant.name})
            return redirect(change_url)
    context = {**model_admin.admin_site.each_context(request), "title": title, "tenant": tenant, "form": form,
               "button": button, "danger": danger, "action": action, "change_url": change_url,
               "opts": Tenant._meta, "retention_days": lifecycle.retention_period().days}
    return render(request, "ops/tenant_action.html", context)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), required=False, queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(is_staff=True, is_active=True)


def onboarding_view(model_admin, request, object_id):
    url = reverse("ops_admin:tenants_tenant_onboarding", args=[object_id])
    if request.method == "POST":
        tenant = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
        try:
            _onboarding_post(request, tenant, request.POST.get("op", ""))
        except PlatformError as exc:
            messages.error(request, exc.message)
        return redirect(url)
    tenant = get_object_or_404(onboarding_tenants(), pk=object_id)
    items = checklist_items(tenant)
    checklist = [item for item in items if not item.after_activation]
    steps = list(tenant.approval_steps.all())
    for step in steps:
        step.comment_list = list(step.comments.select_related("author"))
    context = {
        **model_admin.admin_site.each_context(request), "title": _("Onboarding: %(name)s") % {"name": tenant.name},
        "tenant": tenant, "checklist": checklist, "steps": steps, "current": current_step(tenant),
        "after_activation": [item for item in items if item.after_activation],
        "active": tenant.status == Tenant.Status.ACTIVE,
        "checklist_done": sum(item.done for item in checklist), "checklist_total": len(checklist),
        "assign_form": AssignForm(), "opts": Tenant._meta,
        "can_decide": request.user.has_perm("onboarding.decide_approvalstep"),
        "can_check": request.user.has_perm("onboarding.change_checklistitem"),
        "can_comment": request.user.has_perm("onboarding.add_stepcomment"),
        "waiting": tenant.status == Tenant.Status.REQUESTED,
    }
    return render(request, "ops/tenant_onboarding.html", context)


def _onboarding_post(request, tenant: Tenant, op: str) -> None:
    user = request.user
    if op == "open":
        from apps.tenants.permissions import require_perm

        require_perm(user, "onboarding.decide_approvalstep", action="onboarding.opened", tenant=tenant)
        if tenant.status != Tenant.Status.REQUESTED:
            raise PlatformError(_("Only a requested tenant goes through onboarding."))
        onboarding.onboarding_open(tenant=tenant)
        return
    if op == "check":
        item = get_object_or_404(tenant.checklist, pk=request.POST.get("item"))
        onboarding.checklist_item_set(item=item, done=request.POST.get("done") == "1", actor=user)
        return
    step = get_object_or_404(ApprovalStep, tenant=tenant, pk=request.POST.get("step"))
    comment = request.POST.get("comment", "")
    if op == "approve":
        onboarding.step_approve(step=step, actor=user, comment=comment)
        if step.stage == ApprovalStep.Stage.ACTIVATION:
            messages.success(request, _("Approved. %(tenant)s is being provisioned and will be active in a moment.")
                             % {"tenant": tenant.name})
        else:
            messages.success(request, _("%(stage)s approved for %(name)s.")
                             % {"stage": step.get_stage_display(), "name": tenant.name})
    elif op == "reject":
        onboarding.step_reject(step=step, actor=user, comment=comment)
        messages.warning(request, _("%(stage)s rejected for %(name)s.")
                         % {"stage": step.get_stage_display(), "name": tenant.name})
    elif op == "reopen":
        onboarding.step_reopen(step=step, actor=user)
    elif op == "comment":
        onboarding.step_comment(step=step, body=comment, actor=user)
    elif op == "assign":
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise PlatformError(_("Choose an HQ staff member."))
        onboarding.step_assign(step=step, assignee=form.cleaned_data["assignee"], actor=user)
    else:
        raise PlatformError(_("Unknown action."))
