"""The owner's billing pages in the tenant admin (apps.billing.owner): the plan with usage,
changing it through the billing service (the proration shown first), invoices with a
printable page, a PDF and the pay link, add-on requests; nobody but the owner gets in,
and no page shows another workspace's invoice."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import AddOn, AddOnRequest, Invoice, InvoiceLine, Payment, Subscription
from apps.billing.paylinks import invoice_for_pay_token
from apps.billing.proration import plan_change_quote
from apps.core.money import format_money
from tests.admin_pages import tenant_admin_client, texts
from tests.plugin import client_for
from tests.workspace import make_staff

from .factories import active_subscription, plan_with_price

PLAN = "/admin/billing/subscription/"
CHANGE = "/admin/billing/subscription/change-plan/"
INVOICES = "/admin/billing/invoice/"
ADDONS = "/admin/billing/addonrequest/"
OWNER = "owner@alpha.test"


def subscribed(tenant, *, days_in=10, amount="20000", payment_method=""):
    basic = plan_with_price("basic", amount, max_staff_users=5, max_branches=2, api_requests_per_month=10000)
    pro = plan_with_price("pro", "50000", max_staff_users=20, max_branches=None, api_requests_per_month=100000)
    pro.self_signup = True
    pro.save()
    start = timezone.localdate() - dt.timedelta(days=days_in)
    return active_subscription(tenant, basic, start=start, payment_method=payment_method), basic, pro


def page_text(response) -> str:
    return response.content.decode()


def test_owner_sees_the_plan_its_usage_and_what_a_switch_bills(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    client = tenant_admin_client(OWNER)
    page = page_text(client.get(PLAN))
    assert "Basic" in page and "₩20,000" in page and "per month" in page
    assert "Staff users" in page and "10,000" in page  # limits, with separators
    assert timezone.localdate().strftime("%Y") in page and 'id="next-renewal"' in page
    assert 'data-meter="staff_users"' in page and 'data-meter="branches"' in page
    assert 'data-meter="api_requests"' in page
    quote = plan_change_quote(subscription=subscription, plan=pro)
    assert quote["due_now"] > 0
    assert f"Invoiced now: <strong>{format_money(quote['due_now'], 'KRW')}</strong>" in page
    assert "Upgrade to Pro" in page and f"{CHANGE}?plan=pro" in page
    assert "20000.00" not in page and "50000.00" not in page


def test_owner_changes_plan_after_seeing_the_proration(tenant_alpha, owner_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    client = tenant_admin_client(OWNER)
    quote = plan_change_quote(subscription=subscription, plan=pro)
    confirm = client.get(f"{CHANGE}?plan=pro")
    assert confirm.status_code == 200
    assert format_money(quote["due_now"], "KRW") in page_text(confirm)
    assert 'name="plan" value="pro"' in page_text(confirm)
    assert Subscription.objects.get(pk=subscription.pk).plan == basic  # showing the quote changes nothing

    response = client.post(CHANGE, {"plan": "pro"})
    subscription.refresh_from_db()
    assert subscription.plan == pro
    invoice = Invoice.objects.get(tenant=tenant_alpha)
    assert invoice.total == quote["due_now"]
    assert set(invoice.lines.values_list("kind", flat=True)) == {InvoiceLine.Kind.PRORATION}
    assert response.status_code == 302 and response["Location"] == f"{INVOICES}{invoice.pk}/change/"
    event = AuditEvent.objects.get(action="subscription.plan_changed", target_id=str(subscription.pk))
    assert event.actor_id == owner_alpha.pk and event.changes == {"plan": ["basic", "pro"]}
    assert event.metadata["invoice"] == invoice.number
    shown = client.get(response["Location"])
    assert texts(shown)[0] == "Your workspace is now on the Pro plan."
    assert invoice.number in texts(shown)[1] and format_money(invoice.total, "KRW") in texts(shown)[1]


def test_a_downgrade_leaves_a_credit_and_no_invoice(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    subscription.plan = pro
    subscription.save()
    basic.self_signup = True
    basic.save()
    client = tenant_admin_client(OWNER)
    quote = plan_change_quote(subscription=subscription, plan=basic)
    assert "credit for your next invoice" in page_text(client.get(PLAN)).lower()
    assert format_money(quote["credit"], "KRW") in page_text(client.get(f"{CHANGE}?plan=basic"))
    response = client.post(CHANGE, {"plan": "basic"})
    assert response.status_code == 302 and response["Location"] == PLAN
    subscription.refresh_from_db()
    assert subscription.plan == basic and subscription.credit == quote["credit"]
    assert not Invoice.objects.filter(tenant=tenant_alpha).exists()


def test_plans_not_open_to_self_service_cannot_be_chosen(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    plan_with_price("enterprise", "900000")  # HQ sells it; not self sign-up
    client = tenant_admin_client(OWNER)
    assert "enterprise" not in page_text(client.get(PLAN))
    response = client.post(CHANGE, {"plan": "enterprise"}, follow=True)
    assert "This plan cannot be chosen here." in texts(response)[0]
    assert Subscription.objects.get(pk=subscription.pk).plan == basic


BILLING_PAGES = [PLAN, f"{CHANGE}?plan=pro", INVOICES, "{invoice}change/", "{invoice}print/", "{invoice}pdf/",
                 ADDONS, f"{ADDONS}add/"]


def test_staff_without_billing_rights_get_403_and_no_billing_navigation(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    make_staff("alpha", "clerk@alpha.test", ["clerk"])
    make_staff("alpha", "director@alpha.test", ["director"])  # a role with many rights, but not the owner
    for email in ("clerk@alpha.test", "director@alpha.test"):
        client = tenant_admin_client(email)
        for path in BILLING_PAGES:
            path = path.format(invoice=f"{INVOICES}{invoice.pk}/")
            assert client.get(path).status_code == 403, (email, path)
        assert client.post(CHANGE, {"plan": "pro"}).status_code == 403
        home = page_text(client.get("/admin/"))
        assert "/admin/billing/" not in home, email
    assert Subscription.objects.get(pk=subscription.pk).plan == basic
    owner_home = page_text(tenant_admin_client(OWNER).get("/admin/"))
    assert PLAN in owner_home and INVOICES in owner_home and ADDONS in owner_home


def test_invoices_list_detail_and_printable_page_in_krw(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha, amount="20000")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    client = tenant_admin_client(OWNER)
    listing = page_text(client.get(INVOICES))
    assert invoice.number in listing and "₩22,000" in listing and "Open" in listing
    assert invoice.number in page_text(client.get(f"{INVOICES}?status__exact=open"))
    assert invoice.number not in page_text(client.get(f"{INVOICES}?status__exact=paid"))
    Payment.objects.create(invoice=invoice, provider="sandbox", reference="pay_declined", amount=invoice.total,
                           currency="KRW", status=Payment.Status.FAILED, failure_reason="card_declined")
    detail = page_text(client.get(f"{INVOICES}{invoice.pk}/change/"))
    assert "The card was declined." in detail and "card_declined" not in detail
    for text in ("₩20,000", "₩2,000", "₩22,000", "VAT (10%)", "Basic plan", "Pay now", "Printable invoice"):
        assert text in detail, text
    printed = client.get(f"{INVOICES}{invoice.pk}/print/")
    assert printed.status_code == 200
    sheet = page_text(printed)
    for text in (invoice.number, "Basic plan", "₩20,000", "₩2,000", "₩22,000", "VAT (10%)", "Print / Save as PDF",
                 "size: A4", "Alpha Academy", settings.BILLING_ISSUER["name"], "Amount due: ₩22,000"):
        assert text in sheet, text
    for page in (listing, detail, sheet):
        assert "22000.00" not in page and "20000.00" not in page and "2000.00" not in page


def test_invoice_pdf_is_a_real_pdf(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    response = tenant_admin_client(OWNER).get(f"{INVOICES}{invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5000
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]


def test_invoice_pdf_without_its_libraries_is_a_clear_503(tenant_alpha, monkeypatch):
    """A server without WeasyPrint's libraries answers with the error page and a way out,
    never a 500."""
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError
    subscription, basic, pro = subscribed(tenant_alpha)
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    response = tenant_admin_client(OWNER).get(f"{INVOICES}{invoice.pk}/pdf/", HTTP_ACCEPT="text/html")
    assert response.status_code == 503
    assert "printable invoice" in response.content.decode()


def test_another_workspaces_invoice_is_not_found(tenant_alpha, tenant_beta):
    subscribed(tenant_alpha)
    beta_plan = plan_with_price("beta-plan", "30000")
    beta_invoice = invoice_issue_for_period(subscription=active_subscription(tenant_beta, beta_plan),
                                            issue_date=timezone.localdate())
    client = tenant_admin_client(OWNER)
    assert client.get(f"{INVOICES}{beta_invoice.pk}/print/").status_code == 404
    assert client.get(f"{INVOICES}{beta_invoice.pk}/pdf/").status_code == 404
    detail = client.get(f"{INVOICES}{beta_invoice.pk}/change/")
    assert detail.status_code == 302 and detail["Location"] == "/admin/"  # as the admin answers a missing object
    assert beta_invoice.number not in page_text(client.get(INVOICES))
    assert beta_invoice.number not in page_text(client.get(PLAN))


def test_the_pay_link_leads_to_the_public_pay_page_of_that_invoice(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    client = tenant_admin_client(OWNER)
    detail = page_text(client.get(f"{INVOICES}{invoice.pk}/change/"))
    link = re.search(r'href="(https?://localhost(?::\d+)?(/billing/pay/[^"/]+/))" id="pay-invoice"', detail)
    assert link, "no pay link on the invoice"
    # the plan page offers a pay link for the open invoice too (tokens carry a timestamp: compare what they open)
    offered = re.search(r'href="https?://localhost(?::\d+)?/billing/pay/([^"/]+)/" id="plan-pay"',
                        page_text(client.get(PLAN)))
    assert invoice_for_pay_token(offered.group(1)) == invoice
    pay_page = client_for(None).get(link.group(2))
    assert pay_page.status_code == 200
    assert invoice.number in page_text(pay_page) and "₩22,000" in page_text(pay_page)
    invoice.status = Invoice.Status.PAID
    invoice.save()
    assert 'id="pay-invoice"' not in page_text(client.get(f"{INVOICES}{invoice.pk}/change/"))


def test_no_invoices_yet_says_what_the_page_is_for_and_when_the_first_comes(tenant_alpha):
    trial = plan_with_price("trial", "15000", trial_days=14)
    today = timezone.localdate()
    Subscription.objects.create(tenant=tenant_alpha, plan=trial, status=Subscription.Status.TRIALING,
                                current_period_start=today, current_period_end=today + dt.timedelta(days=14),
                                trial_ends_on=today + dt.timedelta(days=14))
    client = tenant_admin_client(OWNER)
    page = page_text(client.get(INVOICES))
    assert "No invoices yet" in page and "This page keeps your invoices" in page
    assert "Your trial of the Trial plan ends on" in page and "₩15,000 per month, plus VAT" in page
    assert "Days left in your trial: 14." in page_text(client.get(PLAN))


def test_addon_request_is_created_once(tenant_alpha, owner_alpha):
    subscribed(tenant_alpha)
    addon = AddOn.objects.create(code="extra-staff", name="Extra staff", name_ko="직원 추가", price=Decimal("30000"),
                                 limit_key="staff_users", limit_increase=5)
    client = tenant_admin_client(OWNER)
    catalogue = page_text(client.get(ADDONS))
    assert "Extra staff" in catalogue and "₩30,000" in catalogue and "Staff users: +5" in catalogue
    assert 'id="empty-state"' in catalogue and "Your requests appear here until HQ answers them." in catalogue
    response = client.post(f"{ADDONS}add/", {"addon": addon.pk, "quantity": 2, "note": "new teachers"}, follow=True)
    assert "We received your request for Extra staff." in texts(response)[0]
    request = AddOnRequest.objects.get(tenant=tenant_alpha)
    assert (request.status, request.quantity, request.requested_by) == ("pending", 2, owner_alpha)
    assert AuditEvent.objects.filter(action="addon.requested", target_id=str(request.pk)).exists()
    listing = page_text(response)
    assert "Request pending" in listing and "₩60,000" in listing

    again = client.post(f"{ADDONS}add/", {"addon": addon.pk, "quantity": 1, "note": ""})
    assert again.status_code == 200
    assert "You already have a pending request for this add-on." in page_text(again)
    assert AddOnRequest.objects.filter(tenant=tenant_alpha).count() == 1


def test_pages_read_in_korean(tenant_alpha):
    subscription, basic, pro = subscribed(tenant_alpha)
    basic.name_ko = "베이직"
    basic.save()
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    AddOn.objects.create(code="extra-staff", name="Extra staff", name_ko="직원 추가", price=Decimal("30000"),
                         limit_key="staff_users", limit_increase=5)
    client = tenant_admin_client(OWNER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    plan = page_text(client.get(PLAN))
    assert "베이직" in plan and "₩20,000" in plan and "요금제" in plan and "Plan and usage" not in plan
    assert "직원 추가" in page_text(client.get(ADDONS))
    printed = page_text(client.get(f"{INVOICES}{invoice.pk}/print/"))
    assert 'lang="ko"' in printed and "₩22,000" in printed and "Print / Save as PDF" not in printed


@pytest.mark.parametrize(("path", "says"), [
    (PLAN, "Your workspace has no plan yet"), (INVOICES, "Invoices appear here once your workspace has a plan."),
    (ADDONS, "Your requests appear here until HQ answers them.")])
def test_pages_without_a_subscription(tenant_alpha, path, says):
    response = tenant_admin_client(OWNER).get(path)
    assert response.status_code == 200 and says in page_text(response)


def test_pages_live_in_the_workspace_admin(tenant_alpha):
    """Inside the tenant admin's shell (theme, sidebar, the workspace's brand); the printable
    page is a page of its own, for paper."""
    subscription, basic, pro = subscribed(tenant_alpha)
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    client = tenant_admin_client(OWNER)
    for path in (PLAN, f"{CHANGE}?plan=pro", INVOICES, f"{INVOICES}{invoice.pk}/change/", ADDONS):
        html = page_text(client.get(path))
        assert "unfold/css/styles.css" in html and 'id="nav-sidebar"' in html, path
        assert "Alpha Academy" in html and 'id="workspace-brand"' in html, path
    printed = page_text(client.get(f"{INVOICES}{invoice.pk}/print/"))
    assert 'id="nav-sidebar"' not in printed and "@media print" in printed
