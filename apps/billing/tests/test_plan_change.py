"""The subscription owns the plan: HQ changes it with the tenant page's "Change plan"
action, through the billing service (proration, audit, limits, rate limits and flag
rules); billing never writes the tenant's row, and the tenant form cannot write the plan."""

import datetime as dt
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.accounts.hq import SUPPORT
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.billing.limits import limit_for
from apps.billing.models import Invoice, Subscription
from apps.flags.evaluation import flag_enabled
from apps.flags.models import Flag, FlagRule
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create, tenant_update_details
from tests.plugin import PASSWORD, hq_client

from .factories import active_subscription, plan_with_price, tenant_row_version

SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def action_url(tenant) -> str:
    return f"/admin/tenants/tenant/{tenant.pk}/lifecycle/change-plan/"


def test_change_plan_in_the_portal_prorates_audits_and_updates_limits(
        tenant_alpha, hq_user, django_capture_on_commit_callbacks):
    basic = plan_with_price("basic", "30000", max_staff_users=3, api_requests_per_minute=60)
    pro = plan_with_price("pro", "60000", max_staff_users=1000000, api_requests_per_minute=600)
    today = timezone.localdate()
    subscription = active_subscription(tenant_alpha, basic, start=today - dt.timedelta(days=10), payment_method="")
    Subscription.objects.filter(pk=subscription.pk).update(current_period_end=today + dt.timedelta(days=20))
    pro_only = Flag.objects.create(key="pro-reports", description="test")
    FlagRule.objects.create(flag=pro_only, position=0, kind="plan", values="pro", enabled=True)
    assert limit_for(tenant=tenant_alpha, key="staff_users") == 3  # now cached
    assert flag_enabled("pro-reports", tenant=tenant_alpha) is False  # the flag snapshot is built
    row_before = tenant_row_version(tenant_alpha)
    client = hq_client()

    detail = client.get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/").content.decode()
    assert 'id="tenant-plan"' in detail and "Basic (basic)" in detail and action_url(tenant_alpha) in detail
    page = client.get(action_url(tenant_alpha)).content.decode()
    # the choice shows the price and what is invoiced now, for people: ₩60,000, not 60000.00
    assert "Pro (pro): ₩60,000 per month · invoiced now: ₩22,000" in page and "Basic (basic):" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(tenant_alpha), {"plan": pro.pk, "reason": "asked by phone"})
    assert response.status_code == 302 and response["Location"].endswith(f"/tenant/{tenant_alpha.pk}/change/")
    subscription.refresh_from_db()
    assert subscription.plan == pro
    tenant = Tenant.objects.get(pk=tenant_alpha.pk)
    assert tenant_row_version(tenant) == row_before and tenant.plan is None  # the tenant's row is not billing's
    invoice = Invoice.objects.get(subscription=subscription)
    assert {line.kind for line in invoice.lines.all()} == {"proration"}
    assert invoice.total == Decimal("22000")  # (60000 - 30000) * 20/30 + 10% VAT
    event = AuditEvent.objects.get(action="subscription.plan_changed", tenant=tenant_alpha)
    assert event.actor_id == hq_user.pk and event.changes == {"plan": ["basic", "pro"]}
    assert event.metadata["invoice"] == invoice.number and event.metadata["reason"] == "asked by phone"
    # limits, rate limits and flag rules follow at once: the cached limits and flag snapshot are renewed
    assert limit_for(tenant=tenant, key="staff_users") == 1000000
    assert limit_for(tenant=tenant, key="api_requests_per_minute") == 600
    assert flag_enabled("pro-reports", tenant=tenant) is True
    followed = client.get(response["Location"]).content.decode()
    assert "now on the Pro plan" in followed and f"Invoice {invoice.number} issued: ₩22,000." in followed


def test_a_tenant_waiting_for_approval_gets_the_plan_its_subscription_starts_on(db, hq_user):
    pro = plan_with_price("pro", "60000")
    tenant = tenant_create(slug="wait-plan", name="Waiting", business_type="academy", owner_email="o@wait.test",
                           provision=False)
    response = hq_client().post(action_url(tenant), {"plan": pro.pk})
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.plan == pro and not Subscription.objects.filter(tenant=tenant).exists()
    event = AuditEvent.objects.get(action="tenant.plan_requested", tenant=tenant)
    assert event.changes == {"plan": [None, "pro"]} and event.actor_id == hq_user.pk


def test_refusals_are_messages_not_errors(tenant_alpha):
    basic = plan_with_price("basic", "30000")
    active_subscription(tenant_alpha, basic)
    client = hq_client()
    same = client.post(action_url(tenant_alpha), {"plan": basic.pk})  # not offered: a form error
    assert same.status_code == 200 and "Select a valid choice" in same.content.decode()
    unknown = client.post(action_url(tenant_alpha), {"plan": "nope"})
    assert unknown.status_code == 200
    assert Subscription.objects.get(tenant=tenant_alpha).plan == basic


def test_support_may_not_change_plans(tenant_alpha):
    basic, pro = plan_with_price("basic", "30000"), plan_with_price("pro", "60000")
    active_subscription(tenant_alpha, basic)
    assert hq_client().get(action_url(tenant_alpha)).status_code == 200  # HQ_ADMIN may
    user = User.objects.create_user("support@platform.test", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=SUPPORT))
    TOTP.activate(user, SECRET)
    client = hq_client(email=user.email, secret=SECRET)
    detail = client.get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/").content.decode()
    assert action_url(tenant_alpha) not in detail
    assert client.get(action_url(tenant_alpha)).status_code == 403
    assert client.post(action_url(tenant_alpha), {"plan": pro.pk}).status_code == 403
    assert Subscription.objects.get(tenant=tenant_alpha).plan == basic


def test_the_tenant_form_cannot_change_the_plan(tenant_alpha, hq_user):
    basic, pro = plan_with_price("basic", "30000"), plan_with_price("pro", "60000")
    subscription = active_subscription(tenant_alpha, basic)
    page = hq_client().get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/").content.decode()
    assert 'name="plan"' not in page  # shown, not editable
    # nor through the details service behind the form
    tenant_alpha.plan = pro
    tenant_update_details(tenant=tenant_alpha, actor=hq_user, fields=["plan", "owner_name"])
    assert Tenant.objects.get(pk=tenant_alpha.pk).plan is None
    assert Subscription.objects.get(pk=subscription.pk).plan == basic


def test_the_subscription_page_is_read_only(tenant_alpha):
    basic, pro = plan_with_price("basic", "30000"), plan_with_price("pro", "60000")
    subscription = active_subscription(tenant_alpha, basic)
    client = hq_client()
    page = client.get(f"/admin/billing/subscription/{subscription.pk}/change/")
    assert page.status_code == 200 and 'name="plan"' not in page.content.decode()
    client.post(f"/admin/billing/subscription/{subscription.pk}/change/", {"plan": pro.pk})
    assert Subscription.objects.get(pk=subscription.pk).plan == basic


def test_portal_screens_show_the_plan_in_force(tenant_alpha, tenant_beta, hq_user):
    """The API usage page and the flag matrix show the subscription's plan, not the one
    the tenant asked for (which stays on the tenant's row)."""
    asked, basic = plan_with_price("asked", "10000"), plan_with_price("in-force", "30000")
    Tenant.objects.filter(pk=tenant_alpha.pk).update(plan=asked)
    active_subscription(tenant_alpha, basic)
    Flag.objects.create(key="any-flag", description="test")
    client = hq_client()
    usage = client.get("/admin/ratelimit/tenantapiusage/")
    assert usage.status_code == 200
    row = next(line for line in usage.content.decode().split("<tr") if "alpha" in line and "Alpha Academy" in line)
    assert "In-Force" in row and "Asked" not in row
    matrix = client.get("/admin/flags/flag/matrix/")
    assert matrix.status_code == 200
    page = matrix.content.decode()
    assert "· in-force" in page and "· asked" not in page  # beta, without a subscription, shows none
