"""Branches on the tenant admin's dashboard (apps.core.dashboard), registered by
BranchesConfig.ready(): the setup step "Add your first branch" and the branch meter
(active branches, counted against the plan's `branches` limit, as branch_create does).
Both read one count per page view."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import request_memo, setup_step, usage_meter

from .models import Branch


def branch_counts(request) -> dict:
    """{"total": every branch, "active": active ones} (one query per request)."""
    return request_memo(request, "branches.counts", lambda: Branch.objects.aggregate(
        total=Count("id"), active=Count("id", filter=Q(is_active=True))))


def may_add_branches(request) -> bool:
    return tenant_admin.get_model_admin(Branch).has_add_permission(request)


def register() -> None:
    setup_step(tenant_admin, "branches.first", _("Add your first branch"),
               description=_("Where you work: a campus, a shop, a restaurant."),
               done=lambda request: branch_counts(request)["total"] > 0,
               url=lambda request: reverse("tenant_admin:branches_branch_add"), order=10,
               permission=may_add_branches)
    usage_meter(tenant_admin, "branches", _("Branches"), used=lambda request: branch_counts(request)["active"],
                limit_key="branches", order=20, url=lambda request: reverse("tenant_admin:branches_branch_changelist"))
