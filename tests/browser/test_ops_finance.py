"""The ops dashboard's Finance section in a real browser: MRR with its billed history, the
plan mix, subscription and order payment success, GMV and take rate per month, settlement
batches by status; at 1280x800 and 390x844, in English and Korean (screenshots in
test-artifacts/ops-finance-*.png): nothing wider than the window, labels rather than codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.screens import no_raw_codes, shoot
from tests.plugin import ARTIFACTS, browser_hq_login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
MONTHS = 6  # of settled sales


def url(live_server_url, path):
    return live_server_url.format(host="localhost") + path


def _month(back: int) -> dt.date:
    return timezone.localdate().replace(day=1) - relativedelta(months=back)


def _plans():
    from apps.billing.models import Plan, PlanPrice

    specs = [("fin-starter", "Starter", "스타터", Plan.Period.MONTHLY, "29000"),
             ("fin-standard", "Standard", "스탠다드", Plan.Period.MONTHLY, "99000"),
             ("fin-business", "Business (yearly)", "비즈니스 (연간)", Plan.Period.YEARLY, "990000")]
    plans = {}
    for order, (code, name, name_ko, period, amount) in enumerate(specs):
        plan = Plan.objects.create(code=code, name=name, name_ko=name_ko, billing_period=period, sort_order=90 + order)
        PlanPrice.objects.create(plan=plan, amount=Decimal(amount), commission_rate=Decimal("3.5"),
                                 effective_from=_month(14))
        plans[code] = (plan, Decimal(amount))
    return plans


def _billing(committed, alpha, beta, plans):
    """Subscriptions with a year of invoices and their payments (a few declined)."""
    from apps.billing.models import Invoice, InvoiceLine, Payment, Subscription
    from apps.tenants.services import tenant_create

    subscriptions = []
    tenants = [(alpha, "fin-standard", 11), (beta, "fin-business", 8)]
    for n in range(4):
        slug = committed.tenant_slug(f"finsub{n}")
        tenant = tenant_create(slug=slug, name=f"Finance {n}", business_type="food",
                               owner_email=committed.email(f"o@{slug}.test"), provision=False)
        tenants.append((tenant, "fin-starter" if n < 3 else "fin-standard", 2 + n * 2))
    for index, (tenant, code, months) in enumerate(tenants):
        plan, amount = plans[code]
        yearly = code == "fin-business"
        status = Subscription.Status.PAST_DUE if index == 2 else Subscription.Status.ACTIVE
        start = _month(months)
        subscription = Subscription.objects.create(tenant=tenant, plan=plan, status=status,
                                                   current_period_start=start, current_period_end=start)
        subscriptions.append(subscription)
        periods = [start] if yearly else [start + relativedelta(months=m) for m in range(months + 1)]
        for number, period_start in enumerate(periods):
            period_end = period_start + (relativedelta(years=1) if yearly else relativedelta(months=1))
            last = number == len(periods) - 1
            paid = not (last and status == Subscription.Status.PAST_DUE)
            invoice = Invoice.objects.create(
                number=f"FIN-{tenant.pk}-{number}", tenant=tenant, subscription=subscription,
                status=Invoice.Status.PAID if paid else Invoice.Status.OPEN, issue_date=period_start,
                due_date=period_start, period_start=period_start, period_end=period_end, currency="KRW",
                subtotal=amount, tax=Decimal(0), total=amount)
            InvoiceLine.objects.create(invoice=invoice, kind=InvoiceLine.Kind.PLAN, description=plan.name,
                                       unit_amount=amount, amount=amount)
            completed = min(timezone.make_aware(dt.datetime.combine(period_start, dt.time(10))),
                            timezone.now() - dt.timedelta(days=1))
            if not paid or number % 4 == 3:  # declined, then (when paid) collected on a retry
                Payment.objects.create(invoice=invoice, provider="sandbox", reference=f"fin-{invoice.number}-x",
                                       amount=amount, currency="KRW", status=Payment.Status.FAILED,
                                       failure_reason="card_declined", completed_at=completed)
            if paid:
                Payment.objects.create(invoice=invoice, provider="sandbox", reference=f"fin-{invoice.number}",
                                       amount=amount, currency="KRW", status=Payment.Status.SUCCEEDED,
                                       completed_at=completed + dt.timedelta(days=1 if number % 4 == 3 else 0))
        subscription.current_period_end = period_end
        subscription.current_period_start = periods[-1]
        subscription.save()
    return subscriptions


def _sales(alpha, beta, hq):
    """Six months of alpha's sales and three of beta's, settled monthly: the older paid out,
    then confirmed, beta's last one held and the newest draft."""
    from apps.settlement.services.batches import batch_make
    from apps.settlement.services.lifecycle import batch_confirm, batch_hold, batch_pay_out
    from apps.settlement.tests.helpers import at, fail, pay, refund

    written = {"alpha": [], "beta": []}
    batches = []
    for slug, tenant, months in (("alpha", alpha, MONTHS), ("beta", beta, 3)):
        for back in range(months, 0, -1):
            start = _month(back)
            size = 1 + (MONTHS - back)
            for day in range(size):
                payment = pay(slug, 12000 + 7000 * day + (3000 if slug == "beta" else 0),
                              at((start + dt.timedelta(days=2 + day * 3)).isoformat()))
                written[slug].append(payment.pk)
                if day == 1:
                    refund(slug, payment, 5000, at((start + dt.timedelta(days=12)).isoformat()))
            for day in range(back % 3):
                written[slug].append(fail(slug, at((start + dt.timedelta(days=4 + day)).isoformat())).pk)
            batch = batch_make(tenant=tenant, period_start=start, period_end=start + relativedelta(months=1),
                               cycle="monthly").batch
            batches.append(batch)
            if back > 2:
                batch_pay_out(batch=batch_confirm(batch=batch, actor=hq), actor=hq, reference=f"TR-{batch.pk}")
            elif back == 2:
                batch_confirm(batch=batch, actor=hq)
            elif slug == "beta":
                batch_hold(batch=batch, actor=hq, reason="Chargeback under review")
    return batches, written


@pytest.fixture
def finance_data(committed):
    from apps.accounts.models import User
    from apps.billing.models import Invoice, Payment, Plan, PlanPrice, Subscription
    from apps.orders.models import Order
    from apps.payments.models import Payment as OrderPayment
    from apps.payments.models import Refund
    from apps.settlement.models import SettlementBatch, TaxInvoice
    from apps.tenants.models import Tenant
    from tests.plugin import HQ_EMAIL

    alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
    assert not SettlementBatch.objects.filter(tenant__in=[alpha, beta]).exists()
    assert not Subscription.objects.filter(tenant__in=[alpha, beta]).exists()
    plans = _plans()
    subscriptions = _billing(committed, alpha, beta, plans)
    batches, written = _sales(alpha, beta, User.objects.get(email=HQ_EMAIL))
    connection.set_schema_to_public()
    yield {"plans": plans, "batches": batches}
    connection.set_schema_to_public()
    TaxInvoice.objects.filter(batch__in=batches).delete()
    SettlementBatch.objects.filter(pk__in=[batch.pk for batch in batches]).delete()
    for slug, ids in written.items():
        with schema_context(slug):
            orders = list(OrderPayment.objects.filter(pk__in=ids).values_list("order_id", flat=True))
            Refund.objects.filter(payment_id__in=ids).delete()
            OrderPayment.objects.filter(pk__in=ids).delete()
            Order.objects.filter(pk__in=orders).delete()
    connection.set_schema_to_public()
    Payment.objects.filter(invoice__subscription__in=subscriptions).delete()
    Invoice.objects.filter(subscription__in=subscriptions).delete()
    Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).delete()
    # payments.Payment (tenant schemas) points at price versions: the ORM's delete would look
    # for it in the public schema. None of this test's payments took one.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PlanPrice._meta.db_table} WHERE plan_id = ANY(%s)",
                       [[plan.pk for plan, _amount in plans.values()]])
    Plan.objects.filter(code__startswith="fin-").delete()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_finance_on_the_ops_dashboard(browser, live_server_url, finance_data, language):
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = browser.new_context(locale=LOCALES[language], viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15000)
        browser_hq_login(page, live_server_url)
        page.goto(url(live_server_url, "/admin/"))
        page.wait_for_selector("#ops-finance")
        for card in ("#card-mrr", "#card-plan-mix", "#card-subscription-payments", "#card-gmv", "#card-take-rate",
                     "#card-order-payments", "#card-settlement-status"):
            assert page.locator(card).count() == 1, card
        text = no_raw_codes(page, "#ops-finance")
        assert "₩" in page.inner_text("#card-mrr .big")
        assert page.locator("#card-mrr svg .column rect").count() == 12
        assert page.locator("#card-plan-mix svg .bar").count() == 3
        assert ("스탠다드" if language == "ko" else "Standard") in page.inner_text("#card-plan-mix")
        assert "%" in page.inner_text("#card-take-rate .big") and "%" in page.inner_text("#card-order-payments .big")
        assert page.locator("#card-settlement-status tbody tr").count() == 4
        assert "TR-" not in text
        page.locator("#ops-finance").scroll_into_view_if_needed()
        page.wait_for_timeout(150)
        shoot(page, f"ops-finance-{size}-{language}")
        page.locator("#ops-finance").screenshot(path=str(ARTIFACTS / f"ops-finance-section-{size}-{language}.png"))
        context.close()
