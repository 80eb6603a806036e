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
from apps.onboarding.selectors import BOARD_COLUMNS, checklist_items, current_step, onboarding_board, onboarding_tenants
from apps.tenants import lifecycle
from apps.tenants.models import Tenant
from apps.tenants.permissions import require_perm

from . import actions
from .actions import TenantAction

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


def available_actions(user, tenant: Tenant) -> list[TenantAction]:
    return actions.available_actions(user, tenant)


def lifecycle_action_view(model_admin, request, object_id, action):
    # The admin's queryset: the platform's own tenant is not there (and its services refuse).
    tenant = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    tenant_action = actions.ACTIONS_BY_KEY.get(action)
    if tenant_action is None:
        raise PermissionDenied
    if tenant_action.view is not None:
        return tenant_action.view(model_admin, request, tenant, tenant_action)
    if not request.user.has_perm(tenant_action.permission):
        try:
            require_perm(request.user, tenant_action.permission, action=f"portal:{action}", tenant=tenant)
        except PlatformError:
            raise PermissionDenied from None
    form = tenant_action.form(request.POST if request.method == "POST" else None)
    change_url = reverse("ops_admin:tenants_tenant_change", args=[tenant.pk])
    if request.method == "POST" and form.is_valid():
        try:
            tenant_action.service(tenant=tenant, actor=request.user, **form.cleaned_data)
        except PlatformError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(action)s: done for %(name)s.") % {"action": tenant_action.title,
                                                                              "name": tenant.name})
            return redirect(change_url)
    note = tenant_action.note and tenant_action.note % {"retention_days": lifecycle.retention_period().days,
                                                        "email": tenant.owner_email}
    context = {**model_admin.admin_site.each_context(request), "title": tenant_action.title, "tenant": tenant,
               "form": form, "action": tenant_action, "note": note, "change_url": change_url,
               "opts": Tenant._meta}
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
