"""Branches on the dashboard: "Add your first branch" ticks once a branch is added
through the service, and the branch meter counts the active branches against the plan."""

from django.db import connection
from django.test import TestCase
from django_tenants.utils import schema_context

from apps.billing.invalidation import subscriptions_changed
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.branches.services import branch_create, branch_update
from tests.dashboard import dashboard, meter, step_done


def test_the_step_ticks_when_a_branch_is_added(tenant_alpha, owner_alpha):
    before = dashboard()
    assert step_done(before, "branches.first") is False
    assert 'href="/admin/branches/branch/add/"' in before.content.decode()  # where it is done
    with schema_context("alpha"):
        branch_create(actor=owner_alpha, name="Dashboard Gangnam")
    assert step_done(dashboard(), "branches.first") is True


def test_the_meter_counts_active_branches_against_the_plan(tenant_alpha, owner_alpha):
    active_subscription(tenant_alpha, plan_with_price("dash-branches", max_branches=3))
    with schema_context("alpha"):
        branch_create(actor=owner_alpha, name="Dashboard North")
        closed = branch_create(actor=owner_alpha, name="Dashboard South")
        branch_update(branch=closed, actor=owner_alpha, is_active=False)
    assert meter(dashboard(), "branches") == {"used": 1, "limit": 3}
    connection.set_schema_to_public()
    tenant_alpha.subscription.plan.max_branches = None
    tenant_alpha.subscription.plan.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        subscriptions_changed(tenant_ids=[tenant_alpha.pk])
    assert meter(dashboard(), "branches") == {"used": 1, "limit": None}  # unlimited: no bar
