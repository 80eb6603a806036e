import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice
from apps.billing.proration import proration_amounts
from apps.billing.subscriptions import subscription_change_plan

from .factories import active_subscription, plan_with_price

START = dt.date(2030, 4, 1)
END = dt.date(2030, 5, 1)  # 30 days


def test_upgrade_mid_period_invoices_the_difference(tenant_alpha):
    basic, pro = plan_with_price("basic", "30000"), plan_with_price("pro", "60000")
    subscription = active_subscription(tenant_alpha, basic, start=START, payment_method="")
    invoice = subscription_change_plan(subscription=subscription, plan=pro, actor=None,
                                       today=START + dt.timedelta(days=10))
    lines = {line.description: line.amount for line in invoice.lines.all()}
    assert lines == {"Unused time on Basic": Decimal("-20000"), "Remaining time on Pro": Decimal("40000")}
    assert invoice.subtotal == Decimal("40000") and invoice.discount == Decimal("20000")
    assert invoice.total == Decimal("22000") and invoice.status == Invoice.Status.OPEN
    subscription.refresh_from_db()
    assert subscription.plan == pro  # the subscription owns the plan


def test_downgrade_leaves_a_credit_for_the_next_invoice(tenant_alpha):
    basic, pro = plan_with_price("basic", "30000"), plan_with_price("pro", "60000")
    subscription = active_subscription(tenant_alpha, pro, start=START)
    assert subscription_change_plan(subscription=subscription, plan=basic, actor=None,
                                    today=START + dt.timedelta(days=15)) is None
    subscription.refresh_from_db()
    assert subscription.credit == Decimal("15000")  # (60000 - 30000) * 15/30
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=END)
    assert invoice.lines.get(kind="credit").amount == Decimal("-15000")
    assert invoice.total == Decimal("16500")  # (30000 - 15000) + 10% tax
    subscription.refresh_from_db()
    assert subscription.credit == 0


@given(old=st.integers(0, 10**7), new=st.integers(0, 10**7), day=st.integers(0, 30))
def test_proration_is_proportional(old, new, day):
    credit, charge = proration_amounts(old_amount=Decimal(old), new_amount=Decimal(new), period_start=START,
                                       period_end=END, today=START + dt.timedelta(days=day))
    assert 0 <= credit <= old and 0 <= charge <= new
    assert abs(credit * 30 - old * (30 - day)) <= Decimal("1e-12") * max(old, 1)
    assert abs(charge * 30 - new * (30 - day)) <= Decimal("1e-12") * max(new, 1)
