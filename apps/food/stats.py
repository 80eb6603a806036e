"""The kitchen's figures for the dashboard, over the branches a person reaches: open
orders by state, today's food sales, how long acceptance and cooking took today, the
dishes sold out. A fixed number of queries whatever the size of the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from apps.catalog.models import Item
from apps.catalog.translation import localized
from apps.orders.models import Order
from apps.orders.selectors import day_bounds, orders_day_summary

from . import flow as food_flow
from .models import Ticket


def _minutes(duration: dt.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 60, 1)


def _span(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def kitchen_figures(*, branch_ids: Iterable[int] | None, day: dt.date, zone) -> dict:
    """{"open": {status: count} for the board's columns, "received": tickets that reached
    the kitchen on `day`, "accept_minutes" / "prep_minutes": the average time from the
    kitchen receiving an order to accepting it (orders accepted on `day`), and from
    accepting it to ready (orders ready on `day`), None when there is none}: one query."""
    start, end = day_bounds(day, zone)
    tickets = Ticket.objects.all() if branch_ids is None else Ticket.objects.filter(branch_id__in=list(branch_ids))
    counts = {status: Count("pk", filter=Q(status=status)) for status in food_flow.BOARD}
    row = tickets.order_by().aggregate(
        **counts,
        received=Count("pk", filter=Q(released_at__gte=start, released_at__lt=end)),
        accept=Avg(_span("released_at", "accepted_at"), filter=Q(accepted_at__gte=start, accepted_at__lt=end)),
        prep=Avg(_span("accepted_at", "ready_at"), filter=Q(ready_at__gte=start, ready_at__lt=end,
                                                           accepted_at__isnull=False)))
    return {"open": {status: row[status] or 0 for status in food_flow.BOARD}, "received": row["received"] or 0,
            "accept_minutes": _minutes(row["accept"]), "prep_minutes": _minutes(row["prep"])}


def food_sales(*, orders: QuerySet[Order], day: dt.date, zone) -> dict:
    """Food orders placed on `day` among `orders`: {"count", "sales" (paid minus refunded)}."""
    return orders_day_summary(day=day, zone=zone, queryset=orders.filter(flow=food_flow.NAME))


def sold_out_items(*, language: str | None = None) -> list[dict]:
    """The menu's active dishes switched off as sold out, in menu order (one query)."""
    items = Item.objects.filter(kind=Item.Kind.MENU_ITEM, is_active=True, is_sold_out=True).order_by("position", "id")
    return [{"id": item.pk, "name": localized(item, "name", language)} for item in items]
