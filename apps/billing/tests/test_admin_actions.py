"""The billing pages of the ops portal doing their work: plans, price versions and add-ons
saved through the catalog services (audited, prices HQ_MASTER only), an invoice voided,
an add-on request rejected."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.accounts.hq import HQ_MASTER, SUPPORT
from apps.audit.models import AuditEvent
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.limits import limit_for
from apps.billing.models import AddOn, AddOnRequest, Invoice, Plan, PlanPrice, SubscriptionAddOn
from tests.admin_pages import change_form_data, offered_actions, portal_user, run_action, texts
from tests.plugin import hq_client

from .factories import active_subscription, plan_with_price

PLAN_FORM = {"code": "pro", "name": "Pro", "name_ko": "", "description": "", "is_active": "on", "sort_order": "0",
             "billing_period": "monthly", "trial_days": "14", "max_staff_users": "10", "max_branches": "2",
             "api_requests_per_minute": "", "api_requests_per_month": "", "storage_mb": "",
             "prices-TOTAL_FORMS": "0", "prices-INITIAL_FORMS": "0"}
ADDON_FORM = {"code": "extra-branch", "name": "Extra branch", "name_ko": "", "description": "", "price": "0",
              "currency": "KRW", "limit_key": "branches", "limit_increase": "1", "feature_flag": "", "is_active": "on"}


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


# --- plans -----------------------------------------------------------------------------------


def test_hq_admin_adds_a_plan_through_the_catalog_service(hq_user):
    response = hq_client().post("/admin/billing/plan/add/", PLAN_FORM)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    plan = Plan.objects.get(code="pro")
    assert (plan.trial_days, plan.max_staff_users, plan.max_branches) == (14, 10, 2)
    event = AuditEvent.objects.get(action="plan.created", target_id=str(plan.pk))
    assert event.actor_id == hq_user.pk and event.changes["code"] == [None, "pro"]


def test_editing_a_plan_is_audited_and_reaches_subscribed_tenants(tenant_alpha, hq_user,
                                                                  django_capture_on_commit_callbacks):
    plan = plan_with_price("basic", max_branches=1)
    active_subscription(tenant_alpha, plan)
    assert limit_for(tenant=tenant_alpha, key="branches") == 1  # resolved and cached
    client = hq_client()
    url = f"/admin/billing/plan/{plan.pk}/change/"
    data = change_form_data(client.get(url), max_branches="5")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.max_branches == 5
    event = AuditEvent.objects.get(action="plan.changed", target_id=str(plan.pk))
    assert event.changes == {"max_branches": [1, 5]} and event.actor_id == hq_user.pk
    assert limit_for(tenant=tenant_alpha, key="branches") == 5
    assert PlanPrice.objects.filter(plan=plan).count() == 1  # the price history is untouched


def test_support_cannot_add_a_plan(db):
    client, _user = portal_user(SUPPORT)
    assert client.post("/admin/billing/plan/add/", PLAN_FORM).status_code == 403
    assert not Plan.objects.filter(code="pro").exists()


# --- price versions --------------------------------------------------------------------------


def test_hq_master_adds_a_price_version(db):
    plan = plan_with_price("basic", "10000")
    client, master = portal_user(HQ_MASTER)
    response = client.post("/admin/billing/planprice/add/", {
        "plan": plan.pk, "amount": "12000", "currency": "krw", "commission_rate": "3", "effective_from": tomorrow(),
        "note": "yearly review"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    version = PlanPrice.objects.get(plan=plan, effective_from=tomorrow())
    assert (version.amount, version.currency, version.created_by_id) == (Decimal("12000.00"), "KRW", master.pk)
    event = AuditEvent.objects.get(action="plan.price_changed", target_id=str(plan.pk))
    assert event.changes["amount"] == ["10000.00", "12000.00"] and event.metadata["note"] == "yearly review"
    assert event.actor_id == master.pk


def test_a_price_version_in_the_past_is_a_form_error(db):
    plan = plan_with_price("basic")
    client, _master = portal_user(HQ_MASTER)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post("/admin/billing/planprice/add/", {
        "plan": plan.pk, "amount": "1", "currency": "KRW", "commission_rate": "1", "effective_from": yesterday})
    assert response.status_code == 200
    assert "not in the past" in response.context["adminform"].form.errors["effective_from"][0]
    assert PlanPrice.objects.filter(plan=plan).count() == 1
    assert not AuditEvent.objects.filter(action="plan.price_changed").exists()


# --- add-ons ---------------------------------------------------------------------------------


def test_hq_admin_adds_an_add_on_without_a_price_but_not_with_one(hq_user):
    client = hq_client()  # HQ_ADMIN: no pricing permission
    priced = client.post("/admin/billing/addon/add/", {**ADDON_FORM, "price": "5000"})
    assert priced.status_code == 403
    assert not AddOn.objects.filter(code="extra-branch").exists()

    response = client.post("/admin/billing/addon/add/", ADDON_FORM)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    addon = AddOn.objects.get(code="extra-branch")
    assert addon.price == 0
    event = AuditEvent.objects.get(action="addon.saved", target_id=str(addon.pk))
    assert event.actor_id == hq_user.pk and event.changes["code"] == [None, "extra-branch"]


def test_hq_admin_edits_an_add_on_but_not_its_price(db):
    addon = AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users",
                                 limit_increase=5)
    client = hq_client()
    url = f"/admin/billing/addon/{addon.pk}/change/"
    page = client.get(url)
    refused = client.post(url, change_form_data(page, price="1000"))
    assert refused.status_code == 403
    addon.refresh_from_db()
    assert addon.price == 3000

    response = client.post(url, change_form_data(page, name="More staff"))
    assert response.status_code == 302
    addon.refresh_from_db()
    assert (addon.name, addon.price) == ("More staff", 3000)
    event = AuditEvent.objects.get(action="addon.saved", target_id=str(addon.pk))
    assert event.changes == {"name": ["Extra staff", "More staff"]}


def test_hq_master_sets_an_add_on_price(db):
    addon = AddOn.objects.create(code="extra-staff", name="Extra staff", price=3000, limit_key="staff_users",
                                 limit_increase=5)
    client, master = portal_user(HQ_MASTER)
    url = f"/admin/billing/addon/{addon.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), price="4500"))
    assert response.status_code == 302
    addon.refresh_from_db()
    assert addon.price == Decimal("4500")
    event = AuditEvent.objects.get(action="addon.saved", target_id=str(addon.pk))
    assert [Decimal(value) for value in event.changes["price"]] == [3000, 4500] and event.actor_id == master.pk


# --- invoices --------------------------------------------------------------------------------


def _open_invoice(tenant) -> Invoice:
    subscription = active_subscription(tenant, plan_with_price("basic", "10000"))
    return invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())


def test_hq_master_voids_an_open_invoice(tenant_alpha):
    invoice = _open_invoice(tenant_alpha)
    client, master = portal_user(HQ_MASTER)
    assert "void" in offered_actions(client.get("/admin/billing/invoice/"))
    response = run_action(client, "/admin/billing/invoice/", "void", [invoice.pk])
    assert response.status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert texts(response) == [f"Invoice {invoice.number} voided."]
    event = AuditEvent.objects.get(action="invoice.voided", target_id=str(invoice.pk))
    assert event.changes == {"status": ["open", "void"]} and event.tenant_slug == "alpha"
    assert event.actor_id == master.pk and event.metadata["reason"]

    again = run_action(client, "/admin/billing/invoice/", "void", [invoice.pk])
    assert again.status_code == 200 and texts(again) == ["Only open invoices can be voided."]
    assert AuditEvent.objects.filter(action="invoice.voided", target_id=str(invoice.pk)).count() == 1


def test_hq_admin_cannot_void_an_invoice(tenant_alpha):
    invoice = _open_invoice(tenant_alpha)
    client = hq_client()  # voiding is pricing: HQ_MASTER only
    assert "void" not in offered_actions(client.get("/admin/billing/invoice/"))
    run_action(client, "/admin/billing/invoice/", "void", [invoice.pk])
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    assert not AuditEvent.objects.filter(action="invoice.voided").exists()


# --- add-on requests -------------------------------------------------------------------------


def _addon_request(tenant, owner) -> AddOnRequest:
    active_subscription(tenant, plan_with_price("basic", max_branches=1))
    addon = AddOn.objects.create(code="extra-branches", name="Extra branches", price=5000, limit_key="branches",
                                 limit_increase=1)
    return AddOnRequest.objects.create(tenant=tenant, addon=addon, quantity=2, requested_by=owner)


def test_hq_rejects_an_add_on_request(tenant_alpha, owner_alpha, hq_user):
    request = _addon_request(tenant_alpha, owner_alpha)
    client = hq_client()
    assert "reject" in offered_actions(client.get("/admin/billing/addonrequest/"))
    response = run_action(client, "/admin/billing/addonrequest/", "reject", [request.pk])
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == AddOnRequest.Status.REJECTED and request.decided_by_id == hq_user.pk
    assert request.decided_at is not None
    assert not SubscriptionAddOn.objects.filter(subscription__tenant=tenant_alpha).exists()
    assert limit_for(tenant=tenant_alpha, key="branches") == 1
    assert len(texts(response)) == 1 and "rejected" in texts(response)[0]
    event = AuditEvent.objects.get(action="addon.request_rejected", target_id=str(request.pk))
    assert event.changes == {"status": ["pending", "rejected"]} and event.tenant_slug == "alpha"

    approved_later = run_action(client, "/admin/billing/addonrequest/", "approve", [request.pk])
    assert texts(approved_later) == ["This request was already decided."]
    request.refresh_from_db()
    assert request.status == AddOnRequest.Status.REJECTED
    assert not SubscriptionAddOn.objects.filter(subscription__tenant=tenant_alpha).exists()


def test_support_cannot_decide_add_on_requests(tenant_alpha, owner_alpha):
    request = _addon_request(tenant_alpha, owner_alpha)
    client, _user = portal_user(SUPPORT)
    page = client.get("/admin/billing/addonrequest/")
    assert page.status_code == 200 and "reject" not in offered_actions(page)
    run_action(client, "/admin/billing/addonrequest/", "reject", [request.pk])
    request.refresh_from_db()
    assert request.status == AddOnRequest.Status.PENDING
    assert not AuditEvent.objects.filter(action__startswith="addon.request_").exists()
