"""A restaurant's food service, through the food module's services: each branch's
ordering rules (pickup and delivery, the delivery area measured from the branch, fees by
distance or flat, minimum order, preparation and acceptance times), menu hours (brunch,
a lunch set), and orders that went through the kitchen: placed by customers on the
consumer side, paid through the sandbox, then accepted with an estimate, cooked, made
ready, picked up or taken out and delivered by the rider, rejected with a refund, or
cancelled by the customer before the kitchen took them.

Every order goes through the same rules as a customer's (branch open, minimum, area,
menu hours): the demo's orders are placed at a branch that is open around the clock and
use dishes served all day, so seeding works whatever the time. Runs inside
`tenant_context(tenant)`; a second run finds what it made by its natural key (an
order's idempotency key, a menu period's name) and changes nothing."""

from __future__ import annotations

from apps.branches.services import branch_update
from apps.catalog.models import Item
from apps.crm.models import Customer
from apps.food.models import MenuPeriod
from apps.food.services.menu import menu_period_save
from apps.food.services.ordering import ordering_for, ordering_update
from apps.food.services.tickets import food_order_cancel, food_order_reject, ticket_ensure
from apps.orders.models import Order
from apps.orders.services import order_create, order_transition
from apps.payments.services import order_cancel_with_refund, refund_create
from apps.reviews.models import Review
from apps.reviews.services import review_create, review_reply

from .commerce import DEMO_SCOPE, _lines, _pay

RIDER_STEPS = frozenset({"out_for_delivery", "delivered"})


def branch_hours_ensure(specs: list[dict], *, branches: dict, actor, earlier: dict) -> None:
    """A branch still on the hours an earlier demo gave it (`earlier`: {name: hours},
    before the food module) gets the hours of `specs` (the owner changed them, audited);
    hours changed in the admin since stay."""
    for spec in specs:
        branch = branches[spec["name"]]
        if spec["name"] in earlier and branch.opening_hours == earlier[spec["name"]] \
                and branch.opening_hours != spec["opening_hours"]:
            branch_update(branch=branch, actor=actor, opening_hours=spec["opening_hours"])


def ordering_ensure(rules: dict[str, dict], *, branches: dict, actor) -> None:
    """{branch name: ordering rules}: set while the branch has no location yet (the rules
    were never set; set in the admin since, they stay)."""
    for name, values in rules.items():
        if not ordering_for(branches[name]).has_location:
            ordering_update(branch=branches[name], actor=actor, **values)


def menu_hours_ensure(specs: list[dict], *, items: dict[str, Item], actor) -> None:
    """Menu periods by name: {"name", "translations", "hours", "items": [item names]}."""
    for spec in specs:
        if MenuPeriod.objects.filter(name=spec["name"]).exists():
            continue
        menu_period_save(actor=actor, name=spec["name"], translations=spec.get("translations", {}),
                         hours=spec["hours"], items=[items[name].pk for name in spec["items"]])


def _step(order: Order, step, *, spec: dict, customer: Customer, staff: dict) -> None:
    """One step of a demo order, by whoever takes it: the kitchen (spec's `staff`), the
    rider (`rider`), the manager (`manager`: refunds, replies to reviews) or the customer."""
    kitchen, manager = staff[spec["staff"]], staff[spec.get("manager", spec["staff"])]
    if isinstance(step, str):
        actor = staff[spec["rider"]] if step in RIDER_STEPS else kitchen
        order_transition(order=order, to_status=step, actor=actor)
    elif step[0] == "accept":  # ("accept", minutes until ready)
        order_transition(order=order, to_status="accepted", actor=kitchen, details={"ready_in_minutes": step[1]})
    elif step[0] == "reject":
        food_order_reject(order=order, actor=kitchen, reason=step[1])
    elif step[0] == "store_cancel":
        food_order_cancel(order=order, actor=kitchen, reason=step[1])
    elif step[0] == "cancel":  # the customer, before the kitchen accepted
        order_cancel_with_refund(order=order, actor=customer.user, reason=step[1], by_customer=True)
    elif step[0] == "refund":
        refund_create(order=order, amount=step[1], reason=step[2], actor=manager,
                      idempotency_key=f"{DEMO_SCOPE}-{spec['key']}-refund")
    elif step[0] == "review" and not Review.objects.filter(order=order).exists():
        review = review_create(order=order, customer=customer, rating=step[1], text=step[2])
        if len(step) > 3:
            review_reply(review=review, actor=manager, text=step[3])


def food_orders_ensure(specs: list[dict], *, items: dict[str, Item], customers: dict[str, Customer],
                       branches: dict, staff: dict) -> None:
    """Each spec: key, customer (e-mail), branch, fulfilment, delivery, lines, optional
    coupon and notes, `pay` (default True), `staff` (the kitchen's login), `rider`,
    `manager`, then
    `steps`: statuses ("cooking", "ready", "picked_up", "out_for_delivery", "delivered"),
    ("accept", minutes), ("reject", reason), ("store_cancel", reason), ("cancel", reason)
    by the customer, ("refund", amount, reason), ("review", rating, text[, reply]).
    An order its key finds is left as it is (beat may have moved it since). A branch that
    is not taking orders now (paused by staff, or by beat since an earlier run) gets the
    orders it lacks on a later run: the demo orders as customers do."""
    for spec in specs:
        if Order.objects.filter(idempotency_scope=DEMO_SCOPE, idempotency_key=spec["key"]).exists():
            continue
        if ordering_for(branches[spec["branch"]]).paused:
            continue
        customer = customers[spec["customer"]]
        order = order_create(customer=customer, lines=_lines(spec["lines"], items), fulfilment=spec["fulfilment"],
                             branch=branches[spec["branch"]], coupon_code=spec.get("coupon", ""),
                             notes=spec.get("notes", ""), delivery=spec.get("delivery"), actor=customer.user,
                             idempotency_key=spec["key"], idempotency_scope=DEMO_SCOPE)
        if spec.get("pay", True):
            order = _pay(order, actor=customer.user)
            ticket_ensure(order=order)  # what the food subscriber does once the worker hands it the payment
        for step in spec.get("steps", ()):
            _step(order, step, spec=spec, customer=customer, staff=staff)
            order.refresh_from_db()
