from apps.food.models import Ticket
from apps.food.services.tickets import food_order_reject, food_order_step, overdue_reject
from apps.orders.models import Order

from .conftest import NEAR, pay, place


def test_a_paid_delivery_order_goes_through_the_kitchen(branch, dish, owner_beta):
    order = place(branch=branch, item=dish, options=("Large", "Bacon"), fulfilment="delivery",
                  delivery={"address": "Seoul", "phone": "010-1234-5678", **NEAR})
    assert order.flow == "food" and order.fee_total == 3000 and order.total == 19000 + 4000 + 2000 + 3000
    assert not Ticket.objects.filter(order_id=order.pk).exists()
    pay(order)
    ticket = Ticket.objects.get(order_id=order.pk)
    assert ticket.status == "placed"
    food_order_step(order=order, to_status="accepted", actor=owner_beta, details={"ready_in_minutes": 15})
    for step in ("cooking", "ready", "out_for_delivery", "delivered"):
        food_order_step(order=order, to_status=step, actor=owner_beta)
    ticket.refresh_from_db()
    assert ticket.status == "delivered" and ticket.rider_id == owner_beta.pk and ticket.done_at


def test_an_order_nobody_accepts_is_rejected_and_refunded(branch, dish):
    import datetime as dt

    from django.utils import timezone

    order = place(branch=branch, item=dish)
    pay(order)
    assert overdue_reject() == []
    assert overdue_reject(now=timezone.now() + dt.timedelta(minutes=6)) == [order.pk]
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.refunded_amount, order.payment_status) == ("rejected", order.total, "refunded")


def test_reject_needs_a_reason(branch, dish, owner_beta):
    order = place(branch=branch, item=dish)
    pay(order)
    food_order_reject(order=order, actor=owner_beta, reason="Out of truffles")
    assert Order.objects.get(pk=order.pk).status == "rejected"
