"""The owner changes plan and redeems a promo code through the tenant API."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.billing.models import Plan, PromoCode, Subscription

from .factories import active_subscription, plan_with_price
from .test_apis import owner_client


def test_owner_upgrades_to_a_self_service_plan_with_proration(tenant_alpha):
    basic = plan_with_price("basic", "30000")
    pro = plan_with_price("pro", "60000")
    Plan.objects.filter(pk__in=[basic.pk, pro.pk]).update(self_signup=True)
    plan_with_price("enterprise", "900000")  # sales-led: not self-service
    active_subscription(tenant_alpha, basic, payment_method="")
    client = owner_client()

    refused = client.post("/api/v1/billing/plan/", {"plan": "enterprise"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "plan_unavailable"
    response = client.post("/api/v1/billing/plan/", {"plan": "pro"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["plan"] == "pro"
    kinds = [line["kind"] for line in body["invoice"]["lines"]]
    assert kinds == ["proration", "proration"]
    assert Decimal(body["invoice"]["total"]) > 0
    assert Subscription.objects.get(tenant=tenant_alpha).plan == pro
    same = client.post("/api/v1/billing/plan/", {"plan": "pro"}, content_type="application/json")
    assert same.status_code == 400 and same.json()["error"]["code"] == "same_plan"


def test_owner_redeems_a_promo_code(tenant_alpha):
    active_subscription(tenant_alpha, plan_with_price("basic", "30000"))
    PromoCode.objects.create(code="WELCOME50", kind="percent", value=50, duration="once",
                             expires_at=timezone.now() + dt.timedelta(days=1))
    client = owner_client()
    bad = client.post("/api/v1/billing/promo/", {"code": "NOPE"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "promo_not_found"
    ok = client.post("/api/v1/billing/promo/", {"code": "welcome50"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "active"
    assert Subscription.objects.get(tenant=tenant_alpha).promo.code == "WELCOME50"
