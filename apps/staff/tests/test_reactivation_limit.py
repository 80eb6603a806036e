"""Reactivating a member counts against the plan's staff limit like accepting an
invitation does: refused at the limit, counted under the tenant row lock."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.models import Membership
from apps.audit.models import AuditEvent
from apps.staff.models import StaffProfile
from tests.workspace import api, make_staff


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


def _plan_allows(tenant, staff: int):
    from apps.billing.models import Plan
    from apps.billing.tests.factories import active_subscription

    active_subscription(tenant, Plan.objects.create(code=f"staff-{staff}", name=f"{staff} staff",
                                                    max_staff_users=staff))


def _profile_id(email: str) -> int:
    with schema_context("alpha"):
        return StaffProfile.objects.get(email=email).pk


def test_reactivation_is_refused_at_the_staff_limit(owner, tenant_alpha):
    leaver = make_staff("alpha", "leaver@alpha.test", ["clerk"])
    leaver_id = _profile_id("leaver@alpha.test")
    assert owner.post(f"/api/v1/staff/{leaver_id}/deactivate/").status_code == 200
    make_staff("alpha", "newcomer@alpha.test", ["clerk"])  # owner + newcomer: the plan's two seats
    _plan_allows(tenant_alpha, 2)

    refused = owner.post(f"/api/v1/staff/{leaver_id}/reactivate/")
    assert refused.status_code == 403, refused.content
    error = refused.json()["error"]
    assert error["code"] == "plan_limit_reached" and error["details"] == {
        "limit": "staff_users", "allowed": 2, "current": 2}
    assert Membership.objects.get(user=leaver, tenant=tenant_alpha, kind="staff").status == "suspended"
    with schema_context("alpha"):
        assert StaffProfile.objects.get(pk=leaver_id).is_active is False
    assert not AuditEvent.objects.filter(action="staff.reactivated", target_id=str(leaver_id)).exists()

    # A seat freed: the same reactivation goes through.
    assert owner.post(f"/api/v1/staff/{_profile_id('newcomer@alpha.test')}/deactivate/").status_code == 200
    accepted = owner.post(f"/api/v1/staff/{leaver_id}/reactivate/")
    assert accepted.status_code == 200 and accepted.json()["is_active"] is True
    assert Membership.objects.get(user=leaver, tenant=tenant_alpha, kind="staff").status == "active"


def test_reactivation_counts_staff_under_the_tenant_row_lock(db, tenant_alpha):
    from apps.staff.services import staff_deactivate, staff_reactivate

    make_staff("alpha", "locked@alpha.test", ["clerk"])
    with schema_context("alpha"):
        profile = StaffProfile.objects.get(email="locked@alpha.test")
        staff_deactivate(profile=profile, actor=None)
        with CaptureQueriesContext(connection) as queries:
            staff_reactivate(profile=profile, actor=None)
    connection.set_schema_to_public()
    sqls = [q["sql"] for q in queries.captured_queries]
    lock = next((i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and '"tenants_tenant"' in sql), None)
    count = next((i for i, sql in enumerate(sqls) if "COUNT(" in sql and '"accounts_membership"' in sql), None)
    assert lock is not None and count is not None and lock < count, sqls
