"""The food module's reads: menu periods by item, the menu of a branch with what can be
ordered now, the kitchen board's tickets and its version (the ETag), the rider's queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Max, Q, QuerySet

from apps.catalog.models import Item
from apps.catalog.selectors import item_list_open, items_offered_at

from . import flow as food_flow
from .models import MenuPeriod, Ticket


def periods_by_item(*, item_ids: Iterable[int]) -> dict[int, list[MenuPeriod]]:
    """{item id: its active menu periods} for the items that have any (one query)."""
    ids = [pk for pk in item_ids if pk is not None]
    if not ids:
        return {}
    through = MenuPeriod.items.through
    rows = through.objects.filter(item_id__in=ids, menuperiod__is_active=True).select_related("menuperiod")
    result: dict[int, list[MenuPeriod]] = {}
    for row in rows:
        result.setdefault(row.item_id, []).append(row.menuperiod)
    return result


def menu_items(*, branch_id: int) -> QuerySet[Item]:
    """What customers see on a branch's menu: active menu items offered there, with their
    option groups and images (apps.catalog's open list)."""
    return items_offered_at(item_list_open().filter(kind=Item.Kind.MENU_ITEM), branch_id)


def period_list() -> QuerySet[MenuPeriod]:
    return MenuPeriod.objects.prefetch_related("items")


def tickets_open(*, branch_ids: Iterable[int] | None) -> QuerySet[Ticket]:
    """The tickets on the board (placed .. out for delivery), oldest first; `branch_ids`
    None: every branch."""
    queryset = Ticket.objects.filter(status__in=food_flow.BOARD)
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    return queryset.order_by("released_at", "order_id")


def board_version(*, branch_ids: Iterable[int] | None) -> tuple:
    """What changes whenever the board would show something else: its tickets (count and
    last change) and the menu's sold-out switches. One query each; the ETag is made from it."""
    tickets = Ticket.objects.all() if branch_ids is None else Ticket.objects.filter(branch_id__in=list(branch_ids))
    summary = tickets.aggregate(changed=Max("updated_at"), open=Count("pk", filter=Q(status__in=food_flow.BOARD)))
    menu = Item.objects.filter(kind=Item.Kind.MENU_ITEM).aggregate(changed=Max("updated_at"), count=Count("pk"))
    return (summary["changed"], summary["open"], menu["changed"], menu["count"])


def rider_queue(*, branch_ids: Iterable[int] | None, rider_id: int) -> QuerySet[Ticket]:
    """Delivery tickets that are ready to go, or out with this rider."""
    queryset = Ticket.objects.filter(fulfilment="delivery").filter(
        Q(status=food_flow.READY) | Q(status=food_flow.OUT, rider_id=rider_id))
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    return queryset.order_by("ready_at", "order_id")


def ticket_for(*, order_id: int) -> Ticket | None:
    return Ticket.objects.filter(order_id=order_id).first()
