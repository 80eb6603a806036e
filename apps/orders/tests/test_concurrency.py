"""Orders under real concurrency, on committed data with one database connection per
thread (a test transaction would hold every lock until the test ends): the last units of
stock and the last use of a coupon go to exactly as many orders as there are, and one
Idempotency-Key gives one order however many requests carry it at once. Everything the
test wrote in alpha is removed after (the order number goes back too)."""

from __future__ import annotations

import pytest
from django.db.models import F
from django_tenants.utils import schema_context

from apps.accounts.models import User
from tests.plugin import TENANTS, race

from .conftest import bibimbap_line, make_coupon, make_menu

THREADS = 20


@pytest.fixture
def world(committed):
    from apps.directory.models import ListingDailyOrders

    owner = User.objects.get(email=TENANTS["alpha"]["owner_email"])
    with schema_context("alpha"):
        from apps.orders.models import OrderNumber

        last_number = OrderNumber.objects.get(pk=1).last
    daily = {row.pk: row.count for row in ListingDailyOrders.objects.filter(listing__tenant__slug="alpha")}
    menu = make_menu("alpha", stock=5)
    customers = []
    with schema_context("alpha"):
        from apps.crm.models import Customer

        customers = [Customer.objects.create(name=f"Racer {index}") for index in range(THREADS)]
    try:
        yield {"owner": owner, "menu": menu, "customers": customers}
    finally:
        with schema_context("alpha"):
            from apps.catalog.models import Item
            from apps.coupons.models import Coupon, CouponRedemption
            from apps.orders.models import Order, OrderLine, OrderNumber, OrderTransition

            orders = Order.objects.filter(number__gt=last_number)
            CouponRedemption.objects.filter(order_id__in=orders.values("pk")).delete()
            OrderTransition.objects.filter(order__in=orders).delete()
            OrderLine.objects.filter(order__in=orders).delete()
            orders.delete()
            OrderNumber.objects.filter(pk=1).update(last=last_number)
            Coupon.objects.filter(code__startswith="RACE").delete()
            Item.objects.filter(pk__in=[menu["bibimbap"].pk, menu["tea"].pk]).delete()
            Customer.objects.filter(pk__in=[customer.pk for customer in customers]).delete()
        for row in ListingDailyOrders.objects.filter(listing__tenant__slug="alpha"):
            if row.pk in daily:
                ListingDailyOrders.objects.filter(pk=row.pk).update(count=daily[row.pk])
            else:
                row.delete()


def _orders(results):
    from apps.orders.models import Order

    return [result for result in results if isinstance(result, Order)]


def test_twenty_orders_for_the_last_five_units(world):
    from apps.catalog.errors import OutOfStock
    from apps.catalog.models import Item
    from apps.orders.models import Order
    from apps.orders.services import order_create

    menu = world["menu"]
    results = race(THREADS, lambda index: order_create(
        customer=world["customers"][index], lines=[bibimbap_line(menu)], fulfilment="pickup", actor=world["owner"]))
    placed = _orders(results)
    refused = [result for result in results if not isinstance(result, Order)]
    assert len(placed) == 5, results
    assert all(isinstance(error, OutOfStock) for error in refused), refused
    with schema_context("alpha"):
        assert Item.objects.get(pk=menu["bibimbap"].pk).stock == 0
        numbers = sorted(order.number for order in placed)
        assert numbers == list(range(numbers[0], numbers[0] + 5))  # no gaps from the refused ones
        assert Order.objects.filter(lines__item=menu["bibimbap"]).count() == 5


def test_two_orders_cannot_both_use_a_single_use_coupon(world):
    from apps.coupons.errors import CouponExhausted
    from apps.coupons.models import Coupon, CouponRedemption
    from apps.orders.services import order_create

    menu = world["menu"]
    with schema_context("alpha"):
        from apps.catalog.models import Item

        Item.objects.filter(pk=menu["bibimbap"].pk).update(stock=F("stock") + 100)
    coupon = make_coupon("alpha", code="RACEONCE", total_limit=1)
    results = race(2, lambda index: order_create(
        customer=world["customers"][index], lines=[bibimbap_line(menu)], fulfilment="pickup",
        coupon_code="RACEONCE", actor=world["owner"]))
    assert len(_orders(results)) == 1, results
    assert [type(result) for result in results if not hasattr(result, "number")] == [CouponExhausted]
    with schema_context("alpha"):
        assert Coupon.objects.get(pk=coupon.pk).used_count == 1
        assert CouponRedemption.objects.filter(coupon=coupon).count() == 1


def test_one_idempotency_key_sent_many_times_at_once_makes_one_order(world):
    from apps.orders.models import Order
    from apps.orders.services import order_create

    menu = world["menu"]
    results = race(6, lambda index: order_create(
        customer=world["customers"][0], lines=[bibimbap_line(menu)], fulfilment="pickup", actor=world["owner"],
        idempotency_key="race-key", idempotency_scope="user:race"))
    orders = _orders(results)
    assert len(orders) == 6, results  # every request gets the order
    assert len({order.pk for order in orders}) == 1
    assert sum(not order.replayed for order in orders) == 1
    with schema_context("alpha"):
        assert Order.objects.filter(idempotency_key="race-key").count() == 1
        from apps.catalog.models import Item

        assert Item.objects.get(pk=menu["bibimbap"].pk).stock == 4  # one order's unit
