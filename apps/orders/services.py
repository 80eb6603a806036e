"""Order writes: create (lines checked and priced, stock and coupon taken, numbered, in
one durable transaction, replayed for a repeated Idempotency-Key), move along the
order's flow, cancel (stock and coupon given back), and record what payments report.

Locks, always in this order so that two orders never wait for each other crosswise: the
items' stock rows (by item id), the coupon row, the order number row, the directory's
daily count, the workspace's audit chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.lockout import display_zoneinfo
from apps.audit.services import audit_record
from apps.branches.models import Branch
from apps.catalog.selectors import items_for_order
from apps.catalog.services import stock_return, stock_take
from apps.core.changes import diff, snapshot
from apps.core.errors import InvalidData, ReasonRequired
from apps.coupons.services import coupon_redeem, coupon_release
from apps.directory.services import listing_record_order
from apps.events.services import event_record
from apps.rbac.tenancy import current_tenant

from . import events, pricing
from .errors import (
    IdempotencyKeyReused,
    OrderNotCancellable,
    OrderPaidCancelWithRefund,
    PaymentExceedsTotal,
    RefundExceedsPaid,
)
from .flows import flow_for, flow_for_new
from .models import Order, OrderLine, OrderTransition
from .numbers import order_id_next, order_number_next, request_fingerprint
from .selectors import customer_has_orders, order_by_idempotency, order_get_for_update
from .validation import header_check

CREATED_FIELDS = ["number", "kind", "flow", "status", "fulfilment", "branch", "customer", "notes", "delivery",
                  "scheduled_for", "party_size", "currency", "subtotal", "discount_total", "fee_total", "total",
                  "vat_total", "coupon_code"]


def _audit(action: str, *, actor, order: Order, changes=None, metadata=None) -> None:
    """The audit row of the change and, for the moves the event catalogue lists
    (apps.orders.events), the domain event, in the same transaction."""
    audit_record(action=action, actor=actor, target=order, tenant=current_tenant(), changes=changes,
                 metadata=metadata)
    if action in events.PUBLISHED:
        data = {"order": events.order_data(order), "customer": events.customer_data(order)}
        if action != "order.created":
            data |= {"from_status": (changes or {}).get("status", [""])[0] or "",
                     "reason": (metadata or {}).get("reason", "")}
        event_record(action, data)


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(display_zoneinfo()).date()


# --- Create ------------------------------------------------------------------------------


def _fingerprint(*, customer, lines, fulfilment, branch, coupon_code, notes, delivery, kind, scheduled_for,
                 party_size, allowances=()) -> str:
    return request_fingerprint({
        **({"allowances": [list(allowance) for allowance in allowances]} if allowances else {}),
        "customer": getattr(customer, "pk", None), "branch": getattr(branch, "pk", None), "kind": kind,
        "fulfilment": fulfilment, "coupon": (coupon_code or "").strip().upper(), "notes": notes or "",
        "delivery": delivery or {}, "scheduled_for": scheduled_for.isoformat() if scheduled_for else None,
        "party_size": party_size,
        "lines": [{"item": line.get("item"), "quantity": line.get("quantity"),
                   "options": sorted(line.get("options") or [])} for line in lines]})


def _replay(order: Order, fingerprint: str) -> Order:
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(details={"order": order.number})
    order.replayed = True
    return order


def order_create(*, customer, lines: list[dict], fulfilment: str, branch: Branch | None = None, coupon_code: str = "",
                 notes: str = "", delivery: dict | None = None, kind: str = "order", scheduled_for=None,
                 party_size: int | None = None, actor, idempotency_key: str = "", idempotency_scope: str = "",
                 allowances: Sequence[tuple[str, int]] = ()) -> Order:
    """Place an order for `customer` (None: a walk-in order staff take) from `lines`
    ([{"item": id, "quantity": n, "options": [option ids]}]).

    `allowances` are discounts the calling service grants, [(code, amount)] (a month's
    tuition pro-rated, a sibling discount): never taken from a request. They are added
    to the coupon's discount, never past the subtotal.

    With an `idempotency_key` (unique per `idempotency_scope`, the caller), the same key
    and the same request return the order made the first time (`order.replayed`), also
    when both arrive at once; the same key with another request is refused
    (`idempotency_key_reused`)."""
    fingerprint = _fingerprint(customer=customer, lines=lines, fulfilment=fulfilment, branch=branch,
                               coupon_code=coupon_code, notes=notes, delivery=delivery, kind=kind,
                               scheduled_for=scheduled_for, party_size=party_size, allowances=allowances)
    if idempotency_key:
        existing = order_by_idempotency(scope=idempotency_scope, key=idempotency_key)
        if existing is not None:
            return _replay(existing, fingerprint)
    delivery = header_check(fulfilment=fulfilment, kind=kind, branch=branch, delivery=delivery,
                             scheduled_for=scheduled_for, party_size=party_size)
    pricing.line_inputs_check(lines)
    allowances = pricing.allowances_check(allowances)
    try:
        with transaction.atomic(durable=True):
            order = _order_insert(customer=customer, lines=lines, fulfilment=fulfilment, branch=branch,
                                  coupon_code=coupon_code, notes=notes, delivery=delivery, kind=kind,
                                  scheduled_for=scheduled_for, party_size=party_size, actor=actor,
                                  idempotency_key=idempotency_key, idempotency_scope=idempotency_scope,
                                  fingerprint=fingerprint, allowances=allowances)
    except IntegrityError:
        # A concurrent request with the same key committed first: its order is the answer.
        existing = order_by_idempotency(scope=idempotency_scope, key=idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    order.replayed = False
    return order


def _order_insert(*, customer, lines, fulfilment, branch, coupon_code, notes, delivery, kind, scheduled_for,
                  party_size, actor, idempotency_key, idempotency_scope, fingerprint, allowances=()) -> Order:
    currency = settings.COMMERCE_CURRENCY
    items = items_for_order(item_ids=[line.get("item") for line in lines if isinstance(line.get("item"), int)])
    priced = pricing.lines_price(lines=lines, items=items, branch_id=getattr(branch, "pk", None), currency=currency)
    flow = flow_for_new(kind=kind)
    pricing.order_rules_check(kind=kind, flow=flow.name, fulfilment=fulfilment, branch=branch, delivery=delivery,
                              subtotal=sum(line.gross for line in priced), lines=priced)
    for item_id, units in pricing.units_by_item(priced):
        stock_take(item_id=item_id, quantity=units)
    subtotal = sum(line.gross for line in priced)
    number, order_id = order_number_next(), order_id_next()
    discount, code = 0, ""
    if (coupon_code or "").strip():
        coupon, discount = coupon_redeem(
            code=coupon_code, customer=customer, subtotal=subtotal, order_id=order_id, order_number=number,
            is_first_order=lambda: customer is not None and not customer_has_orders(customer_id=customer.pk))
        code = coupon.code
    allowed = min(sum(amount for _code, amount in allowances), max(0, subtotal - discount))
    discount += allowed
    pricing.discount_allocate(priced, discount, currency)
    fees = pricing.fees_for(fulfilment=fulfilment, kind=kind, flow=flow.name, subtotal=subtotal - discount,
                            branch=branch, delivery=delivery, currency=currency)
    totals = pricing.totals_compute(lines=priced, fees=fees, currency=currency)
    order = Order.objects.create(
        pk=order_id, number=number, kind=kind, flow=flow.name, status=flow.initial, fulfilment=fulfilment,
        branch=branch, customer=customer, placed_by=actor if getattr(actor, "is_authenticated", False) else None,
        notes=notes or "", delivery=delivery, scheduled_for=scheduled_for, party_size=party_size, currency=currency,
        subtotal=totals.subtotal, discount_total=totals.discount_total, fee_total=totals.fee_total, total=totals.total,
        vat_total=totals.vat_total, fees=[fee.as_row() for fee in totals.fees], coupon_code=code,
        idempotency_key=idempotency_key or "", idempotency_scope=idempotency_scope if idempotency_key else "",
        request_fingerprint=fingerprint)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, item_id=line.item_id, item_name=line.item_name, item_kind=line.item_kind,
                  options=line.options, unit_price=line.unit_price, quantity=line.quantity, discount=line.discount,
                  line_total=line.line_total, vat_rate=line.vat_rate, position=line.position) for line in priced])
    actor = actor if getattr(actor, "is_authenticated", False) else None
    OrderTransition.objects.create(order=order, from_status="", to_status=order.status, actor=actor)
    listing_record_order(tenant=current_tenant(), day=_local_day(timezone.now()))
    _audit("order.created", actor=actor, order=order, changes=diff({}, snapshot(order, CREATED_FIELDS)),
           metadata={"lines": [{"item": line.item_id, "name": line.item_name, "quantity": line.quantity,
                                "options": [option["id"] for option in line.options], "total": line.line_total}
                               for line in priced],
                     **({"coupon": code, "discount": discount} if code else {}),
                     **({"allowances": [list(allowance) for allowance in allowances], "allowed": allowed}
                        if allowances else {})})
    return order


# --- Moves along the flow ----------------------------------------------------------------


def _mirror(order: Order, locked: Order) -> Order:
    """The caller's copy reads as the row now does (services return the locked copy too)."""
    if order is not locked:
        for field in Order._meta.concrete_fields:
            setattr(order, field.attname, getattr(locked, field.attname))
    return locked


def _outstanding(order: Order) -> int:
    return order.paid_amount - order.refunded_amount


def order_transition(*, order: Order, to_status: str, actor, reason: str = "", details: dict | None = None) -> Order:
    """Move the order to `to_status` along its flow (409 `order_illegal_transition`
    otherwise), recorded and audited. Cancelling (or rejecting) goes through order_cancel
    (stock and coupon back); a paid order is cancelled with a refund (the cancel
    endpoint). `details` go to the flow's on_move (food: the minutes until ready)."""
    with transaction.atomic():
        locked = order_get_for_update(order_id=order.pk)
        flow = flow_for(locked)
        if to_status in flow.ends:
            if _outstanding(locked) > 0:
                flow.machine.check(locked.status, to_status)
                raise OrderPaidCancelWithRefund(details={"order": locked.number, "paid": locked.paid_amount,
                                                         "refunded": locked.refunded_amount})
            return _mirror(order, _cancel(locked, actor=actor, reason=reason, by_customer=False,
                                          reject=to_status == flow.rejected))
        move = flow.machine.move(locked, to_status, actor=actor, reason=reason)
        if flow.on_move is not None:
            flow.on_move(locked, move, actor=actor, reason=reason, details=details or {})
        _audit("order.status_changed", actor=actor, order=locked, changes=move.changes,
               metadata={"reason": reason} if reason else None)
    return _mirror(order, locked)


def order_check_cancellable(*, order: Order, by_customer: bool, reject: bool = False) -> None:
    """Whether the order may be cancelled now (or, `reject`, turned down by the business),
    by its customer or by staff: the flow allows the move from its status, and a customer
    only while the flow lets them (standard flow: before the business confirms; a
    confirmed reservation until its time)."""
    flow = flow_for(order)
    target = flow.rejected if reject and flow.rejected else flow.cancelled
    if not flow.machine.can(order.status, target):
        if order.status in flow.ends:
            message = _("This order is already %(status)s.") % {"status": flow.label(order.status).lower()}
        elif reject:
            message = _("This order is %(status)s: it can no longer be rejected, only cancelled with a reason.") % {
                "status": flow.label(order.status).lower()}
        else:
            message = _("This order is %(status)s and can no longer be cancelled.") % {
                "status": flow.label(order.status).lower()}
        raise OrderNotCancellable(message, details={"status": order.status, "by_customer": by_customer})
    if by_customer and not flow.customer_may_cancel(order):
        raise OrderNotCancellable(
            _("This order is already %(status)s at the business: please contact them to cancel it.") % {
                "status": flow.label(order.status).lower()},
            details={"status": order.status, "by_customer": True})


def order_cancel(*, order: Order, actor, reason: str, by_customer: bool, reject: bool = False) -> Order:
    """Cancel the order (`reject`: the business turns it down, where its flow has such a
    status): the stock it took and its coupon use are given back, the move is recorded
    and audited. Refunding a paid order is the caller's part (apps.payments' cancel
    endpoints refund and call this). Staff give a reason."""
    reason = (reason or "").strip()
    if not by_customer and not reason:
        raise ReasonRequired(details={"reason": [str(ReasonRequired.message)]})
    with transaction.atomic():
        locked = order_get_for_update(order_id=order.pk)
        return _mirror(order, _cancel(locked, actor=actor, reason=reason, by_customer=by_customer, reject=reject))


def _cancel(order: Order, *, actor, reason: str, by_customer: bool, reject: bool = False) -> Order:
    order_check_cancellable(order=order, by_customer=by_customer, reject=reject)
    flow = flow_for(order)
    move = flow.machine.move(order, flow.rejected if reject and flow.rejected else flow.cancelled, actor=actor,
                             reason=reason)
    if flow.on_move is not None:
        flow.on_move(order, move, actor=actor, reason=reason, details={})
    lines = list(order.lines.all())
    for line in sorted(lines, key=lambda line: line.item_id or 0):
        if line.item_id is not None:
            stock_return(item_id=line.item_id, quantity=line.quantity)
    released = coupon_release(order_id=order.pk)
    _audit("order.cancelled", actor=actor, order=order, changes=move.changes,
           metadata={"reason": reason, "by_customer": by_customer, **({"rejected": True} if reject else {}),
                     **({"coupon_released": order.coupon_code} if released else {})})
    return order


# --- What payments report ----------------------------------------------------------------


def _payment_status(order: Order) -> str:
    if order.paid_amount <= 0:
        return Order.PaymentStatus.UNPAID
    if order.refunded_amount <= 0:
        return Order.PaymentStatus.PAID
    if order.refunded_amount >= order.paid_amount:
        return Order.PaymentStatus.REFUNDED
    return Order.PaymentStatus.PARTIALLY_REFUNDED


def _money_update(order: Order, *, action: str, actor, amount: int, **fields) -> Order:
    before = snapshot(order, ["paid_amount", "refunded_amount", "payment_status"])
    for name, value in fields.items():
        setattr(order, name, value)
    order.payment_status = _payment_status(order)
    order.save(update_fields=["paid_amount", "refunded_amount", "payment_status", "updated_at"])
    _audit(action, actor=actor, order=order,
           changes=diff(before, snapshot(order, ["paid_amount", "refunded_amount", "payment_status"])),
           metadata={"amount": amount, "currency": order.currency})
    return order


def order_payment_recorded(*, order: Order, amount: int, actor=None) -> Order:
    """A captured payment of `amount` (minor units) for the order (apps.payments calls
    this in the capture's transaction). Never more than the order's total."""
    if amount <= 0:
        raise InvalidData(details={"amount": [_("The amount must be positive.")]})
    with transaction.atomic():
        locked = order_get_for_update(order_id=order.pk)
        if locked.paid_amount + amount > locked.total:
            raise PaymentExceedsTotal(details={"total": locked.total, "paid": locked.paid_amount, "amount": amount})
        return _mirror(order, _money_update(locked, action="order.paid", actor=actor, amount=amount,
                                            paid_amount=locked.paid_amount + amount))


def order_refund_recorded(*, order: Order, amount: int, actor=None) -> Order:
    """A refund of `amount` that the provider confirmed (apps.payments calls this in the
    refund's transaction). Never more than was paid (the table's constraint too)."""
    if amount <= 0:
        raise InvalidData(details={"amount": [_("The amount must be positive.")]})
    with transaction.atomic():
        locked = order_get_for_update(order_id=order.pk)
        if locked.refunded_amount + amount > locked.paid_amount:
            raise RefundExceedsPaid(details={"paid": locked.paid_amount, "refunded": locked.refunded_amount,
                                             "amount": amount})
        return _mirror(order, _money_update(locked, action="order.refunded", actor=actor, amount=amount,
                                            refunded_amount=locked.refunded_amount + amount))
