"""The portal pages for plans, billing, flags, templates and usage, as HQ sees them."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.billing.models import AddOn, AddOnRequest, PlanPrice
from apps.flags.models import Flag, FlagRule
from tests.plugin import PASSWORD, client_for, hq_client

from .factories import active_subscription, plan_with_price

PAGES = [
    "/admin/billing/plan/", "/admin/billing/plan/add/", "/admin/billing/planprice/", "/admin/billing/addon/",
    "/admin/billing/promocode/", "/admin/billing/promocode/add/", "/admin/billing/subscription/",
    "/admin/billing/invoice/", "/admin/billing/addonrequest/", "/admin/flags/flag/", "/admin/flags/flag/add/",
    "/admin/flags/flag/matrix/", "/admin/flags/flag/stale/", "/admin/flags/flag/?stale=yes",
    "/admin/industry/industrytemplate/", "/admin/industry/templateapplication/", "/admin/ratelimit/tenantapiusage/",
]


def test_hq_pages_render(tenant_alpha):
    plan = plan_with_price("basic", api_requests_per_month=1000)
    active_subscription(tenant_alpha, plan)
    Flag.objects.create(key="kiosk", description="Kiosk")
    client = hq_client()
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
    usage = client.get("/admin/ratelimit/tenantapiusage/").content.decode()
    assert "alpha" in usage and "1,000" in usage
    matrix = client.get("/admin/flags/flag/matrix/").content.decode()
    assert "kiosk" in matrix and "alpha" in matrix and "beta" in matrix


def test_hq_admin_cannot_add_a_price_version(tenant_alpha):
    plan = plan_with_price("basic")
    client = hq_client()  # HQ_ADMIN
    assert client.get("/admin/billing/planprice/add/").status_code == 403
    response = client.post("/admin/billing/planprice/add/", {
        "plan": plan.pk, "amount": "1", "currency": "KRW", "commission_rate": "1",
        "effective_from": (timezone.localdate() + dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 403
    assert PlanPrice.objects.filter(plan=plan).count() == 1


def test_flag_edit_in_the_portal_is_audited_with_rules(tenant_alpha, hq_user):
    client = hq_client()
    response = client.post("/admin/flags/flag/add/", {
        "key": "beta-reports", "description": "New reports", "default_enabled": "",
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0", "rules-0-position": "0", "rules-0-kind": "tenant",
        "rules-0-values": "alpha", "rules-0-enabled": "on",
        "overrides-TOTAL_FORMS": "0", "overrides-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    flag = Flag.objects.get(key="beta-reports")
    assert FlagRule.objects.get(flag=flag).values == "alpha"
    event = AuditEvent.objects.filter(action="flag.created", target_id=str(flag.pk)).get()
    assert event.changes["rules"] == [None, ["0:tenant:alpha:None:on"]] and event.actor_id == hq_user.pk


def test_hq_approves_addon_requests_in_the_portal(tenant_alpha, owner_alpha):
    active_subscription(tenant_alpha, plan_with_price("basic", max_branches=1))
    addon = AddOn.objects.create(code="extra-branches", name="Extra branches", price=5000, limit_key="branches",
                                 limit_increase=1)
    request = AddOnRequest.objects.create(tenant=tenant_alpha, addon=addon, quantity=1, requested_by=owner_alpha)
    response = hq_client().post("/admin/billing/addonrequest/", {"action": "approve", "_selected_action": [request.pk]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"


@pytest.mark.parametrize("path", ["/admin/billing/addonrequest/", "/admin/billing/addonrequest/add/"])
def test_owner_requests_addons_in_the_tenant_admin(tenant_alpha, path):
    AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users", limit_increase=5)
    client = client_for("alpha")
    assert client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD}).status_code == 302
    assert client.get(path).status_code == 200


def test_owner_submits_an_addon_request_form(tenant_alpha):
    addon = AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users",
                                 limit_increase=5)
    client = client_for("alpha")
    client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    response = client.post("/admin/billing/addonrequest/add/", {"addon": addon.pk, "quantity": 2, "note": "more"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AddOnRequest.objects.get(tenant=tenant_alpha).quantity == 2
    again = client.post("/admin/billing/addonrequest/add/", {"addon": addon.pk, "quantity": 1, "note": ""})
    assert again.status_code == 200 and "pending request" in again.content.decode()


def test_plan_form_numbers_have_room_for_their_values(db):
    plan = plan_with_price("big", "1000000", max_staff_users=1000000, api_requests_per_month=2000000000)
    page = hq_client().get(f"/admin/billing/plan/{plan.pk}/change/").content.decode()
    for name, value in (("max_staff_users", "1000000"), ("api_requests_per_month", "2000000000")):
        tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)
        assert f'value="{value}"' in tag
        # Django's default is a 5em box (vIntegerField) that shows 1000000 as "100000"
        assert "vIntegerField" not in tag and 'style="width: 16ch"' in tag


def test_money_reads_as_money_in_the_portal_and_at_checkout(tenant_alpha):
    from apps.billing.invoicing import invoice_issue_for_period
    from apps.billing.models import Payment
    from apps.billing.payments import invoice_checkout

    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "1000000"))
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    AddOn.objects.create(code="extra-staff", name="Extra staff", price=30000, limit_key="staff_users",
                         limit_increase=5)
    client = hq_client()
    pages = {path: client.get(path).content.decode() for path in (
        "/admin/billing/plan/", "/admin/billing/planprice/", "/admin/billing/addon/", "/admin/billing/invoice/",
        f"/admin/billing/invoice/{invoice.pk}/change/")}
    assert "₩1,000,000 · 3.5%" in pages["/admin/billing/plan/"]
    assert "₩1,000,000" in pages["/admin/billing/planprice/"]
    assert "₩30,000" in pages["/admin/billing/addon/"]
    assert "₩1,100,000" in pages["/admin/billing/invoice/"] and "₩100,000" in pages["/admin/billing/invoice/"]
    detail = pages[f"/admin/billing/invoice/{invoice.pk}/change/"]
    assert "₩1,100,000" in detail and "₩1,000,000" in detail  # total and the plan line
    for page in pages.values():
        assert "1000000.00" not in page and "1100000.00" not in page

    payment, url = invoice_checkout(invoice=invoice)
    checkout = client_for(None).get(url.split("localhost", 1)[1]).content.decode()
    assert "₩1,100,000" in checkout and "1100000.00" not in checkout
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_flag_change_in_the_portal_is_audited_once_with_before_and_after(tenant_alpha, hq_user):
    flag = Flag.objects.create(key="kiosk-mode", description="Kiosk")
    rule = FlagRule.objects.create(flag=flag, position=0, kind="tenant", values="alpha", enabled=True)
    response = hq_client().post(f"/admin/flags/flag/{flag.pk}/change/", {
        "key": "kiosk-mode", "description": "Kiosk for food", "default_enabled": "",
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "1", "rules-0-id": rule.pk, "rules-0-flag": flag.pk,
        "rules-0-position": "0", "rules-0-kind": "tenant", "rules-0-values": "alpha,beta", "rules-0-enabled": "on",
        "overrides-TOTAL_FORMS": "0", "overrides-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="flag.changed", target_id=str(flag.pk)).get()
    assert event.actor_id == hq_user.pk
    assert event.changes == {"description": ["Kiosk", "Kiosk for food"],
                             "rules": [["0:tenant:alpha:None:on"], ["0:tenant:alpha,beta:None:on"]]}


def test_promo_create_and_edit_in_the_portal_are_audited_once(db, hq_user):
    from apps.billing.models import PromoCode

    basic, pro = plan_with_price("basic"), plan_with_price("pro")
    client = hq_client()
    form = {"code": "SPRING", "description": "", "kind": "percent", "value": "10", "duration": "once",
            "duration_periods": "", "expires_at_0": "", "expires_at_1": "", "max_redemptions": "",
            "plans": [basic.pk], "is_active": "on"}
    assert client.post("/admin/billing/promocode/add/", form).status_code == 302
    promo = PromoCode.objects.get(code="SPRING")
    created = AuditEvent.objects.get(action="promo.created", target_id=str(promo.pk))
    assert created.changes["plans"] == [None, ["basic"]] and created.actor_id == hq_user.pk
    PromoCode.objects.filter(pk=promo.pk).update(times_redeemed=3)  # a redemption while the form was open
    response = client.post(f"/admin/billing/promocode/{promo.pk}/change/", {**form, "value": "15",
                                                                           "plans": [basic.pk, pro.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = AuditEvent.objects.filter(action="promo.changed", target_id=str(promo.pk)).get()
    assert changed.changes == {"plans": [["basic"], ["basic", "pro"]], "value": ["10.00", "15.00"]}
    promo.refresh_from_db()
    assert promo.times_redeemed == 3 and promo.value == 15
