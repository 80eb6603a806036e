"""The kitchen's side of a food order (apps.food.services.tickets, the food flow's
on_move): an order reaches the kitchen once paid (or taken by staff); accepting gives the
customer an estimate; each step is checked (paid, pickup or delivery, the rider) and
recorded; the customer cancels only before acceptance, the store later only with a
reason; rejecting and cancelling refund everything and give back stock and coupon. The
customer hears each step through the default messages, in their language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.formats import time_format

from apps.branches.hours import branch_zone
from apps.food.services.tickets import food_order_cancel, food_order_reject, food_order_step
from apps.orders.models import Order

from .conftest import NEAR, dispatch, pay, place

pytestmark = pytest.mark.django_db

DELIVERY = {"address": "Seongsu-dong, Seoul", "phone": "010-1234-5678", **NEAR}


def _consumer(email: str, name: str, language: str):
    from apps.accounts.models import User
    from apps.crm.models import Customer

    user = User.objects.create_user(email, "Test-pass-2026!", full_name=name, language=language)
    return Customer.objects.create(name=name, user=user, email=email)


@pytest.fixture
def kitchen(beta, branch):
    from tests.workspace import make_staff

    return make_staff("beta", "cook@beta.test", ["kitchen"], branches=[branch])


@pytest.fixture
def rider(beta, branch):
    from tests.workspace import make_staff

    return make_staff("beta", "rider@beta.test", ["rider"], branches=[branch])


def ticket(order):
    from apps.food.models import Ticket

    return Ticket.objects.filter(order_id=order.pk).first()


def state(order) -> dict:
    """What a step would change on the order."""
    from apps.audit.models import AuditEvent
    from apps.catalog.models import Item
    from apps.events.models import Event
    from apps.orders.models import OrderTransition
    from apps.payments.models import Refund

    fresh = Order.objects.get(pk=order.pk)
    kitchen_ticket = ticket(order)
    return {"order": (fresh.status, fresh.paid_amount, fresh.refunded_amount, fresh.payment_status),
            "ticket": (kitchen_ticket.status, kitchen_ticket.accepted_at, kitchen_ticket.ready_by,
                       kitchen_ticket.done_at) if kitchen_ticket else None,
            "moves": OrderTransition.objects.filter(order_id=order.pk).count(), "refunds": Refund.objects.count(),
            "stock": list(Item.objects.order_by("pk").values_list("stock", flat=True)),
            "audit": AuditEvent.objects.count(), "events": Event.objects.count()}


def refused(error, order, call):
    before = state(order)
    with pytest.raises(error) as caught:
        call()
    assert state(order) == before
    return caught.value


def paid(branch, dish, **order):
    made = place(branch=branch, item=dish, **order)
    pay(made)
    return made


def test_an_order_reaches_the_kitchen_when_paid_or_taken_by_staff(branch, dish, owner_beta, kitchen):
    from apps.food.errors import NotAtKitchen

    consumer = _consumer("diner@beta.test", "Diner", "en")
    online = place(branch=branch, item=dish, customer=consumer, actor=consumer.user)
    dispatch("order.created")
    assert ticket(online) is None
    error = refused(NotAtKitchen, online,
                    lambda: food_order_step(order=online, to_status="accepted", actor=kitchen))
    assert (error.code, error.status) == ("food_not_at_kitchen", 409)
    pay(online)
    released = ticket(online)
    assert released.status == "placed" and released.branch_id == branch.pk and released.fulfilment == "pickup"
    assert released.accept_by == released.released_at + dt.timedelta(minutes=5)
    # taken by staff at the counter (paid later), for a walk-in or for a regular
    for customer in (None, consumer):
        counter = place(branch=branch, item=dish, customer=customer, actor=owner_beta)
        assert counter.paid_amount == 0
        dispatch("order.created")
        assert ticket(counter).status == "placed"


def test_accepting_sets_the_estimate_the_customer_is_told(branch, dish, kitchen):
    from apps.events.models import Event

    order = paid(branch, dish, fulfilment="delivery", delivery=DELIVERY)
    food_order_step(order=order, to_status="accepted", actor=kitchen, details={"ready_in_minutes": 25})
    accepted = ticket(order)
    assert accepted.status == "accepted" and accepted.ready_by == accepted.accepted_at + dt.timedelta(minutes=25)
    event = Event.objects.filter(name="order.status_changed").latest("pk")
    local = time_format(accepted.ready_by.astimezone(branch_zone(branch)), "H:i")
    assert event.data["from_status"] == "placed" and event.data["order"]["status"] == "accepted"
    assert event.data["order"]["estimate"]["en"] == f"Ready to go out around {local}."
    # without minutes, the branch's usual preparation time (20)
    other = paid(branch, dish)
    food_order_step(order=other, to_status="accepted", actor=kitchen)
    assert ticket(other).ready_by == ticket(other).accepted_at + dt.timedelta(minutes=20)
    event = Event.objects.filter(name="order.status_changed").latest("pk")
    assert event.data["order"]["estimate"]["en"].startswith("Ready around ")
    # cooking may revise it
    food_order_step(order=other, to_status="cooking", actor=kitchen, details={"ready_in_minutes": 5})
    assert ticket(other).ready_by == ticket(other).cooking_at + dt.timedelta(minutes=5)


@pytest.mark.parametrize("minutes", [0, 241, "15", True, 2.5, -3])
def test_minutes_until_ready_must_be_whole_and_sensible(branch, dish, kitchen, minutes):
    from apps.core.errors import InvalidData

    order = paid(branch, dish)
    error = refused(InvalidData, order, lambda: food_order_step(order=order, to_status="accepted", actor=kitchen,
                                                                details={"ready_in_minutes": minutes}))
    assert error.code == "validation_error" and "ready_in_minutes" in error.details


def test_the_step_must_fit_pickup_or_delivery(branch, dish, kitchen):
    from apps.food.errors import WrongFulfilment

    delivery = paid(branch, dish, fulfilment="delivery", delivery=DELIVERY)
    pickup = paid(branch, dish)
    for order in (delivery, pickup):
        for step in ("accepted", "cooking", "ready"):
            food_order_step(order=order, to_status=step, actor=kitchen)
    error = refused(WrongFulfilment, delivery,
                    lambda: food_order_step(order=delivery, to_status="picked_up", actor=kitchen))
    assert (error.code, error.status) == ("food_wrong_fulfilment", 409)
    assert error.details == {"order": delivery.number, "fulfilment": "delivery", "requested": "picked_up"}
    error = refused(WrongFulfilment, pickup,
                    lambda: food_order_step(order=pickup, to_status="out_for_delivery", actor=kitchen))
    assert error.details["requested"] == "out_for_delivery"


@pytest.mark.parametrize(("steps", "target"), [
    ((), "cooking"), ((), "ready"), ((), "delivered"), ((), "confirmed"),
    (("accepted",), "ready"), (("accepted", "cooking", "ready", "picked_up"), "cooking"),
])
def test_a_move_the_flow_forbids_is_refused_and_changes_nothing(branch, dish, kitchen, steps, target):
    from apps.orders.errors import IllegalOrderTransition

    order = paid(branch, dish)
    for step in steps:
        food_order_step(order=order, to_status=step, actor=kitchen)
    error = refused(IllegalOrderTransition, order,
                    lambda: food_order_step(order=order, to_status=target, actor=kitchen))
    assert (error.code, error.status) == ("order_illegal_transition", 409)
    assert error.details["requested"] == target


def test_the_customer_cancels_only_before_the_kitchen_accepts(branch, dish, kitchen):
    from apps.orders.errors import OrderNotCancellable
    from apps.payments.services import order_cancel_with_refund

    consumer = _consumer("diner@beta.test", "Diner", "en")
    waiting = paid(branch, dish, customer=consumer, actor=consumer.user)
    order_cancel_with_refund(order=waiting, actor=consumer.user, reason="", by_customer=True)
    waiting = Order.objects.get(pk=waiting.pk)
    assert (waiting.status, waiting.refunded_amount, waiting.payment_status) == ("cancelled", waiting.total,
                                                                                  "refunded")
    assert ticket(waiting).status == "cancelled" and ticket(waiting).done_at
    taken = paid(branch, dish, customer=consumer, actor=consumer.user)
    food_order_step(order=taken, to_status="accepted", actor=kitchen)
    error = refused(OrderNotCancellable, taken, lambda: order_cancel_with_refund(
        order=taken, actor=consumer.user, reason="Changed my mind", by_customer=True))
    assert (error.code, error.status, error.details["status"]) == ("order_not_cancellable", 409, "accepted")


def test_the_store_cancels_later_only_with_a_reason_and_refunds_everything(branch, kitchen):
    from apps.catalog.models import Item
    from apps.core.errors import PlatformError
    from apps.events.models import Event

    from .conftest import make_dish

    dish = make_dish(stock=5)
    order = paid(branch, dish, quantity=2)
    for step in ("accepted", "cooking"):
        food_order_step(order=order, to_status=step, actor=kitchen)
    for blank in ("", "   "):
        error = refused(PlatformError, order, lambda blank=blank: food_order_cancel(order=order, actor=kitchen,
                                                                                    reason=blank))
        assert error.code == "validation_error" and "reason" in error.details
    food_order_cancel(order=order, actor=kitchen, reason="The oven broke down")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.refunded_amount, order.payment_status) == ("cancelled", order.total, "refunded")
    assert Item.objects.get(pk=dish.pk).stock == 5 and ticket(order).status == "cancelled"
    event = Event.objects.filter(name="order.cancelled").latest("pk")
    assert (event.data["reason"], event.data["from_status"]) == ("The oven broke down", "cooking")


def test_rejecting_refunds_in_full_and_gives_back_stock_and_coupon(branch, kitchen):
    from apps.audit.models import AuditEvent
    from apps.catalog.models import Item
    from apps.core.errors import InvalidData
    from apps.coupons.models import Coupon, CouponRedemption
    from apps.coupons.services import coupon_create
    from apps.orders.errors import OrderNotCancellable
    from apps.orders.services import order_create

    from .conftest import make_dish, option_ids

    dish = make_dish(stock=5)
    coupon = coupon_create(actor=None, code="FOOD2000", name="2,000 off", kind="fixed", amount=2000)
    order = order_create(customer=None, branch=branch, fulfilment="pickup", actor=None, coupon_code="FOOD2000",
                         lines=[{"item": dish.pk, "quantity": 2, "options": option_ids(dish, "Regular")}])
    pay(order)
    assert (order.discount_total, Item.objects.get(pk=dish.pk).stock) == (2000, 3)
    assert Coupon.objects.get(pk=coupon.pk).used_count == 1
    refused(InvalidData, order, lambda: food_order_reject(order=order, actor=kitchen, reason=" "))
    food_order_reject(order=order, actor=kitchen, reason="Out of truffles")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.paid_amount, order.refunded_amount) == ("rejected", 36000, 36000)
    assert Item.objects.get(pk=dish.pk).stock == 5 and Coupon.objects.get(pk=coupon.pk).used_count == 0
    assert not CouponRedemption.objects.filter(coupon=coupon).exists()
    assert ticket(order).status == "rejected"
    cancelled = AuditEvent.objects.filter(action="order.cancelled", target_id=str(order.pk)).get()
    assert cancelled.metadata["rejected"] is True and cancelled.actor == kitchen
    # once accepted, an order can no longer be rejected (only cancelled, with a reason)
    later = paid(branch, dish)
    food_order_step(order=later, to_status="accepted", actor=kitchen)
    error = refused(OrderNotCancellable, later, lambda: food_order_reject(order=later, actor=kitchen,
                                                                           reason="Too busy"))
    assert "only cancelled" in error.message


def test_every_step_is_recorded_and_audited(branch, dish, kitchen, rider, owner_beta):
    from apps.audit.models import AuditEvent
    from apps.food.errors import NotTheRider
    from apps.orders.models import OrderTransition

    order = paid(branch, dish, fulfilment="delivery", delivery=DELIVERY)
    food_order_step(order=order, to_status="accepted", actor=kitchen, details={"ready_in_minutes": 15})
    food_order_step(order=order, to_status="cooking", actor=kitchen)
    food_order_step(order=order, to_status="ready", actor=kitchen)
    food_order_step(order=order, to_status="out_for_delivery", actor=rider)
    error = refused(NotTheRider, order, lambda: food_order_step(order=order, to_status="delivered", actor=kitchen))
    assert (error.code, error.status, error.details["rider"]) == ("food_not_the_rider", 403, rider.pk)
    food_order_step(order=order, to_status="delivered", actor=rider)
    moves = list(OrderTransition.objects.filter(order_id=order.pk).order_by("pk")
                 .values_list("from_status", "to_status", "actor"))
    assert moves == [("", "placed", None), ("placed", "accepted", kitchen.pk), ("accepted", "cooking", kitchen.pk),
                     ("cooking", "ready", kitchen.pk), ("ready", "out_for_delivery", rider.pk),
                     ("out_for_delivery", "delivered", rider.pk)]
    audited = list(AuditEvent.objects.filter(action="order.status_changed", target_id=str(order.pk))
                   .order_by("seq").values_list("changes__status", "actor"))
    assert audited == [(["placed", "accepted"], kitchen.pk), (["accepted", "cooking"], kitchen.pk),
                       (["cooking", "ready"], kitchen.pk), (["ready", "out_for_delivery"], rider.pk),
                       (["out_for_delivery", "delivered"], rider.pk)]
    done = ticket(order)
    assert done.status == "delivered" and done.rider_id == rider.pk
    assert done.accepted_at <= done.cooking_at <= done.ready_at <= done.out_at <= done.done_at
    assert done.delivered_by == done.out_at + dt.timedelta(minutes=20)
    # staff may close a delivery another rider took out, when they say so
    other = paid(branch, dish, fulfilment="delivery", delivery=DELIVERY)
    for step in ("accepted", "cooking", "ready", "out_for_delivery"):
        food_order_step(order=other, to_status=step, actor=rider)
    food_order_step(order=other, to_status="delivered", actor=owner_beta, details={"staff_override": True})
    assert ticket(other).status == "delivered"


def _messages(customer, event: str) -> dict[str, tuple[str, str]]:
    """{channel: (subject, body)} the customer got for the last `event`."""
    from apps.notifications.models import Delivery

    rows = Delivery.objects.filter(customer=customer, event_name=event).order_by("-pk")
    latest = {}
    for row in rows:
        latest.setdefault(row.channel, (row.subject, row.body, row.language))
    return latest


def _in(language: str, text) -> str:
    """`text` (a msgid or a lazy label) as a reader of `language` gets it."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_customer_hears_each_step_in_their_language(branch, dish, kitchen, rider, language):
    from apps.food.flow import LABELS

    zone = branch_zone(branch)
    customer = _consumer(f"diner-{language}@beta.test", "Minseo", language)
    order = paid(branch, dish, customer=customer, actor=customer.user, fulfilment="delivery", delivery=DELIVERY)
    food_order_step(order=order, to_status="accepted", actor=kitchen, details={"ready_in_minutes": 15})
    dispatch()
    subject, body, used = _messages(customer, "order.status_changed")["email"]
    ready = time_format(ticket(order).ready_by.astimezone(zone), "H:i")
    estimate = _in(language, "Ready to go out around %(time)s.") % {"time": ready}
    assert used == language and estimate in body and _in(language, LABELS["accepted"]) in subject
    assert f"#{order.number}" in subject and "Minseo" in body
    assert _messages(customer, "order.status_changed")["in_app"][1] == body

    for step in ("cooking", "ready"):
        food_order_step(order=order, to_status=step, actor=kitchen)
    food_order_step(order=order, to_status="out_for_delivery", actor=rider)
    dispatch()
    subject, body, _used = _messages(customer, "order.status_changed")["email"]
    door = time_format(ticket(order).delivered_by.astimezone(zone), "H:i")
    assert _in(language, LABELS["out_for_delivery"]) in subject
    assert _in(language, "Expected at your door around %(time)s.") % {"time": door} in body

    food_order_step(order=order, to_status="delivered", actor=rider)
    dispatch()
    subject, body, _used = _messages(customer, "order.status_changed")["email"]
    assert _in(language, LABELS["delivered"]) in subject and "{{" not in body and "%(" not in body

    turned_down = paid(branch, dish, customer=customer, actor=customer.user)
    food_order_reject(order=turned_down, actor=kitchen, reason="Out of truffles")
    dispatch()
    subject, body, _used = _messages(customer, "order.cancelled")["email"]
    assert f"#{turned_down.number}" in subject
    assert ("Reason: Out of truffles" if language == "en" else "사유: Out of truffles") in body
