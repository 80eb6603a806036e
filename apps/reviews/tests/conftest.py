"""Review test helpers: consumers (an account with a customer membership and its CRM
customer), catalog items, and orders taken through to their done state."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.accounts.services import membership_ensure
from tests.plugin import PASSWORD
from tests.workspace import api, tenant


def make_consumer(slug: str, email: str, name: str):
    """A consumer of `slug`: (their API client, their CRM customer)."""
    from apps.crm.models import Customer

    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant(slug), kind=Membership.Kind.CUSTOMER)
    with schema_context(slug):
        customer = Customer.objects.create(name=name, user=user, email=email)
    connection.set_schema_to_public()
    return api(slug, email), customer


def make_item(slug: str, name: str, price: int = 10000, **extra):
    from apps.catalog.models import Item

    with schema_context(slug):
        return Item.objects.create(name=name, price=price, **extra)


def make_order(slug: str, customer, items, *, status: str = "completed", branch=None):
    """An order of `customer` for `items` (one line each) placed and moved along the
    standard flow by the order services, up to `status` (placed, confirmed, completed)."""
    from apps.orders.services import order_create, order_transition

    path = ["placed", "confirmed", "completed"]
    with schema_context(slug):
        order = order_create(customer=customer, lines=[{"item": item.pk, "quantity": 1, "options": []}
                                                       for item in items],
                             fulfilment="pickup", branch=branch, actor=None)
        for step in path[1:path.index(status) + 1]:
            order = order_transition(order=order, to_status=step, actor=None)
    connection.set_schema_to_public()
    return order
