"""Public tables shared by every tenant: subscriptions and their add-ons, invoices,
add-on requests, monthly API usage and flag overrides. Whatever a workspace owner lists,
opens or changes over them is their own tenant's rows only, while the other tenant has
rows of the same kind. Every check runs for alpha and for beta: without a tenant filter
`.first()` or "the oldest" would pick one tenant's row for both, which shows on one side.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_redis import get_redis_connection

from apps.billing.addons import addon_request_create
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import (
    AddOn,
    AddOnRequest,
    Payment,
    PromoCode,
    PromoRedemption,
    Subscription,
    SubscriptionAddOn,
)
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.ratelimit.limiter import month_key
from tests.plugin import PASSWORD, client_for
from tests.workspace import api

SLUGS = ["alpha", "beta"]
OTHER = {"alpha": "beta", "beta": "alpha"}
OWNER = {"alpha": "owner@alpha.test", "beta": "owner@beta.test"}


@pytest.fixture
def billing(tenant_alpha, tenant_beta, owner_alpha, owner_beta):
    """Both tenants on the same plan (only the tenant tells their rows apart), each with
    open invoices, an add-on request and its own period, credit and usage; beta alone
    has an add-on raising its staff limit. Beta's invoice is the oldest open one."""
    tenants = {"alpha": tenant_alpha, "beta": tenant_beta}
    owners = {"alpha": owner_alpha, "beta": owner_beta}
    plan = plan_with_price("shared", "20000", max_staff_users=3, self_signup=True)
    plan_with_price("shared-plus", "20000", max_staff_users=3, self_signup=True)
    staff = AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users",
                                 limit_increase=5)
    branches = AddOn.objects.create(code="extra-branches", name="Extra branches", price=2000,
                                    limit_key="branches", limit_increase=1)
    today = timezone.localdate()
    starts = {"alpha": today - dt.timedelta(days=3), "beta": today - dt.timedelta(days=5)}
    subs = {slug: active_subscription(tenants[slug], plan, start=starts[slug]) for slug in SLUGS}
    SubscriptionAddOn.objects.create(subscription=subs["beta"], addon=staff, quantity=2)
    invoices = {
        "beta": [invoice_issue_for_period(subscription=subs["beta"], issue_date=today - dt.timedelta(days=20))],
        "alpha": [invoice_issue_for_period(subscription=subs["alpha"], issue_date=today - dt.timedelta(days=10)),
                  invoice_issue_for_period(subscription=subs["alpha"], issue_date=today - dt.timedelta(days=1))],
    }
    Subscription.objects.filter(pk=subs["beta"].pk).update(credit=777)  # after invoicing, which saves credit
    requests = {
        "alpha": addon_request_create(tenant=tenant_alpha, addon=branches, quantity=1, note="alpha wants branches",
                                      user=owner_alpha),
        "beta": addon_request_create(tenant=tenant_beta, addon=staff, quantity=3, note="beta wants staff",
                                     user=owner_beta),
    }
    usage = {"alpha": 1000, "beta": 5000}
    for slug in SLUGS:
        get_redis_connection("default").set(month_key(tenants[slug].pk), usage[slug])
    return {"tenants": tenants, "owners": owners, "subs": subs, "invoices": invoices, "requests": requests,
            "usage": usage, "starts": starts}


def owner_api(slug):
    return api(slug, OWNER[slug])


@pytest.mark.parametrize("slug", SLUGS)
def test_owner_sees_own_subscription_addons_limits_and_usage(billing, slug):
    body = owner_api(slug).get("/api/v1/billing/subscription/").json()
    assert body["current_period_start"] == billing["starts"][slug].isoformat()
    assert body["credit"] == {"alpha": "0.00", "beta": "777.00"}[slug]
    assert body["addons"] == {"alpha": [], "beta": [{"code": "extra-staff", "quantity": 2}]}[slug]
    assert body["limits"]["staff_users"] == {"alpha": 3, "beta": 13}[slug]
    own = billing["usage"][slug]
    assert own <= body["api_requests_this_month"] < own + 100  # own count plus this test's requests


@pytest.mark.parametrize("slug", SLUGS)
def test_owner_lists_only_own_invoices(billing, slug):
    numbers = [invoice["number"] for invoice in owner_api(slug).get("/api/v1/billing/invoices/").json()]
    assert sorted(numbers) == sorted(invoice.number for invoice in billing["invoices"][slug])


@pytest.mark.parametrize("slug", SLUGS)
def test_checkout_pays_own_oldest_open_invoice(billing, slug):
    response = owner_api(slug).post("/api/v1/billing/checkout/")
    assert response.status_code == 201, response.content
    assert response.json()["invoice"] == billing["invoices"][slug][0].number
    assert not Payment.objects.filter(invoice__tenant=billing["tenants"][OTHER[slug]]).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_owner_lists_and_requests_addons_of_own_tenant(billing, slug):
    client = owner_api(slug)
    listed = client.get("/api/v1/billing/addon-requests/").json()
    assert [r["id"] for r in listed] == [billing["requests"][slug].pk]
    # The other tenant's pending request for an add-on does not block asking for it here.
    wanted = {"alpha": "extra-staff", "beta": "extra-branches"}[slug]
    created = client.post("/api/v1/billing/addon-requests/", {"addon": wanted, "quantity": 1},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    assert AddOnRequest.objects.get(pk=created.json()["id"]).tenant == billing["tenants"][slug]
    assert len(client.get("/api/v1/billing/addon-requests/").json()) == 2


def _admin(slug):
    client = client_for(slug)
    assert client.post("/admin/login/", {"username": OWNER[slug], "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("slug", SLUGS)
def test_tenant_admin_addon_requests_are_own_only(billing, slug):
    client = _admin(slug)
    own, other = billing["requests"][slug], billing["requests"][OTHER[slug]]
    listing = client.get("/admin/billing/addonrequest/")
    assert listing.status_code == 200
    assert [row.pk for row in listing.context["cl"].result_list] == [own.pk]
    page = client.get(f"/admin/billing/addonrequest/{own.pk}/change/")
    assert page.status_code == 200 and own.note in page.content.decode()
    foreign = client.get(f"/admin/billing/addonrequest/{other.pk}/change/")
    assert foreign.status_code == 302 and foreign["Location"] == "/admin/", foreign  # "does not exist"
    # The add form's "already pending" check looks at this tenant's requests only.
    wanted = AddOn.objects.get(code={"alpha": "extra-staff", "beta": "extra-branches"}[slug])
    added = client.post("/admin/billing/addonrequest/add/", {"addon": wanted.pk, "quantity": 1, "note": "admin"})
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    assert AddOnRequest.objects.filter(tenant=billing["tenants"][slug], addon=wanted).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_plan_change_moves_only_own_subscription(billing, slug):
    response = owner_api(slug).post("/api/v1/billing/plan/", {"plan": "shared-plus"},
                                    content_type="application/json")
    assert response.status_code == 200, response.content
    assert Subscription.objects.get(tenant__slug=slug).plan.code == "shared-plus"
    assert Subscription.objects.get(tenant__slug=OTHER[slug]).plan.code == "shared"


@pytest.mark.parametrize("slug", SLUGS)
def test_promo_is_redeemed_on_own_subscription(billing, slug):
    PromoCode.objects.create(code="WELCOME10", kind=PromoCode.Kind.PERCENT, value=10)
    response = owner_api(slug).post("/api/v1/billing/promo/", {"code": "WELCOME10"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Subscription.objects.get(tenant__slug=slug).promo.code == "WELCOME10"
    assert Subscription.objects.get(tenant__slug=OTHER[slug]).promo is None
    assert list(PromoRedemption.objects.values_list("subscription__tenant__slug", flat=True)) == [slug]


@pytest.mark.parametrize("slug", SLUGS)
def test_flag_override_and_addon_flag_apply_to_their_tenant_only(billing, slug):
    from apps.flags.models import Flag, FlagOverride

    tenant = billing["tenants"][slug]
    overridden = Flag.objects.create(key="override-here", description="x")
    FlagOverride.objects.create(flag=overridden, tenant=tenant, enabled=True, reason="pilot")
    Flag.objects.create(key="addon-here", description="x")
    kiosk = AddOn.objects.create(code="kiosk", name="Kiosk", price=1000, feature_flag="addon-here")
    SubscriptionAddOn.objects.create(subscription=billing["subs"][slug], addon=kiosk, quantity=1)
    cache.delete_pattern("flags:*")
    for who, expected in ((slug, True), (OTHER[slug], False)):
        flags = owner_api(who).get("/api/v1/flags/").json()["flags"]
        assert flags["override-here"] is expected and flags["addon-here"] is expected, (who, flags)
