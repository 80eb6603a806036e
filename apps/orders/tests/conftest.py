"""Order test helpers: a menu (items with option groups and options), consumers (an
account with a customer membership and its CRM customer), coupons, and order bodies."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.accounts.services import membership_ensure
from tests.plugin import PASSWORD
from tests.workspace import api, tenant

JSON = "application/json"


def make_consumer(slug: str, email: str, name: str):
    """A consumer of `slug`: (their API client, their CRM customer)."""
    from apps.crm.models import Customer

    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant(slug), kind=Membership.Kind.CUSTOMER)
    with schema_context(slug):
        customer = Customer.objects.create(name=name, user=user, email=email)
    connection.set_schema_to_public()
    return api(slug, email), customer


def make_menu(slug: str = "alpha", *, stock=None, branches=()) -> dict:
    """Bibimbap (12,000) with a required size (Regular +0 / Large +2,000) and up to two
    extras (Egg +1,000, Cheese +1,500, Truffle +5,000 unavailable); tea (3,000, no options,
    VAT-exempt for the test's sake). Returns the objects by name."""
    from apps.catalog.models import Item, Option, OptionGroup

    with schema_context(slug):
        bibimbap = Item.objects.create(name="Bibimbap", kind=Item.Kind.MENU_ITEM, price=12000, stock=stock,
                                       translations={"ko": {"name": "비빔밥"}})
        if branches:
            bibimbap.branches.set(branches)
        size = OptionGroup.objects.create(item=bibimbap, name="Size", required=True, min_choices=1, max_choices=1)
        extras = OptionGroup.objects.create(item=bibimbap, name="Extras", min_choices=0, max_choices=2, position=1)
        objects = {
            "bibimbap": bibimbap, "size": size, "extras": extras,
            "regular": Option.objects.create(group=size, name="Regular"),
            "large": Option.objects.create(group=size, name="Large", price_delta=2000, position=1),
            "egg": Option.objects.create(group=extras, name="Egg", price_delta=1000),
            "cheese": Option.objects.create(group=extras, name="Cheese", price_delta=1500, position=1),
            "truffle": Option.objects.create(group=extras, name="Truffle", price_delta=5000, position=2,
                                             is_available=False),
            "tea": Item.objects.create(name="Tea", kind=Item.Kind.MENU_ITEM, price=3000, vat_rate=0),
        }
    return objects


def make_coupon(slug: str = "alpha", **fields):
    from apps.coupons.models import Coupon

    values = {"code": "WELCOME10", "name": "Welcome", "kind": Coupon.Kind.PERCENT, "percent": 10,
              "per_customer_limit": 1, **fields}
    with schema_context(slug):
        return Coupon.objects.create(**values)


def bibimbap_line(menu, quantity=1, *options):
    return {"item": menu["bibimbap"].pk, "quantity": quantity,
            "options": [menu[name].pk for name in (options or ("regular",))]}


@pytest.fixture
def menu(db):
    return make_menu()


@pytest.fixture
def consumer(db):
    """(client, customer) of a consumer of alpha."""
    return make_consumer("alpha", "diner@orders.test", "Diner One")


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")
