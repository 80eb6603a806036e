"""The owner's billing API on the tenant host."""

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.billing.addons import addon_request_create, addon_request_decide
from apps.billing.errors import AddonWithoutSubscription
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import AddOn, AddOnRequest, Subscription
from apps.tenants.models import Tenant
from tests.plugin import client_for, forget, obtain_tokens
from tests.workspace import api_key_client

from .factories import active_subscription, plan_with_price


def owner_client(slug="alpha"):
    tokens = obtain_tokens(slug, f"owner@{slug}.test")
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")


def test_owner_sees_subscription_limits_and_invoices(tenant_alpha, django_assert_max_num_queries):
    plan = plan_with_price("basic", "20000", max_staff_users=5)
    subscription = active_subscription(tenant_alpha, plan)
    for _ in range(3):
        invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    client = owner_client()
    body = client.get("/api/v1/billing/subscription/").json()
    assert body["status"] == "active" and body["plan"]["code"] == "basic"
    assert body["limits"]["staff_users"] == 5 and body["api_requests_this_month"] >= 1
    client.get("/api/v1/billing/invoices/")  # warm caches (routing, flags)
    with django_assert_max_num_queries(6):
        invoices = client.get("/api/v1/billing/invoices/").json()
    assert len(invoices) == 3 and invoices[0]["lines"][0]["kind"] == "plan"
    assert invoices[0]["total"] == "22000.00"


def test_invoice_list_query_count_is_fixed(tenant_alpha, django_assert_num_queries):
    plan = plan_with_price("basic", "20000")
    subscription = active_subscription(tenant_alpha, plan)
    client = owner_client()
    invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    client.get("/api/v1/billing/invoices/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/billing/invoices/")
    for _ in range(5):
        invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    with django_assert_num_queries(len(one)):
        assert len(client.get("/api/v1/billing/invoices/").json()) == 6


def test_owner_requests_an_addon_and_hq_approves(tenant_alpha, hq_user, django_capture_on_commit_callbacks):
    plan = plan_with_price("basic", "20000", max_staff_users=2)
    active_subscription(tenant_alpha, plan)
    AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users", limit_increase=5)
    client = owner_client()
    created = client.post("/api/v1/billing/addon-requests/", {"addon": "extra-staff", "quantity": 2, "note": "summer"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    again = client.post("/api/v1/billing/addon-requests/", {"addon": "extra-staff"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "addon_request_pending"
    bad = client.post("/api/v1/billing/addon-requests/", {"addon": "nope", "quantity": 0},
                      content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()["error"]["details"]) == {"addon", "quantity"}

    request = AddOnRequest.objects.get(pk=created.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        addon_request_decide(addon_request=request, approve=True, actor=hq_user, note="ok")
    assert Subscription.objects.get(tenant=tenant_alpha).addons.get().quantity == 2
    assert client.get("/api/v1/billing/subscription/").json()["limits"]["staff_users"] == 12
    assert AuditEvent.objects.filter(action="addon.request_approved", tenant=tenant_alpha).exists()


def test_an_addon_is_not_approved_for_a_tenant_without_subscription(tenant_alpha, hq_user):
    """Its own code: `no_subscription` is the 404 of a workspace asking for its subscription."""
    addon = AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users",
                                 limit_increase=5)
    request = addon_request_create(tenant=tenant_alpha, addon=addon, quantity=1, note="", user=hq_user)
    with pytest.raises(AddonWithoutSubscription) as exc:
        addon_request_decide(addon_request=request, approve=True, actor=hq_user)
    assert (exc.value.code, exc.value.status) == ("addon_without_subscription", 400)
    request.refresh_from_db()
    assert request.status == AddOnRequest.Status.PENDING


def test_checkout_returns_the_provider_page(tenant_alpha):
    plan = plan_with_price("basic", "20000")
    subscription = active_subscription(tenant_alpha, plan)
    client = owner_client()
    nothing = client.post("/api/v1/billing/checkout/")
    assert nothing.status_code == 404 and nothing.json()["error"]["code"] == "no_open_invoice"
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    response = client.post("/api/v1/billing/checkout/")
    assert response.status_code == 201
    body = response.json()
    assert body["invoice"] == invoice.number and body["amount"] == "22000.00"
    page = client_for(None).get(body["checkout_url"].split("localhost:8000", 1)[-1].split("localhost", 1)[-1])
    assert page.status_code == 200 and invoice.number in page.content.decode()


def test_staff_who_are_not_owner_get_nothing(tenant_alpha, tenant_beta):
    beta = owner_client("beta")
    # beta's token on alpha's host: refused by authentication
    other = client_for("alpha", HTTP_AUTHORIZATION=beta.defaults["HTTP_AUTHORIZATION"])
    assert other.get("/api/v1/billing/subscription/").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/billing/subscription/", "/api/v1/billing/invoices/",
                                  "/api/v1/settlements/"])
def test_an_api_key_never_passes_for_the_owner_of_a_workspace_without_one(tenant_alpha, path):
    """The owner rule compares ids: an API key has none, nor has an ownerless workspace."""
    client, _key = api_key_client("alpha", ["customer:view"])
    Tenant.objects.filter(pk=tenant_alpha.pk).update(owner=None)
    forget("tenants:*")  # the routing cache holds the tenant's row
    response = client.get(path)
    assert response.status_code == 403, response.content[:300]
    assert response.json()["error"]["code"] in ("owner_only", "permission_denied")
