import pytest

from apps.billing.limits import PlanLimitReached, enforce_limit, limit_for
from apps.billing.models import Plan


def test_no_plan_means_no_limit(tenant_alpha):
    assert tenant_alpha.plan is None
    assert limit_for(tenant=tenant_alpha, key="branches") is None
    enforce_limit(tenant=tenant_alpha, key="branches", current=10_000)


def test_limit_reached_is_a_clear_error(tenant_alpha):
    tenant_alpha.plan = Plan.objects.create(code="tiny", name="Tiny", max_staff_users=3)
    enforce_limit(tenant=tenant_alpha, key="staff_users", current=2)
    with pytest.raises(PlanLimitReached) as exc:
        enforce_limit(tenant=tenant_alpha, key="staff_users", current=3)
    assert exc.value.code == "plan_limit_reached" and exc.value.status == 403
    assert "allows 3 staff users" in str(exc.value.message)
    assert exc.value.details == {"limit": "staff_users", "allowed": 3, "current": 3}
