"""What a demo tenant sells and what its customers did, through the commerce services:
a catalog with option groups, coupons, consumers who registered on the workspace's host,
orders paid through the sandbox provider (some refunded or cancelled), reviews with the
owner's replies, and the directory listing. Runs inside `tenant_context(tenant)`; every
step looks for what it would create first, so a second run changes nothing."""

from __future__ import annotations

from django.conf import settings

from apps.accounts.models import Membership, User
from apps.catalog.models import Category, Item
from apps.catalog.services import category_create, item_create
from apps.consumers.services import consumer_register
from apps.coupons.models import Coupon
from apps.coupons.services import coupon_create
from apps.crm.models import Customer
from apps.directory.services import listing_update
from apps.orders.models import Order
from apps.orders.services import order_create, order_transition
from apps.payments import sandbox
from apps.payments.services import order_cancel_with_refund, payment_start, payment_succeeded, refund_create
from apps.reviews.models import Review
from apps.reviews.services import review_create, review_reply

DEMO_SCOPE = "demo-seed"  # the idempotency scope of the demo's orders: their keys find them again


def catalog_ensure(categories: list[dict], items: list[dict], *, actor, branches: dict) -> dict[str, Item]:
    """categories: Category fields; items: Item fields with `category` (a name),
    `branches` (names) and `option_groups`. Returns the items by name."""
    for position, spec in enumerate(categories):
        if not Category.objects.filter(name=spec["name"]).exists():
            category_create(actor=actor, position=position, **spec)
    by_name = {category.name: category for category in Category.objects.all()}
    for position, spec in enumerate(items):
        if Item.objects.filter(name=spec["name"]).exists():
            continue
        spec = {**spec, "category": by_name[spec["category"]], "position": position,
                "branches": [branches[name] for name in spec.get("branches", ())]}
        item_create(actor=actor, **spec)
    return {item.name: item for item in Item.objects.prefetch_related("option_groups__options")}


def coupons_ensure(specs: list[dict], *, actor) -> None:
    for spec in specs:
        if not Coupon.objects.filter(code=spec["code"]).exists():
            coupon_create(actor=actor, **spec)


def consumers_ensure(specs: list[dict], *, tenant) -> dict[str, Customer]:
    """Consumers who registered on the workspace's host (terms and privacy accepted, the
    demo password). Returns their CRM customers by e-mail."""
    for spec in specs:
        registered = Membership.objects.filter(tenant=tenant, user__email__iexact=spec["email"],
                                               kind=Membership.Kind.CUSTOMER).exists()
        if not registered:
            consumer_register(tenant=tenant, email=spec["email"], password=settings.DEMO_PASSWORD, name=spec["name"],
                              phone=spec.get("phone"), language=spec.get("language", ""),
                              consents={"terms": True, "privacy": True, "marketing": spec.get("marketing", False)})
    users = User.objects.filter(email__in=[spec["email"] for spec in specs])
    return {customer.email: customer for customer in Customer.objects.filter(user__in=users)}


def _lines(specs: list[tuple], items: dict[str, Item]) -> list[dict]:
    """(item name, quantity, [option names]) -> order lines with ids."""
    lines = []
    for name, quantity, option_names in specs:
        item = items[name]
        options = {option.name: option.pk for group in item.option_groups.all() for option in group.options.all()}
        lines.append({"item": item.pk, "quantity": quantity, "options": [options[o] for o in option_names]})
    return lines


def _pay(order: Order, *, actor) -> Order:
    """The customer pays on the sandbox's hosted page with the test card that succeeds;
    the provider's answer is applied as its webhook handler applies it (the demo has no
    web server yet to receive it)."""
    payment, _checkout_url = payment_start(order=order, actor=actor)
    sandbox.session_pay(reference=payment.reference, card="card_success")
    payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency, method="card")
    order.refresh_from_db()
    return order


def orders_ensure(specs: list[dict], *, items: dict[str, Item], customers: dict[str, Customer], branches: dict,
                  staff: dict[str, User]) -> None:
    """Each spec: key, customer (e-mail), lines, fulfilment, branch, optional coupon,
    notes, kind, pay, then `steps`: statuses to move through, ("refund", amount, reason),
    ("cancel", reason), ("review", rating, text, reply). A second run finds the order by
    its key and does only what is left."""
    for spec in specs:
        customer = customers[spec["customer"]]
        if Order.objects.filter(idempotency_scope=DEMO_SCOPE, idempotency_key=spec["key"]).exists():
            continue
        staffer = staff[spec["staff"]]
        order = order_create(customer=customer, lines=_lines(spec["lines"], items), fulfilment=spec["fulfilment"],
                             branch=branches[spec["branch"]], coupon_code=spec.get("coupon", ""),
                             notes=spec.get("notes", ""), delivery=spec.get("delivery"),
                             kind=spec.get("kind", "order"), actor=customer.user,
                             idempotency_key=spec["key"], idempotency_scope=DEMO_SCOPE)
        if spec.get("pay", True):
            order = _pay(order, actor=customer.user)
        for step in spec.get("steps", ()):
            if isinstance(step, str):
                order = order_transition(order=order, to_status=step, actor=staffer)
            elif step[0] == "refund":
                refund_create(order=order, amount=step[1], reason=step[2], actor=staffer,
                              idempotency_key=f"{DEMO_SCOPE}-{spec['key']}-refund")
            elif step[0] == "cancel":
                order_cancel_with_refund(order=order, actor=customer.user, reason=step[1], by_customer=True)
            elif step[0] == "review" and not Review.objects.filter(order=order).exists():
                order.refresh_from_db()
                review = review_create(order=order, customer=customer, rating=step[1], text=step[2])
                if len(step) > 3:
                    review_reply(review=review, actor=staffer, text=step[3])
            order.refresh_from_db()


def listing_ensure(*, tenant, actor, spec: dict) -> None:
    """The workspace chose to be listed in the public directory."""
    listing_update(tenant=tenant, actor=actor, is_listed=True, **spec)
