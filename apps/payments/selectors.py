"""Payment reads: an order's payments with their refunds (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Payment, Refund


def _refunds() -> Prefetch:
    return Prefetch("refunds", queryset=Refund.objects.select_related("actor").order_by("created_at", "id"))


def payment_list(*, order_ids=None) -> QuerySet[Payment]:
    """Payments (of the given orders), newest first, with their order and refunds."""
    queryset = Payment.objects.select_related("order").prefetch_related(_refunds()).order_by("-created_at", "-id")
    return queryset if order_ids is None else queryset.filter(order_id__in=order_ids)


def order_payments(*, order) -> QuerySet[Payment]:
    return payment_list(order_ids=[order.pk])


def order_refundable(*, order) -> int:
    """What can still be refunded for the order: captured, minus refunds done and in progress."""
    return sum(payment.refundable for payment in Payment.objects.filter(
        order=order, status__in=(Payment.Status.PAID, Payment.Status.PARTIAL_CANCELLED)))


def order_refund_pending(*, order) -> int:
    """What is being refunded for the order right now (reserved, the provider not yet answered)."""
    return sum(Payment.objects.filter(order=order).values_list("refund_pending_amount", flat=True))
