"""Helpers for the food tests: the `beta` workspace is a restaurant (tests.plugin). A
branch with its ordering rules, a menu item with option groups, a consumer's order paid
through the sandbox, and the events dispatched as the worker would."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.events.models import Event
from apps.events.services import event_dispatch

SEOUL_SPOT = {"latitude": "37.544000", "longitude": "127.055900"}  # the test branch (Seongsu)
NEAR = {"latitude": "37.547000", "longitude": "127.060000"}  # about 500 m away
FAR = {"latitude": "37.600000", "longitude": "127.100000"}  # about 7 km away


def dispatch(name: str | None = None) -> None:
    """Hand the undispatched events (of `name`) to their subscribers, as the worker does."""
    events = Event.objects.filter(dispatched_at__isnull=True).order_by("pk")
    if name:
        events = events.filter(name=name)
    for pk in events.values_list("pk", flat=True):
        event_dispatch(event_id=pk)


def make_branch(name: str = "Seongsu", *, hours=None, **rules):
    from apps.branches.models import Branch
    from apps.food.services.ordering import ordering_for, ordering_update

    branch = Branch.objects.create(name=name, opening_hours=hours or {})
    ordering_for(branch)
    if rules:
        ordering_update(branch=branch, actor=None, **{"latitude": SEOUL_SPOT["latitude"],
                                                      "longitude": SEOUL_SPOT["longitude"], **rules})
    return branch


def make_dish(name: str = "Truffle pasta", price: int = 19000, *, options: bool = True, **extra):
    from apps.catalog.services import item_create

    groups = [{"name": "Size", "required": True, "min_choices": 1, "max_choices": 1,
               "options": [{"name": "Regular"}, {"name": "Large", "price_delta": 4000}]},
              {"name": "Toppings", "min_choices": 0, "max_choices": 2,
               "options": [{"name": "Bacon", "price_delta": 2000}, {"name": "Mushrooms", "price_delta": 1500},
                           {"name": "Parmesan", "price_delta": 1000}]}] if options else []
    return item_create(actor=None, kind="menu_item", name=name, price=price, option_groups=groups, **extra)


def option_ids(item, *names) -> list[int]:
    return [option.pk for group in item.option_groups.all() for option in group.options.all() if option.name in names]


def place(*, branch, item, options=("Regular",), quantity=1, customer=None, fulfilment="pickup", delivery=None,
          actor=None):
    from apps.orders.services import order_create

    return order_create(customer=customer, branch=branch, fulfilment=fulfilment, delivery=delivery, actor=actor,
                        lines=[{"item": item.pk, "quantity": quantity, "options": option_ids(item, *options)}])


def pay(order, *, card: str = "card_success"):
    from apps.payments import sandbox
    from apps.payments.services import payment_start, payment_succeeded

    payment, _url = payment_start(order=order, actor=None)
    assert sandbox.session_pay(reference=payment.reference, card=card)["status"] == "paid"
    payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency, method="card")
    dispatch("payment.succeeded")
    order.refresh_from_db()
    return payment


@pytest.fixture
def beta(tenant_beta, owner_beta):
    with schema_context("beta"):
        yield tenant_beta


@pytest.fixture
def branch(beta):
    return make_branch(pickup=True, delivery=True, delivery_fee=3000, min_order_amount=10000)


@pytest.fixture
def dish(beta):
    return make_dish()
