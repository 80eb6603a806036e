"""A restaurant for the API tests (the `beta` workspace): two branches (North, South) with
delivery, a dish with option groups, staff of each role at North and a kitchen at South,
consumers; helpers to place and pay orders and to read errors."""

from __future__ import annotations

import zoneinfo

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.accounts.services import membership_ensure
from apps.branches.validation import WEEKDAYS
from tests.plugin import PASSWORD
from tests.workspace import api, make_staff, tenant

from .conftest import NEAR, make_branch, make_dish, pay, place

JSON = "application/json"
DELIVERY = {"address": "7 Seongsu-ro, Seoul", "phone": "010-1234-5678", "memo": "Ring twice", **NEAR}
RULES = {"pickup": True, "delivery": True, "delivery_fee": 3000, "min_order_amount": 10000}


def in_beta(function, *args, **kwargs):
    with schema_context("beta"):
        return function(*args, **kwargs)


def not_today() -> dict:
    """Opening hours on another weekday only: closed now, whatever the day."""
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).weekday()
    return {WEEKDAYS[(today + 2) % 7]: ["09:00-10:00"]}


def make_consumer(email: str, name: str):
    """A consumer of beta: (their API client, their CRM customer)."""
    from apps.crm.models import Customer

    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant("beta"), kind=Membership.Kind.CUSTOMER)
    with schema_context("beta"):
        customer = Customer.objects.create(name=name, user=user, email=email)
    connection.set_schema_to_public()
    return api("beta", email), customer


def staff(email: str, roles: list[str], branches=(), full_name: str = ""):
    user = make_staff("beta", email, roles, branches)
    if full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    connection.set_schema_to_public()
    return api("beta", email)


def food_world() -> dict:
    """North and South (both delivering from the same spot), the dish, staff and a diner."""
    with schema_context("beta"):
        north, south = make_branch("North", **RULES), make_branch("South", **RULES)
        dish = make_dish()
    world = {
        "north": north, "south": south, "dish": dish,
        "owner": api("beta", "owner@beta.test"),
        "kitchen": staff("kitchen-north@food.test", ["kitchen"], [north]),
        "kitchen_south": staff("kitchen-south@food.test", ["kitchen"], [south]),
        "rider": staff("rider-north@food.test", ["rider"], [north], full_name="Park Minho"),
        "rider_two": staff("rider-two@food.test", ["rider"], [north], full_name="Choi Jiwoo"),
        "cashier": staff("cashier-north@food.test", ["cashier"], [north]),
        "manager": staff("manager-north@food.test", ["manager"], [north]),
    }
    world["diner"], world["customer"] = make_consumer("diner@food.test", "Kim Minji")
    return world


def paid_order(world, *, branch=None, fulfilment="pickup", options=("Regular",), customer=None):
    """A paid order of the dish (on the board of its branch)."""
    def work():
        order = place(branch=branch or world["north"], item=world["dish"], options=options,
                      customer=customer or world["customer"], fulfilment=fulfilment,
                      delivery=DELIVERY if fulfilment == "delivery" else None)
        pay(order)
        return order

    return in_beta(work)


def step(client, order, to: str, **body):
    return client.post(f"/api/v1/food/orders/{order.pk}/step/", {"to": to, **body}, content_type=JSON)


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code, response.content
    return response.json()["error"]


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()
