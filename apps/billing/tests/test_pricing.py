import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.billing.catalog import plan_price_set, price_in_force
from apps.billing.errors import BillingError, PricingForbidden
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice, PlanPrice
from apps.core.errors import ReasonRequired

from .factories import active_subscription, hq_master, plan_with_price


def test_invoice_uses_the_price_in_force_on_its_date(tenant_alpha):
    master = hq_master()
    today = timezone.localdate()
    plan = plan_with_price("pro", "30000")
    plan_price_set(plan=plan, amount=Decimal("45000"), commission_rate=Decimal("4"), actor=master,
                   effective_from=today + dt.timedelta(days=10))
    subscription = active_subscription(tenant_alpha, plan)

    before = invoice_issue_for_period(subscription=subscription, issue_date=today + dt.timedelta(days=9))
    after = invoice_issue_for_period(subscription=subscription, issue_date=today + dt.timedelta(days=10))

    assert before.lines.get(kind="plan").amount == Decimal("30000")
    assert before.tax == Decimal("3000") and before.total == Decimal("33000")
    assert after.lines.get(kind="plan").amount == Decimal("45000")
    assert after.total == Decimal("49500")
    # history is kept: both versions remain, and each date resolves to its own
    assert plan.prices.count() == 2
    assert price_in_force(plan=plan, on=today).commission_rate == Decimal("3.5")
    assert price_in_force(plan=plan, on=today + dt.timedelta(days=30)).commission_rate == Decimal("4")


def test_only_hq_master_changes_prices_and_every_change_is_audited(tenant_alpha, hq_user):
    plan = plan_with_price("pro", "30000")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(PricingForbidden) as refused:
        plan_price_set(plan=plan, amount=Decimal("1"), commission_rate=Decimal("1"), effective_from=tomorrow,
                       actor=hq_user)  # HQ_ADMIN
    assert refused.value.status == 403
    master = hq_master()
    version = plan_price_set(plan=plan, amount=Decimal("32000"), commission_rate=Decimal("5"),
                             effective_from=tomorrow, actor=master, note="2027 price list")
    event = AuditEvent.objects.filter(action="plan.price_changed").latest("id")
    assert event.actor_id == master.pk and event.target_id == str(plan.pk)
    assert event.changes["amount"] == ["30000.00", "32000.00"]
    assert event.changes["commission_rate"] == ["3.50", "5.00"]
    assert version.created_by == master


def test_prices_cannot_be_rewritten_in_the_past_or_twice_for_a_day(tenant_alpha):
    master = hq_master()
    plan = plan_with_price("pro", "30000")
    with pytest.raises(BillingError) as past:
        plan_price_set(plan=plan, amount=Decimal("1"), commission_rate=Decimal("1"), actor=master,
                       effective_from=timezone.localdate() - dt.timedelta(days=1))
    assert past.value.code == "price_in_past"
    day = timezone.localdate() + dt.timedelta(days=3)
    plan_price_set(plan=plan, amount=Decimal("1"), commission_rate=Decimal("1"), actor=master, effective_from=day)
    with pytest.raises(Exception) as twice:
        plan_price_set(plan=plan, amount=Decimal("2"), commission_rate=Decimal("1"), actor=master, effective_from=day)
    assert getattr(twice.value, "code", "") == "price_version_exists"
    with pytest.raises(Exception) as bad:
        plan_price_set(plan=plan, amount=Decimal("-5"), commission_rate=Decimal("101"), actor=master,
                       effective_from=day + dt.timedelta(days=1))
    assert {"amount", "commission_rate"} <= set(bad.value.message_dict)
    assert PlanPrice.objects.filter(plan=plan).count() == 2


def test_invoices_are_numbered_per_year(tenant_alpha):
    plan = plan_with_price("pro", "30000")
    subscription = active_subscription(tenant_alpha, plan)
    with time_machine.travel(dt.datetime(2031, 12, 31, 12, tzinfo=dt.UTC)):
        a = invoice_issue_for_period(subscription=subscription, issue_date=dt.date(2031, 12, 31))
        b = invoice_issue_for_period(subscription=subscription, issue_date=dt.date(2031, 12, 31))
    c = invoice_issue_for_period(subscription=subscription, issue_date=dt.date(2032, 1, 1))
    assert (a.number, b.number, c.number) == ("INV-2031-000001", "INV-2031-000002", "INV-2032-000001")
    assert Invoice.objects.filter(number__startswith="INV-2031").count() == 2


def test_voiding_an_invoice_is_audited_and_only_for_open_ones(tenant_alpha):
    from apps.billing.invoicing import invoice_void

    master = hq_master()
    subscription = active_subscription(tenant_alpha, plan_with_price("pro", "30000"))
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    with pytest.raises(ReasonRequired) as no_reason:
        invoice_void(invoice=invoice, actor=master, reason=" ")
    assert no_reason.value.code == "reason_required"
    invoice = invoice_void(invoice=invoice, actor=master, reason="duplicate")
    assert invoice.status == Invoice.Status.VOID
    assert AuditEvent.objects.filter(action="invoice.voided", target_id=str(invoice.pk)).exists()
    with pytest.raises(BillingError) as again:
        invoice_void(invoice=invoice, actor=master, reason="again")
    assert again.value.status == 409


def test_only_hq_master_creates_a_priced_addon(tenant_alpha, hq_user):
    from apps.billing.catalog import addon_save
    from apps.billing.models import AddOn

    with pytest.raises(PricingForbidden):  # HQ_ADMIN
        addon_save(addon=AddOn(code="seats", name="Seats", price=Decimal("5000")), actor=hq_user)
    assert not AddOn.objects.filter(code="seats").exists()
    free = addon_save(addon=AddOn(code="kiosk", name="Kiosk", price=Decimal("0")), actor=hq_user)
    free.name = "Kiosk mode"
    addon_save(addon=free, actor=hq_user)  # editing without touching the price is fine
    with pytest.raises(PricingForbidden):
        free.price = Decimal("1000")
        addon_save(addon=free, actor=hq_user)
    addon_save(addon=AddOn(code="seats", name="Seats", price=Decimal("5000")), actor=hq_master())
    assert AddOn.objects.get(code="seats").price == Decimal("5000")
