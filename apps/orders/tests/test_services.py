"""order_create and the moves: lines checked and priced (snapshots, VAT, a coupon spread
over the lines), stock and coupon taken, gapless numbers, idempotency, refusals that
change nothing, cancel giving stock and coupon back, payments and refunds recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.catalog.errors import OutOfStock
from apps.catalog.models import Item
from apps.core.errors import InvalidData, PlatformError
from apps.coupons.models import Coupon, CouponRedemption
from apps.orders import services
from apps.orders.errors import (
    IdempotencyKeyReused,
    IllegalOrderTransition,
    ItemUnavailable,
    OptionChoices,
    OptionInvalid,
    OptionUnavailable,
    OrderNotCancellable,
    OrderPaidCancelWithRefund,
    PaymentExceedsTotal,
    RefundExceedsPaid,
    UnknownItem,
)
from apps.orders.models import Order, OrderNumber, OrderTransition

from .conftest import bibimbap_line, make_coupon


@pytest.fixture
def alpha(db, owner_alpha):
    with schema_context("alpha"):
        yield owner_alpha


def place(menu, actor, lines=None, **extra):
    values = {"customer": None, "lines": [bibimbap_line(menu)] if lines is None else lines, "fulfilment": "pickup",
              "actor": actor}
    values.update(extra)
    return services.order_create(**values)


def state():
    """What a refused order must leave as it was."""
    return {"orders": Order.objects.count(), "number": OrderNumber.objects.get(pk=1).last,
            "stock": list(Item.objects.order_by("pk").values_list("stock", flat=True)),
            "coupon_uses": list(Coupon.objects.order_by("pk").values_list("used_count", flat=True)),
            "events": AuditEvent.objects.filter(action="order.created").count()}


def test_an_order_snapshots_prices_and_records_everything(menu, consumer, alpha):
    _client, customer = consumer
    number = OrderNumber.objects.get(pk=1).last
    order = place(menu, alpha, customer=customer, notes="No onions",
                  lines=[bibimbap_line(menu, 2, "large", "cheese", "egg"), {"item": menu["tea"].pk, "quantity": 1}])
    assert order.replayed is False
    assert order.number == number + 1 and order.status == "placed" and order.flow == "standard"
    lines = list(order.lines.order_by("position"))
    assert [line.item_name for line in lines] == ["Bibimbap", "Tea"]
    # options in the catalog's order, with their names and price changes as they were
    assert [option["name"] for option in lines[0].options] == ["Large", "Egg", "Cheese"]
    assert lines[0].unit_price == 12000 + 2000 + 1000 + 1500 and lines[0].line_total == 33000
    assert order.subtotal == 36000 and order.total == 36000 and order.discount_total == 0
    assert order.vat_total == 3000  # 33,000 holds 3,000 of VAT; the tea is VAT-exempt
    menu["bibimbap"].name = "Renamed"
    menu["bibimbap"].save()
    assert order.lines.get(position=0).item_name == "Bibimbap"  # the snapshot stays
    move = OrderTransition.objects.get(order=order)
    assert (move.from_status, move.to_status, move.actor_id) == ("", "placed", alpha.pk)
    event = AuditEvent.objects.filter(action="order.created", target_id=str(order.pk)).get()
    assert event.changes["total"] == [None, 36000] and len(event.metadata["lines"]) == 2


def test_numbers_are_sequential(menu, alpha):
    first, second = place(menu, alpha), place(menu, alpha)
    assert second.number == first.number + 1


@pytest.mark.parametrize(("lines", "error", "details"), [
    (lambda m: [{"item": 999999, "quantity": 1}], UnknownItem, {"line": 0, "item": 999999}),
    (lambda m: [bibimbap_line(m), {"item": m["bibimbap"].pk, "quantity": 1, "options": []}], OptionChoices,
     {"line": 1, "min": 1, "max": 1, "chosen": 0}),
    (lambda m: [bibimbap_line(m, 1, "regular", "large")], OptionChoices, {"min": 1, "max": 1, "chosen": 2}),
    (lambda m: [bibimbap_line(m, 1, "regular", "egg", "cheese", "egg")], OptionInvalid, {"line": 0}),
    (lambda m: [bibimbap_line(m, 1, "regular", "truffle")], OptionUnavailable, {"name": "Truffle"}),
    (lambda m: [{"item": m["tea"].pk, "quantity": 1, "options": [m["egg"].pk]}], OptionInvalid,
     {"options": [None]}),
    (lambda m: [bibimbap_line(m, 100)], InvalidData, {"line": 0}),
    (lambda m: [], InvalidData, {}),
])
def test_refusals_name_the_line_and_change_nothing(menu, alpha, lines, error, details):
    before = state()
    with pytest.raises(error) as raised:
        place(menu, alpha, lines=lines(menu))
    for key, value in details.items():
        if value == [None]:  # the option's id, known only here
            assert raised.value.details[key] == [menu["egg"].pk]
        else:
            assert raised.value.details[key] == value, raised.value.details
    assert state() == before


def test_group_limits_read_as_a_sentence(menu, alpha):
    from apps.catalog.models import Option

    Option.objects.filter(pk=menu["truffle"].pk).update(is_available=True)
    with pytest.raises(OptionChoices) as raised:
        place(menu, alpha, lines=[bibimbap_line(menu, 1, "regular", "egg", "cheese", "truffle")])
    assert str(raised.value.message) == "Choose at most 2 options for “Extras”."
    assert raised.value.details["group"] == menu["extras"].pk
    with pytest.raises(OptionChoices) as raised:
        place(menu, alpha, lines=[{"item": menu["bibimbap"].pk, "quantity": 1, "options": []}])
    assert str(raised.value.message) == "Choose 1 option for “Size”."


@pytest.mark.parametrize(("change", "reason"), [({"is_active": False}, "inactive"),
                                                ({"is_sold_out": True}, "sold_out")])
def test_inactive_or_sold_out_items_are_refused(menu, alpha, change, reason):
    Item.objects.filter(pk=menu["bibimbap"].pk).update(**change)
    before = state()
    with pytest.raises(ItemUnavailable) as raised:
        place(menu, alpha)
    assert raised.value.details["reason"] == reason and raised.value.status == 409
    assert state() == before


def test_an_item_offered_at_other_branches_only(menu, alpha):
    from apps.branches.models import Branch

    here, there = Branch.objects.create(name="Here"), Branch.objects.create(name="There")
    menu["bibimbap"].branches.set([there])
    with pytest.raises(ItemUnavailable) as raised:
        place(menu, alpha, branch=here)
    assert raised.value.details["reason"] == "branch"
    assert place(menu, alpha, branch=there).branch == there


def test_stock_is_taken_and_never_oversold(menu, alpha):
    Item.objects.filter(pk=menu["bibimbap"].pk).update(stock=3)
    place(menu, alpha, lines=[bibimbap_line(menu, 2)])
    assert Item.objects.get(pk=menu["bibimbap"].pk).stock == 1
    before = state()
    with pytest.raises(OutOfStock) as raised:
        place(menu, alpha, lines=[bibimbap_line(menu, 1), bibimbap_line(menu, 1, "large")])  # 2 units, 1 left
    assert raised.value.details["left"] == 1
    assert state() == before


def test_a_coupon_is_spread_over_the_lines_and_counted(menu, consumer, alpha):
    _client, customer = consumer
    make_coupon(percent=10)
    order = place(menu, alpha, customer=customer, coupon_code=" welcome10 ",
                  lines=[bibimbap_line(menu, 1), {"item": menu["tea"].pk, "quantity": 1}])
    assert order.coupon_code == "WELCOME10" and order.subtotal == 15000 and order.discount_total == 1500
    assert order.total == 13500
    lines = list(order.lines.order_by("position"))
    assert [line.discount for line in lines] == [1200, 300]  # proportional: 12,000 and 3,000
    assert sum(line.line_total for line in lines) == order.total
    assert order.vat_total == 982  # VAT inside 10,800 (the bibimbap after its share); tea exempt
    coupon = Coupon.objects.get(code="WELCOME10")
    assert coupon.used_count == 1
    assert CouponRedemption.objects.get(coupon=coupon).order_id == order.pk
    from apps.coupons.errors import CouponCustomerLimit

    before = state()
    with pytest.raises(CouponCustomerLimit):
        place(menu, alpha, customer=customer, coupon_code="WELCOME10")
    assert state() == before


def test_a_first_order_coupon(menu, consumer, alpha):
    from apps.coupons.errors import CouponFirstOrderOnly

    _client, customer = consumer
    make_coupon(code="FIRST", first_order_only=True, kind=Coupon.Kind.FIXED, percent=None, amount=2000)
    place(menu, alpha, customer=customer)
    with pytest.raises(CouponFirstOrderOnly):
        place(menu, alpha, customer=customer, coupon_code="FIRST")


def test_the_same_idempotency_key_replays_and_another_body_is_refused(menu, alpha):
    first = place(menu, alpha, idempotency_key="k-1", idempotency_scope="user:1")
    again = place(menu, alpha, idempotency_key="k-1", idempotency_scope="user:1")
    assert again.pk == first.pk and again.replayed is True
    assert Order.objects.filter(idempotency_key="k-1").count() == 1
    with pytest.raises(IdempotencyKeyReused) as raised:
        place(menu, alpha, idempotency_key="k-1", idempotency_scope="user:1", lines=[bibimbap_line(menu, 2)])
    assert raised.value.status == 422
    # another caller's key is theirs
    assert place(menu, alpha, idempotency_key="k-1", idempotency_scope="user:2").pk != first.pk


def test_delivery_and_reservation_details(menu, alpha, settings):
    settings.ORDERS_DELIVERY_FEE = 3000
    with pytest.raises(InvalidData) as raised:
        place(menu, alpha, fulfilment="delivery", delivery={"address": "Somewhere"})
    assert "phone" in raised.value.details["delivery"]
    order = place(menu, alpha, fulfilment="delivery", delivery={"address": "12 Teheran-ro", "phone": "010-1234-5678",
                                                                 "junk": "dropped"})
    assert order.delivery == {"address": "12 Teheran-ro", "phone": "010-1234-5678"}
    assert order.fee_total == 3000 and order.total == 15000 and order.fees[0]["code"] == "delivery"
    assert order.vat_total == 1091 + 273  # inside 12,000 and inside the 3,000 fee
    with pytest.raises(InvalidData):
        place(menu, alpha, kind="reservation")
    with pytest.raises(InvalidData):
        place(menu, alpha, kind="reservation", scheduled_for=timezone.now() - dt.timedelta(hours=1))
    booked = place(menu, alpha, kind="reservation", scheduled_for=timezone.now() + dt.timedelta(days=1), party_size=4)
    assert booked.kind == "reservation" and booked.party_size == 4


# --- Moves -----------------------------------------------------------------------------


def test_moves_along_the_flow_are_recorded_and_illegal_ones_refused(menu, alpha):
    order = place(menu, alpha)
    services.order_transition(order=order, to_status="confirmed", actor=alpha, reason="Kitchen has it")
    with pytest.raises(IllegalOrderTransition) as raised:
        services.order_transition(order=order, to_status="placed", actor=alpha)
    assert raised.value.status == 409
    assert str(raised.value.message) == "An order that is Confirmed cannot become Placed."
    assert raised.value.details["allowed"] == ["cancelled", "completed"]
    services.order_transition(order=order, to_status="completed", actor=alpha)
    moves = list(OrderTransition.objects.filter(order=order).values_list("from_status", "to_status", "reason"))
    assert moves == [("", "placed", ""), ("placed", "confirmed", "Kitchen has it"), ("confirmed", "completed", "")]
    changed = AuditEvent.objects.filter(action="order.status_changed", target_id=str(order.pk))
    assert changed.count() == 2 and changed.first().changes["status"] in (["placed", "confirmed"],
                                                                          ["confirmed", "completed"])


def test_cancel_gives_stock_and_coupon_back(menu, consumer, alpha):
    _client, customer = consumer
    Item.objects.filter(pk=menu["bibimbap"].pk).update(stock=5)
    make_coupon(total_limit=1)
    order = place(menu, alpha, customer=customer, coupon_code="WELCOME10", lines=[bibimbap_line(menu, 2)])
    assert Item.objects.get(pk=menu["bibimbap"].pk).stock == 3
    with pytest.raises(PlatformError):  # staff give a reason
        services.order_cancel(order=order, actor=alpha, reason="", by_customer=False)
    services.order_cancel(order=order, actor=customer.user, reason="", by_customer=True)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert Item.objects.get(pk=menu["bibimbap"].pk).stock == 5
    assert Coupon.objects.get(code="WELCOME10").used_count == 0
    assert not CouponRedemption.objects.filter(order_id=order.pk).exists()
    event = AuditEvent.objects.get(action="order.cancelled", target_id=str(order.pk))
    assert event.metadata["by_customer"] is True and event.metadata["coupon_released"] == "WELCOME10"
    with pytest.raises(OrderNotCancellable) as raised:
        services.order_check_cancellable(order=order, by_customer=False)
    assert "already cancelled" in str(raised.value.message)


def test_who_may_cancel_when(menu, alpha):
    order = place(menu, alpha)
    services.order_check_cancellable(order=order, by_customer=True)
    services.order_transition(order=order, to_status="confirmed", actor=alpha)
    with pytest.raises(OrderNotCancellable) as raised:
        services.order_check_cancellable(order=order, by_customer=True)
    assert "contact" in str(raised.value.message)
    services.order_check_cancellable(order=order, by_customer=False)  # staff still may
    # a confirmed reservation may be given back until its time
    booked = place(menu, alpha, kind="reservation", scheduled_for=timezone.now() + dt.timedelta(days=1))
    services.order_transition(order=booked, to_status="confirmed", actor=alpha)
    services.order_check_cancellable(order=booked, by_customer=True)
    Order.objects.filter(pk=booked.pk).update(scheduled_for=timezone.now() - dt.timedelta(minutes=1))
    booked.refresh_from_db()
    with pytest.raises(OrderNotCancellable):
        services.order_check_cancellable(order=booked, by_customer=True)


def test_payments_and_refunds_recorded(menu, alpha):
    order = place(menu, alpha)  # 12,000
    with pytest.raises(PaymentExceedsTotal):
        services.order_payment_recorded(order=order, amount=12001)
    order = services.order_payment_recorded(order=order, amount=12000)
    assert (order.paid_amount, order.payment_status) == (12000, "paid")
    with pytest.raises(OrderPaidCancelWithRefund):
        services.order_transition(order=order, to_status="cancelled", actor=alpha, reason="Closed")
    order = services.order_refund_recorded(order=order, amount=2000)
    assert (order.refunded_amount, order.payment_status) == (2000, "partially_refunded")
    with pytest.raises(RefundExceedsPaid):
        services.order_refund_recorded(order=order, amount=10001)
    order = services.order_refund_recorded(order=order, amount=10000)
    assert order.payment_status == "refunded"
    assert AuditEvent.objects.filter(action="order.refunded", target_id=str(order.pk)).count() == 2
    # nothing held any more: staff may cancel it as any other
    services.order_transition(order=order, to_status="cancelled", actor=alpha, reason="Refunded in full")
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_the_done_state_for_reviews(menu, alpha):
    from apps.orders.selectors import order_is_done

    order = place(menu, alpha)
    assert not order_is_done(order)
    services.order_transition(order=order, to_status="confirmed", actor=alpha)
    services.order_transition(order=order, to_status="completed", actor=alpha)
    assert order_is_done(Order.objects.get(pk=order.pk))
