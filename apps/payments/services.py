"""Collecting an order's payment through the merchant provider, what the provider
reports back (its webhooks: apps.payments.inbound), and refunds.

The provider is never called while a row is locked or a transaction is open: a service
locks the order (then its payments: always in that order), decides, records and
commits; then calls the provider; then records the answer in a new short transaction,
idempotently. A refund is recorded as pending first and its amount reserved on the
payment (`refund_pending_amount`, under a database constraint), so that concurrent
refunds can never promise more than was captured while the provider is answering; a
refusal releases the reservation and leaves the payment and the order as they were."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.services import audit_record
from apps.billing.selectors import commission_in_force
from apps.core.errors import InvalidData, ReasonRequired
from apps.core.money import Money
from apps.core.states import StateMachine
from apps.events.services import event_record
from apps.orders.flows import flow_for
from apps.orders.selectors import order_get_for_update
from apps.orders.services import order_cancel, order_check_cancellable, order_payment_recorded, order_refund_recorded
from apps.rbac.tenancy import current_tenant

from . import events
from .errors import (
    IdempotencyKeyMissing,
    IllegalPaymentMove,
    NothingToPay,
    OrderAlreadyPaid,
    OrderNotPaid,
    OrderNotPayable,
    PaymentAmountMismatch,
    ProviderError,
    RefundExceedsCaptured,
    RefundKeyFailed,
    RefundKeyReused,
    UnknownPayment,
)
from .models import Payment, Refund
from .providers import merchant_provider
from .selectors import order_refundable

logger = logging.getLogger(__name__)

S = Payment.Status
CAPTURED = (S.PAID, S.PARTIAL_CANCELLED)
# PortOne V2's statuses. A payment closed as failed may still be captured later (the
# provider's word wins: money taken is recorded, then refunded if need be).
PAYMENT_MACHINE = StateMachine({
    S.READY: {S.PAID, S.FAILED},
    S.FAILED: {S.PAID},
    S.PAID: {S.PARTIAL_CANCELLED, S.CANCELLED},
    S.PARTIAL_CANCELLED: {S.CANCELLED},
    S.CANCELLED: set(),
}, label=lambda status: str(S(status).label), illegal=IllegalPaymentMove, message=IllegalPaymentMove.message)


def _audit(**kwargs) -> None:
    audit_record(tenant=current_tenant(), **kwargs)


def _money(amount: int, currency: str) -> str:
    return Money(int(amount), currency).format()


# --- Paying ------------------------------------------------------------------------------


def payment_start(*, order, actor) -> tuple[Payment, str]:
    """Open (or reuse) the order's checkout at the provider for what is still due:
    (payment, URL of the provider's hosted checkout page)."""
    provider = merchant_provider()
    with transaction.atomic(durable=True):
        order = order_get_for_update(order_id=order.pk)
        if order.status in flow_for(order).ends:
            raise OrderNotPayable(details={"order": order.pk, "status": order.status})
        if order.total <= 0:
            raise NothingToPay(details={"order": order.pk, "total": order.total})
        due = order.total - order.paid_amount
        if due <= 0:
            raise OrderAlreadyPaid(details={"order": order.pk, "paid": order.paid_amount})
        payment = Payment.objects.filter(order=order, status=S.READY).first()
        if payment is not None and payment.amount != due:  # the order changed since: a new checkout
            PAYMENT_MACHINE.move(payment, S.FAILED, fields={"failure_reason": "superseded"})
            payment = None
        if payment is None:
            payment = Payment.objects.create(order=order, provider=provider.name, reference=provider.new_reference(),
                                             amount=due, currency=order.currency)
            _audit(action="payment.checkout_started", actor=actor, target=payment,
                   metadata={"order": order.number, "amount": payment.amount, "currency": payment.currency})
    payment.order = order
    try:
        return payment, provider.prepare(payment)
    except ProviderError:
        with transaction.atomic(durable=True):
            Payment.objects.filter(pk=payment.pk, status=S.READY).update(status=S.FAILED,
                                                                         failure_reason="provider_unavailable")
        raise


def _locked_payment(reference: str) -> tuple[object, Payment]:
    """(order, payment) of `reference`, both rows locked (order first)."""
    order_id = Payment.objects.filter(reference=reference).values_list("order_id", flat=True).first()
    if order_id is None:
        raise UnknownPayment(UnknownPayment.message % {"reference": reference}, details={"payment_id": reference})
    order = order_get_for_update(order_id=order_id)
    return order, Payment.objects.select_for_update().get(reference=reference)


def payment_succeeded(*, reference: str, amount: int, currency: str, method: str = "") -> Payment:
    """The provider captured the payment (its webhook, in the merchant's schema): the
    payment is paid with the platform commission in force now and the provider's fee,
    and the order records it. Idempotent; an amount that is not the payment's changes
    nothing (PaymentAmountMismatch)."""
    with transaction.atomic():
        order, payment = _locked_payment(reference)
        if payment.status in (*CAPTURED, S.CANCELLED):
            return payment
        if int(amount) != payment.amount or (currency or "").upper() != payment.currency:
            raise PaymentAmountMismatch(PaymentAmountMismatch.message % {
                "reported": f"{amount} {currency}", "reference": reference,
                "expected": f"{payment.amount} {payment.currency}"},
                details={"payment_id": reference, "amount": amount, "currency": currency,
                         "expected_amount": payment.amount, "expected_currency": payment.currency})
        now = timezone.now()
        merchant = current_tenant()
        version = commission_in_force(tenant_id=merchant.pk, on=timezone.localdate(now))
        if version is None:
            logger.warning("no plan price in force for %s on %s: commission 0", merchant.slug, now.date())
        rate = version.commission_rate if version is not None else Decimal("0")
        move = PAYMENT_MACHINE.move(payment, S.PAID, fields={
            "paid_at": now, "method": (method or "")[:40], "failure_reason": "", "commission_rate": rate,
            "commission_version": version,
            "commission_amount": Money(payment.amount, payment.currency).percent(rate).amount,
            "fee_amount": merchant_provider().fee_for(payment)})
        order_payment_recorded(order=order, amount=payment.amount, actor=None)
        _audit(action="payment.succeeded", target=payment, changes=move.changes,
               metadata={"order": order.number, "amount": payment.amount, "currency": payment.currency,
                         "commission_rate": str(rate), "commission": payment.commission_amount,
                         "fee": payment.fee_amount})
        event_record(events.PAYMENT_SUCCEEDED.name, events.payment_event(payment, order))
    return payment


def payment_failed(*, reference: str, reason: str) -> Payment:
    """The provider declined the payment: it is failed (the consumer may start again).
    Idempotent; a failure reported after a capture changes nothing."""
    with transaction.atomic():
        order, payment = _locked_payment(reference)
        if payment.status != S.READY:
            return payment
        move = PAYMENT_MACHINE.move(payment, S.FAILED, fields={"failure_reason": (reason or "declined")[:200]})
        _audit(action="payment.failed", target=payment, changes=move.changes,
               metadata={"order": order.number, "reason": payment.failure_reason})
    return payment


# --- Refunds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundOutcome:
    order: object  # the order after the refund
    refunds: list[Refund]  # one per payment the amount was taken from (oldest payment first)
    amount: int
    replayed: bool  # the same Idempotency-Key and amount as an earlier request: nothing new was done


def _refund_key(refund: Refund) -> str:
    """The key the provider dedupes this refund by: a retried request never refunds twice."""
    return f"{refund.payment.reference}:{refund.pk}"


def refund_create(*, order, amount: int, reason: str, idempotency_key: str, actor,
                  check: Callable | None = None) -> RefundOutcome:
    """Refund `amount` (1 .. what can still be refunded) of what was captured for the
    order, from its oldest payments first. Keyed by `idempotency_key`: the same key and
    amount return the same refund, another amount is refused (RefundKeyReused).
    `check(order)` runs with the order locked before anything is reserved (raise to
    refuse)."""
    key = (idempotency_key or "").strip()
    if not key:
        raise IdempotencyKeyMissing()
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidData(details={"amount": [gettext("Refund at least 1.")]})
    reason = (reason or "").strip()[:300]
    if not reason:
        raise InvalidData(details={"reason": [gettext("Say why the order is refunded.")]})
    with transaction.atomic(durable=True):
        order = order_get_for_update(order_id=order.pk)
        if check is not None:
            check(order)
        earlier = list(Refund.objects.select_related("payment").filter(idempotency_key=key).order_by("id"))
        if earlier:
            if any(refund.payment.order_id != order.pk for refund in earlier) or \
                    sum(refund.amount for refund in earlier) != amount:
                raise RefundKeyReused(details={"idempotency_key": key})
            failed = next((refund for refund in earlier if refund.status == Refund.Status.FAILED), None)
            if failed is not None:
                raise RefundKeyFailed(RefundKeyFailed.message % {"reason": failed.failure_reason},
                                      details={"idempotency_key": key, "reason": failed.failure_reason})
            refunds, replayed = earlier, True
        else:
            refunds, replayed = _refunds_reserve(order=order, amount=amount, reason=reason, key=key, actor=actor), False
    provider = merchant_provider()
    for index, refund in enumerate(refunds):
        if refund.status != Refund.Status.PENDING:
            continue
        try:
            answer = provider.cancel(refund.payment, refund.amount, refund.reason, _refund_key(refund))
        except ProviderError as exc:
            for unsent in refunds[index:]:
                _refund_failed(refund=unsent, reason=str(exc.details.get("reason") or exc.code), actor=actor)
            raise
        _refund_succeeded(refund=refund, provider_refund_id=answer.id, actor=actor)
    for refund in refunds:
        refund.refresh_from_db()
    order.refresh_from_db()
    return RefundOutcome(order=order, refunds=refunds, amount=amount, replayed=replayed)


def _refunds_reserve(*, order, amount: int, reason: str, key: str, actor) -> list[Refund]:
    """Pending refunds for `amount` over the order's captured payments, reserved on them."""
    payments = list(Payment.objects.select_for_update().filter(order=order, status__in=CAPTURED)
                    .order_by("paid_at", "id"))
    refundable = sum(payment.refundable for payment in payments)
    if not payments:
        raise OrderNotPaid(details={"order": order.pk})
    if amount > refundable:
        raise RefundExceedsCaptured(RefundExceedsCaptured.message % {"refundable": _money(refundable, order.currency)},
                                    details={"refundable": refundable, "requested": amount,
                                             "currency": order.currency})
    refunds, left = [], amount
    for payment in payments:
        part = min(left, payment.refundable)
        if part <= 0:
            continue
        refunds.append(Refund.objects.create(payment=payment, amount=part, currency=payment.currency, reason=reason,
                                             idempotency_key=key, actor=actor if getattr(actor, "pk", None) else None))
        Payment.objects.filter(pk=payment.pk).update(refund_pending_amount=F("refund_pending_amount") + part)
        left -= part
    return refunds


def _refund_succeeded(*, refund: Refund, provider_refund_id: str, actor) -> None:
    with transaction.atomic(durable=True):
        order = order_get_for_update(order_id=refund.payment.order_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:  # a concurrent retry of the same request recorded it
            return
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refunded = payment.refunded_amount + refund.amount
        fields = {"refunded_amount": refunded, "refund_pending_amount": payment.refund_pending_amount - refund.amount}
        target = S.CANCELLED if refunded == payment.amount else S.PARTIAL_CANCELLED
        if payment.status == target:
            before = payment.refunded_amount
            Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now(), **fields)
            changes = {"refunded_amount": [before, refunded]}
        else:
            changes = PAYMENT_MACHINE.move(payment, target, fields=fields).changes
        refund.status, refund.provider_refund_id = Refund.Status.SUCCEEDED, provider_refund_id
        refund.completed_at = timezone.now()
        refund.save(update_fields=["status", "provider_refund_id", "completed_at"])
        order_refund_recorded(order=order, amount=refund.amount, actor=actor)
        _audit(action="refund.succeeded", actor=actor, target=refund, changes=changes,
               metadata={"order": order.number, "payment": payment.reference, "amount": refund.amount,
                         "currency": refund.currency, "reason": refund.reason,
                         "provider_refund_id": provider_refund_id})
        payment.refresh_from_db()
        event_record(events.REFUND_SUCCEEDED.name, events.refund_event(refund, payment, order))


def _refund_failed(*, refund: Refund, reason: str, actor) -> None:
    with transaction.atomic(durable=True):
        order = order_get_for_update(order_id=refund.payment.order_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return
        Payment.objects.filter(pk=refund.payment_id).update(
            refund_pending_amount=F("refund_pending_amount") - refund.amount)
        refund.status, refund.failure_reason = Refund.Status.FAILED, reason[:300]
        refund.completed_at = timezone.now()
        refund.save(update_fields=["status", "failure_reason", "completed_at"])
        _audit(action="refund.failed", actor=actor, target=refund,
               metadata={"order": order.number, "payment": refund.payment.reference, "amount": refund.amount,
                         "currency": refund.currency, "reason": refund.reason, "failure": refund.failure_reason})


# --- Cancelling with a refund ------------------------------------------------------------


def order_cancel_with_refund(*, order, actor, reason: str, by_customer: bool, reject: bool = False):
    """Cancel the order (`reject`: turn it down, where its flow can) and give back
    everything captured for it: the refund first (a provider refusal leaves the order as
    it was), then the cancellation; a checkout left open is closed. Whether the order may
    still be cancelled is checked again under the order's lock when the refund is
    reserved, so a move that won the race (the kitchen accepting) refunds nothing.
    Returns the cancelled order."""
    if not by_customer and not (reason or "").strip():  # before any money moves
        raise ReasonRequired(details={"reason": [str(ReasonRequired.message)]})
    order_check_cancellable(order=order, by_customer=by_customer, reject=reject)
    refundable = order_refundable(order=order)
    if refundable:
        why = reason or (gettext("Cancelled by the customer") if by_customer else gettext("Order cancelled"))
        # A new key per attempt: a retried cancel refunds only what is still captured.
        refund_create(order=order, amount=refundable, reason=why, idempotency_key=f"cancel-{order.pk}-{uuid.uuid4()}",
                      actor=actor, check=lambda locked: order_check_cancellable(order=locked, by_customer=by_customer,
                                                                                reject=reject))
    order = order_cancel(order=order, actor=actor, reason=reason, by_customer=by_customer, reject=reject)
    with transaction.atomic(durable=True):
        for payment in Payment.objects.select_for_update().filter(order=order, status=S.READY):
            PAYMENT_MACHINE.move(payment, S.FAILED, fields={"failure_reason": "order_cancelled"})
    return order
