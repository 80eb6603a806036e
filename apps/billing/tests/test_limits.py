import pytest

from apps.billing.errors import PlanLimitReached
from apps.billing.limits import enforce_limit, limit_for
from apps.billing.models import Plan, Subscription

from .factories import active_subscription


def test_no_plan_means_no_limit(tenant_alpha):
    assert not Subscription.objects.filter(tenant=tenant_alpha).exists()
    assert limit_for(tenant=tenant_alpha, key="branches") is None
    enforce_limit(tenant=tenant_alpha, key="branches", current=10_000)


def test_limit_reached_is_a_clear_error(tenant_alpha):
    """The subscription's plan decides, not the plan the tenant asked for."""
    tenant_alpha.plan = Plan.objects.create(code="asked", name="Asked", max_staff_users=1)  # what it asked for
    tenant_alpha.save(update_fields=["plan"])
    active_subscription(tenant_alpha, Plan.objects.create(code="tiny", name="Tiny", max_staff_users=3))
    enforce_limit(tenant=tenant_alpha, key="staff_users", current=2)
    with pytest.raises(PlanLimitReached) as exc:
        enforce_limit(tenant=tenant_alpha, key="staff_users", current=3)
    assert exc.value.code == "plan_limit_reached" and exc.value.status == 403
    assert "allows 3 staff users" in str(exc.value.message)
    assert exc.value.details == {"limit": "staff_users", "allowed": 3, "current": 3}


def test_approved_addon_raises_the_limit_at_once(tenant_alpha, hq_user, owner_alpha,
                                                 django_capture_on_commit_callbacks):
    from apps.billing.addons import addon_request_create, addon_request_decide
    from apps.billing.models import AddOn

    from .factories import plan_with_price

    plan = plan_with_price("small", max_branches=2)
    active_subscription(tenant_alpha, plan)
    assert limit_for(tenant=tenant_alpha, key="branches") == 2  # now cached
    addon = AddOn.objects.create(code="extra-branches", name="Extra branches", price=5000, limit_key="branches",
                                 limit_increase=3)
    request = addon_request_create(tenant=tenant_alpha, addon=addon, quantity=2, note="", user=owner_alpha)
    with django_capture_on_commit_callbacks(execute=True):
        addon_request_decide(addon_request=request, approve=True, actor=hq_user)
    assert limit_for(tenant=tenant_alpha, key="branches") == 8
    enforce_limit(tenant=tenant_alpha, key="branches", current=7)
    with pytest.raises(PlanLimitReached) as exc:
        enforce_limit(tenant=tenant_alpha, key="branches", current=8)
    assert exc.value.details == {"limit": "branches", "allowed": 8, "current": 8}
    assert "allows 8 branches" in str(exc.value.message)
