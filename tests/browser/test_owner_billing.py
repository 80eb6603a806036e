"""The workspace owner's billing in a real browser (Playwright + Debian Chromium): the plan
with usage, switching to a bigger plan (the proration shown, then the invoice), the invoice
list, the printable invoice, the pay link, add-ons; at 1280x800 and 390x844, in English and
Korean (screenshots test-artifacts/owner-billing-*.png). No page scrolls sideways."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tests.plugin import ARTIFACTS, PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
PLANS = [  # code, name, Korean name, price, staff, branches, API calls a month, self sign-up
    ("ob-starter", "Starter", "스타터", "29000", 5, 1, 20000, True),
    ("ob-growth", "Growth", "그로스", "59000", 15, 3, 100000, True),
    ("ob-business", "Business", "비즈니스", "99000", 50, None, 500000, True),
]
ADDONS = [  # code, name, Korean name, price, limit, by
    ("ob-extra-staff", "Extra staff", "직원 추가", "9900", "staff_users", 5),
    ("ob-extra-branch", "Extra branch", "지점 추가", "19000", "branches", 1),
    ("ob-more-api", "More API calls", "API 호출 추가", "15000", "api_requests_per_month", 50000),
]


@pytest.fixture
def billing(committed):
    """alpha on the Starter plan, 12 days into its period: last period's invoice paid, this
    period's open; one add-on approved, one requested. Committed for the web server, removed after."""
    from apps.accounts.models import User
    from apps.billing.addons import addon_request_create, addon_request_decide
    from apps.billing.invoicing import invoice_create, invoice_issue_for_period
    from apps.billing.limits import limits_invalidate
    from apps.billing.models import AddOn, AddOnRequest, Invoice, InvoiceLine, Payment, Plan, PlanPrice, Subscription
    from apps.tenants.models import Tenant

    alpha = Tenant.objects.get(slug="alpha")
    owner = User.objects.get(email="owner@alpha.test")
    hq = User.objects.get(email="hq@platform.test")
    today = timezone.localdate()
    plans = {}
    for code, name, name_ko, price, staff, branches, api, self_signup in PLANS:
        plan = Plan.objects.create(code=code, name=name, name_ko=name_ko, self_signup=self_signup,
                                   max_staff_users=staff, max_branches=branches, api_requests_per_month=api,
                                   api_requests_per_minute=120, storage_mb=1024)
        PlanPrice.objects.create(plan=plan, amount=Decimal(price), currency="KRW", commission_rate=Decimal("3"),
                                 effective_from=today - dt.timedelta(days=90))
        plans[code] = plan
    addons = {code: AddOn.objects.create(code=code, name=name, name_ko=name_ko, price=Decimal(price),
                                         limit_key=key, limit_increase=by)
              for code, name, name_ko, price, key, by in ADDONS}
    start = today - dt.timedelta(days=12)
    subscription = Subscription.objects.create(
        tenant=alpha, plan=plans["ob-starter"], status=Subscription.Status.ACTIVE, current_period_start=start,
        current_period_end=start + dt.timedelta(days=30))
    last_start = start - dt.timedelta(days=30)
    with transaction.atomic():  # as the services' callers do
        paid = invoice_create(subscription=subscription, issue_date=last_start, period_start=last_start,
                              period_end=start, currency="KRW",
                              lines=[(InvoiceLine.Kind.PLAN, f"Starter plan, {last_start} to {start}", Decimal("1"),
                                      Decimal("29000"))])
    Payment.objects.create(invoice=paid, provider="sandbox", reference="pay_ob_last", amount=paid.total,
                           currency="KRW", status=Payment.Status.SUCCEEDED, completed_at=timezone.now())
    Invoice.objects.filter(pk=paid.pk).update(status=Invoice.Status.PAID, paid_at=timezone.now())
    open_invoice = invoice_issue_for_period(subscription=subscription, issue_date=start)
    # added mid-period: billed from the next invoice on
    addon_request_decide(addon_request=addon_request_create(tenant=alpha, addon=addons["ob-extra-staff"], quantity=1,
                                                            note="", user=owner), approve=True, actor=hq)
    addon_request_create(tenant=alpha, addon=addons["ob-extra-branch"], quantity=1, note="Second campus", user=owner)
    limits_invalidate(tenant_ids=[alpha.pk])
    yield {"subscription": subscription, "open": open_invoice, "paid": paid, "plans": plans}
    connection.set_schema_to_public()
    Payment.objects.filter(invoice__tenant=alpha).delete()
    Invoice.objects.filter(tenant=alpha).delete()
    AddOnRequest.objects.filter(tenant=alpha).delete()
    Subscription.objects.filter(tenant=alpha).delete()
    AddOn.objects.filter(code__in=addons).delete()
    Plan.objects.filter(code__in=plans).delete()
    limits_invalidate(tenant_ids=[alpha.pk])


def url(live_server_url, path):
    return live_server_url.format(host="alpha.localhost") + path


def owner_page(browser, live_server_url, language, viewport=DESKTOP):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(url(live_server_url, "/admin/login/"))
    page.fill("input[name=username]", "owner@alpha.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#nav-sidebar-apps")
    # this test's language, whatever the account remembered from another test
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url(live_server_url, "/")}])
    return page


def shoot(page, name, language, viewport):
    size = "desktop" if viewport == DESKTOP else "phone"
    page.set_viewport_size(viewport)
    page.wait_for_timeout(150)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({size}, {language}) scrolls sideways by {overflow}px"
    page.screenshot(path=str(ARTIFACTS / f"owner-billing-{name}-{size}-{language}.png"), full_page=True)


def both_sizes(page, name, language):
    for viewport in (DESKTOP, PHONE):
        shoot(page, name, language, viewport)
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_owner_billing_screens(browser, live_server_url, billing, language):
    from apps.billing.models import AddOnRequest, Invoice, Subscription

    ko = language == "ko"
    page = owner_page(browser, live_server_url, language)

    # the plan: price, status, renewal, usage meters, what a switch bills
    page.goto(url(live_server_url, "/admin/billing/subscription/"))
    page.wait_for_selector("#current-plan")
    current = page.inner_text("#current-plan")
    assert ("스타터" if ko else "Starter") in current and "₩29,000" in current
    assert page.locator("[data-meter]").count() >= 3
    assert billing["open"].number in page.inner_text("#plan-open-invoice")
    growth = page.inner_text("#plan-ob-growth")
    assert "₩59,000" in growth and re.search(r"₩[\d,]+", growth)
    assert "Billing" in page.inner_text("#nav-sidebar-apps") or "과금" in page.inner_text("#nav-sidebar-apps")
    both_sizes(page, "plan", language)

    # the invoices: both, in KRW; the open one's pay link opens the public pay page
    page.goto(url(live_server_url, "/admin/billing/invoice/"))
    page.wait_for_selector("#invoice-list")
    listing = page.inner_text("#invoice-list")
    assert billing["open"].number in listing and billing["paid"].number in listing
    assert "₩31,900" in listing and ".00" not in listing  # 29,000 + 10% VAT
    both_sizes(page, "invoices", language)
    page.click(f"tr[data-invoice='{billing['open'].number}'] a:has-text('{billing['open'].number}')")
    page.wait_for_selector("#invoice-detail")
    assert "₩2,900" in page.inner_text("#invoice-lines")  # VAT
    pay_link = page.get_attribute("#pay-invoice", "href")
    pay_path = re.sub(r"^https?://[^/]+", "", pay_link)
    assert pay_path.startswith("/billing/pay/")

    # the printable invoice (A4, its own page)
    page.goto(url(live_server_url, f"/admin/billing/invoice/{billing['open'].pk}/print/"))
    page.wait_for_selector("#invoice-sheet")
    sheet = page.inner_text("#invoice-sheet")
    assert billing["open"].number in sheet and "₩31,900" in sheet and "Alpha Academy" in sheet
    assert page.is_visible("#print-button")
    both_sizes(page, "invoice-print", language)
    with page.expect_download() as download:  # "Download PDF": a real PDF file
        page.click("#pdf-link")
    assert download.value.suggested_filename == f"{billing['open'].number}.pdf"
    saved = ARTIFACTS / f"owner-billing-invoice-{language}.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    public = page.context.new_page()
    public.goto(live_server_url.format(host="localhost") + pay_path)
    assert billing["open"].number in public.inner_text("body") and "₩31,900" in public.inner_text("#amount")
    public.close()

    # add-ons: the catalogue with prices, the pending request, the approved one
    page.goto(url(live_server_url, "/admin/billing/addonrequest/"))
    page.wait_for_selector("#addon-catalogue")
    catalogue = page.inner_text("#addon-catalogue")
    assert "₩19,000" in catalogue and "₩9,900" in catalogue
    assert page.is_visible("#addon-ob-extra-branch .bill-badge.pending")
    both_sizes(page, "addons", language)
    page.fill("#addon-ob-more-api input[name=quantity]", "2")
    page.click("#addon-ob-more-api button[type=submit]")
    page.wait_for_selector("#addon-ob-more-api .bill-badge.pending")
    assert ("API 호출 추가" if ko else "More API calls") in page.inner_text("#content")  # the confirmation
    requested = AddOnRequest.objects.get(tenant__slug="alpha", addon__code="ob-more-api")
    assert (requested.status, requested.quantity) == ("pending", 2)

    # switching up: the confirmation shows what is invoiced now, then the invoice
    page.goto(url(live_server_url, "/admin/billing/subscription/"))
    page.click("#plan-ob-growth a.button")
    page.wait_for_selector("#quote")
    quoted = page.inner_text("#quote-amount")
    assert quoted.startswith("₩")
    shoot(page, "change-plan", language, DESKTOP)
    page.click("#confirm")
    page.wait_for_selector("#invoice-detail")
    assert Subscription.objects.get(tenant__slug="alpha").plan.code == "ob-growth"
    issued = Invoice.objects.filter(tenant__slug="alpha").order_by("-pk").first()
    assert issued.number in page.inner_text("#invoice-number") and quoted in page.inner_text("#invoice-total")
    shoot(page, "plan-changed", language, DESKTOP)
    page.context.close()
