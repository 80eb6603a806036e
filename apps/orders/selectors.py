"""Order reads: scoped querysets with their lines (and, for one order, its moves) loaded."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.utils import timezone

from apps.consumers.selectors import consumer_family

from .errors import OrderNotFound
from .flows import flow_for
from .models import Order, OrderLine, OrderTransition


def _lines() -> Prefetch:
    return Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id"))


def _transitions() -> Prefetch:
    return Prefetch("transitions", queryset=OrderTransition.objects.select_related("actor").order_by("created_at",
                                                                                                      "id"))


def order_list(*, access, perm: str = "orders.view_order") -> QuerySet[Order]:
    """Orders the caller reaches with `perm` (workspace, their branches, or per-object
    grants), with branch, customer and lines: a fixed number of queries per page."""
    queryset = Order.objects.select_related("branch", "customer").prefetch_related(_lines())
    return access.scope_filter(queryset, perm)


def order_detail_list(*, access, perm: str = "orders.view_order") -> QuerySet[Order]:
    """order_list with each order's status moves (who, when, why)."""
    return order_list(access=access, perm=perm).prefetch_related(_transitions())


def order_with_lines(*, order_id: int) -> Order:
    """One order with its branch, customer, lines and moves, unscoped (the caller decided)."""
    return (Order.objects.select_related("branch", "customer").prefetch_related(_lines(), _transitions())
            .get(pk=order_id))


def orders_with_lines(*, order_ids) -> dict[int, Order]:
    """{id: order} with customer and lines, unscoped (the caller decided: the kitchen board)."""
    return Order.objects.select_related("customer").prefetch_related(_lines()).in_bulk(list(order_ids))


def my_orders(*, customer, user=None) -> QuerySet[Order]:
    """A consumer's own orders, newest first, with their lines and moves; with `user`,
    also those of the children they are the verified guardian of (a child's enrolment
    or tuition is the guardian's to pay)."""
    if user is None:
        mine = Order.objects.filter(customer=customer)
    else:
        mine = Order.objects.filter(customer__in=consumer_family(customer=customer, user=user).values("pk"))
    return mine.select_related("branch").prefetch_related(_lines(), _transitions())


def order_get_for_update(*, order_id: int) -> Order:
    """The order, its row locked until the caller's transaction ends (call inside one),
    with its lines. OrderNotFound (404) when there is none."""
    order = (Order.objects.select_for_update(of=("self",)).select_related("customer", "branch")
             .prefetch_related(_lines()).filter(pk=order_id).first())
    if order is None:
        raise OrderNotFound(details={"order": order_id})
    return order


def order_is_done(order: Order) -> bool:
    """Whether the order reached a done status of its flow (completed, served, finished)."""
    return flow_for(order).is_done(order.status)


def customer_has_orders(*, customer_id: int, exclude_cancelled: bool = True) -> bool:
    """Whether the customer ordered before (a first-order coupon looks at this); cancelled
    orders (and orders the business rejected) do not count."""
    queryset = Order.objects.filter(customer_id=customer_id)
    if exclude_cancelled:
        queryset = queryset.exclude(status__in=("cancelled", "rejected"))
    return queryset.exists()


def order_by_idempotency(*, scope: str, key: str) -> Order | None:
    if not key:
        return None
    return Order.objects.filter(idempotency_scope=scope, idempotency_key=key).first()


def day_bounds(day: dt.date, zone) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def orders_day_summary(*, day: dt.date, zone, queryset: QuerySet[Order] | None = None) -> dict:
    """{"count": orders placed on `day` in `zone`, "sales": paid minus refunded on them
    (minor units), "currency"}: one query."""
    start, end = day_bounds(day, zone)
    queryset = (queryset if queryset is not None else Order.objects.all()).filter(created_at__gte=start,
                                                                                 created_at__lt=end)
    row = queryset.order_by().aggregate(count=Count("id"), sales=Sum(F("paid_amount") - F("refunded_amount")))
    return {"count": row["count"] or 0, "sales": int(row["sales"] or 0)}


def local_today(zone) -> dt.date:
    return timezone.now().astimezone(zone).date()
