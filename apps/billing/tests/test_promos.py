import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.billing.errors import PromoInvalid
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import PromoCode
from apps.billing.promos import promo_check, promo_discount, subscription_apply_promo

from .factories import active_subscription, plan_with_price


def promo(code, kind="percent", value="10", duration="once", **extra) -> PromoCode:
    return PromoCode.objects.create(code=code, kind=kind, value=Decimal(value), duration=duration, **extra)


@pytest.mark.parametrize(("duration", "periods", "discounted"), [
    ("once", None, [True, False, False, False]),
    ("repeating", 2, [True, True, False, False]),
    ("forever", None, [True, True, True, True]),
])
def test_promo_durations(duration, periods, discounted, db):
    code = promo("P", duration=duration, duration_periods=periods)
    got = [promo_discount(promo=code, periods_used=n, amount=Decimal("20000"), currency="KRW") > 0 for n in range(4)]
    assert got == discounted


def test_percent_and_fixed_discounts(db):
    assert promo_discount(promo=promo("A", value="15"), periods_used=0, amount=Decimal("20000"),
                          currency="KRW") == Decimal("3000")
    fixed = promo("B", kind="fixed", value="50000")
    assert promo_discount(promo=fixed, periods_used=0, amount=Decimal("20000"), currency="KRW") == Decimal("20000")


def test_expired_used_up_and_wrong_plan_codes_are_refused(tenant_alpha):
    basic, pro = plan_with_price("basic"), plan_with_price("pro")
    promo("OLD", expires_at=timezone.now() - dt.timedelta(minutes=1))
    promo("ONE", max_redemptions=1)
    only_pro = promo("PRO")
    only_pro.plans.add(pro)
    with pytest.raises(PromoInvalid) as expired:
        promo_check(code="old", plan=basic)
    assert expired.value.code == "promo_expired"
    with pytest.raises(PromoInvalid) as wrong_plan:
        promo_check(code="PRO", plan=basic)
    assert wrong_plan.value.code == "promo_wrong_plan" and wrong_plan.value.details == {"plans": ["pro"]}
    assert promo_check(code="PRO", plan=pro).code == "PRO"
    with pytest.raises(PromoInvalid) as missing:
        promo_check(code="NOPE", plan=basic)
    assert missing.value.code == "promo_not_found"

    subscription = active_subscription(tenant_alpha, basic)
    subscription_apply_promo(subscription=subscription, code="ONE", actor=None)
    with pytest.raises(PromoInvalid) as used_up:
        subscription_apply_promo(subscription=subscription, code="ONE", actor=None)
    assert used_up.value.code == "promo_used_up"
    assert PromoCode.objects.get(code="ONE").times_redeemed == 1


def test_repeating_promo_on_invoices(tenant_alpha):
    plan = plan_with_price("basic", "20000")
    subscription = active_subscription(tenant_alpha, plan)
    promo("HALF", value="50", duration="repeating", duration_periods=2)
    subscription = subscription_apply_promo(subscription=subscription, code="HALF", actor=None)
    totals = [invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate()).total
              for _ in range(3)]
    assert totals == [Decimal("11000"), Decimal("11000"), Decimal("22000")]


def test_a_subscription_redeems_each_code_only_once(tenant_alpha):
    plan = plan_with_price("basic", "20000")
    subscription = active_subscription(tenant_alpha, plan)
    promo("ONCE50", value="50", max_redemptions=100)
    promo("OTHER")
    subscription_apply_promo(subscription=subscription, code="ONCE50", actor=None)
    type(subscription).objects.filter(pk=subscription.pk).update(promo_periods_used=1)  # the discount was billed

    with pytest.raises(PromoInvalid) as again:  # re-applying the current code does not reset the discount
        subscription_apply_promo(subscription=subscription, code="once50", actor=None)
    assert again.value.code == "promo_already_redeemed"
    subscription_apply_promo(subscription=subscription, code="OTHER", actor=None)
    with pytest.raises(PromoInvalid) as back:  # nor does switching away and back
        subscription_apply_promo(subscription=subscription, code="ONCE50", actor=None)
    assert back.value.code == "promo_already_redeemed"

    subscription.refresh_from_db()
    assert subscription.promo.code == "OTHER"
    assert PromoCode.objects.get(code="ONCE50").times_redeemed == 1
    assert sorted(subscription.promo_redemptions.values_list("promo__code", flat=True)) == ["ONCE50", "OTHER"]
