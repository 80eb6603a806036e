"""Payment reads: an order's payments with their refunds (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

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


# --- Settlement (apps.settlement reads the tenant's money through these) ----------------

CAPTURED_STATUSES = (Payment.Status.PAID, Payment.Status.PARTIAL_CANCELLED, Payment.Status.CANCELLED)


def settlement_entries_sql(*, start, end) -> tuple[str, list]:
    """A SELECT of what to settle in [start, end) (start None: everything before `end`),
    one row per payment captured (positive) and per refund completed (negative), for the
    settlement to copy in the database without loading it: kind, source_id, reference,
    payment_reference, order_number, occurred_at, amount, commission_rate,
    commission_version, commission, fee, payment_paid_at.

    A payment brings the commission and fee fixed at its capture. A refund gives back the
    commission on what it refunded, computed on what remains (round(rate x remaining)
    before it minus after it, in the order refunds completed), so that a payment's
    refunds, however split, give back exactly its commission once it is all refunded. The
    provider keeps its fee on a refund (as Korean card gateways do on a cancel). Run in the
    tenant's schema."""
    payments, refunds = Payment._meta.db_table, Refund._meta.db_table
    orders = Payment._meta.get_field("order").related_model._meta.db_table
    captured = ", ".join(f"'{status}'" for status in CAPTURED_STATUSES)
    since_payment = "AND p.paid_at >= %s" if start is not None else ""
    since_refund = "AND x.completed_at >= %s" if start is not None else ""
    sql = f"""
        SELECT 'payment' AS kind, p.id AS source_id, p.reference AS reference, p.reference AS payment_reference,
               o.number AS order_number, p.paid_at AS occurred_at, p.amount AS amount,
               COALESCE(p.commission_rate, 0) AS commission_rate, p.commission_version_id AS commission_version,
               COALESCE(p.commission_amount, 0) AS commission, COALESCE(p.fee_amount, 0) AS fee,
               p.paid_at AS payment_paid_at
          FROM {payments} p JOIN {orders} o ON o.id = p.order_id
         WHERE p.status IN ({captured}) AND p.paid_at IS NOT NULL AND p.paid_at < %s {since_payment}
        UNION ALL
        SELECT 'refund', x.id, COALESCE(x.provider_refund_id, 'refund-' || x.id), p.reference, o.number,
               x.completed_at, -x.amount, COALESCE(p.commission_rate, 0), p.commission_version_id,
               -(ROUND((p.amount - x.refunded_before) * COALESCE(p.commission_rate, 0) / 100)
                 - ROUND((p.amount - x.refunded_before - x.amount) * COALESCE(p.commission_rate, 0) / 100)),
               0, p.paid_at
          FROM (SELECT r.*, SUM(r.amount) OVER (PARTITION BY r.payment_id ORDER BY r.completed_at, r.id
                                                ROWS UNBOUNDED PRECEDING) - r.amount AS refunded_before
                  FROM {refunds} r WHERE r.status = 'succeeded' AND r.completed_at IS NOT NULL) x
          JOIN {payments} p ON p.id = x.payment_id JOIN {orders} o ON o.id = p.order_id
         WHERE x.completed_at < %s {since_refund}
    """
    params = [end, *([start] if start is not None else []), end, *([start] if start is not None else [])]
    return sql, params


def payment_attempts(*, start, end) -> tuple[int, int]:
    """(decided, failed) payment attempts in [start, end): captured then, or declined then
    (a declined payment is not changed afterwards), for the payment success rate."""
    window = Q(paid_at__lt=end) & (Q(paid_at__gte=start) if start is not None else Q())
    failed_window = Q(updated_at__lt=end) & (Q(updated_at__gte=start) if start is not None else Q())
    counts = Payment.objects.aggregate(
        paid=Count("id", filter=Q(status__in=CAPTURED_STATUSES) & window),
        failed=Count("id", filter=Q(status=Payment.Status.FAILED) & failed_window))
    return counts["paid"] + counts["failed"], counts["failed"]
