"""The subscription owns the tenant's plan and billing never writes the tenants app's
table: starting a subscription, changing its plan (HQ or the owner), approving an add-on
and changing a plan in the catalog leave the tenant's row as it was (same row version).
(The plan a waiting tenant asks for is the tenants app's own write: test_plan_change.)"""

from django.db import connection

from apps.billing.addons import addon_request_create, addon_request_decide
from apps.billing.catalog import plan_save
from apps.billing.limits import limit_for
from apps.billing.models import AddOn, Plan, Subscription
from apps.billing.subscriptions import provisioning_start_subscription, subscription_start, tenant_change_plan
from apps.industry.models import IndustryTemplate
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create

from .factories import plan_with_price, tenant_row_version
from .test_apis import owner_client


def test_billing_leaves_the_tenant_row_alone(tenant_alpha, hq_user, owner_alpha,
                                            django_capture_on_commit_callbacks):
    basic = plan_with_price("basic", "30000", max_branches=2)
    pro = plan_with_price("pro", "60000", max_branches=5)
    Plan.objects.filter(pk=pro.pk).update(self_signup=True)
    addon = AddOn.objects.create(code="extra-branches", name="Extra branches", price=5000, limit_key="branches",
                                 limit_increase=3)
    before = tenant_row_version(tenant_alpha)

    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_start(tenant=tenant_alpha, plan=basic, actor=hq_user)
    assert owner_client().post("/api/v1/billing/plan/", {"plan": "pro"},
                               content_type="application/json").status_code == 200
    connection.set_schema_to_public()  # back from the tenant host: HQ permissions hold on the public schema
    with django_capture_on_commit_callbacks(execute=True):
        tenant_change_plan(tenant=tenant_alpha, plan=basic, actor=hq_user, reason="back")
        request = addon_request_create(tenant=tenant_alpha, addon=addon, quantity=1, note="", user=owner_alpha)
        addon_request_decide(addon_request=request, approve=True, actor=hq_user)
        basic.max_branches = 3
        plan_save(plan=basic, actor=hq_user)

    assert tenant_row_version(tenant_alpha) == before
    tenant = Tenant.objects.get(pk=tenant_alpha.pk)
    assert tenant.plan is None
    assert Subscription.objects.get(pk=subscription.pk).plan == basic
    assert limit_for(tenant=tenant, key="branches") == 6  # the subscription's plan (3) and its add-on (+3)


def test_provisioning_without_a_requested_plan_subscribes_to_the_industry_default(db,
                                                                                django_capture_on_commit_callbacks):
    default = plan_with_price("academy-default", "15000", trial_days=14)
    IndustryTemplate.objects.filter(business_type="academy").update(default_plan=default)
    tenant = tenant_create(slug="no-choice", name="No choice", business_type="academy", owner_email="o@nc.test",
                           provision=False)
    before = tenant_row_version(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        provisioning_start_subscription(tenant=tenant, owner=None)
    assert Subscription.objects.get(tenant=tenant).plan == default
    assert tenant_row_version(tenant) == before and Tenant.objects.get(pk=tenant.pk).plan is None
