"""The food module's reads: menu periods by item, the menu of a branch with what can be
ordered now, the kitchen board's tickets and its version (the ETag), the rider's queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.branches.hours import branch_zone, next_opening, open_at
from apps.catalog.models import Item
from apps.catalog.selectors import item_list_open, items_offered_at

from . import flow as food_flow
from .models import BranchOrdering, MenuPeriod, Ticket


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
    """What changes whenever the board would show something else: the last change of the
    branches' tickets and of their ordering rules (paused or not), and the menu's
    sold-out switches. Two queries whatever the history: each branch's last ticket change
    is one backward step on the (branch, updated_at) index. The ETag is made from it."""
    from apps.branches.models import Branch

    branches = Branch.objects.all() if branch_ids is None else Branch.objects.filter(pk__in=list(branch_ids))
    last_ticket = Ticket.objects.filter(branch_id=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
    rules = BranchOrdering.objects.filter(branch_id=OuterRef("pk")).values("updated_at")[:1]
    summary = branches.annotate(ticket_changed=Subquery(last_ticket), rules_changed=Subquery(rules)).aggregate(
        tickets=Max("ticket_changed"), rules=Max("rules_changed"), count=Count("pk"))
    menu = Item.objects.filter(kind=Item.Kind.MENU_ITEM).aggregate(changed=Max("updated_at"), count=Count("pk"))
    return (summary["tickets"], summary["rules"], summary["count"], menu["changed"], menu["count"])


def rider_queue(*, branch_ids: Iterable[int] | None, rider_id: int) -> QuerySet[Ticket]:
    """Delivery tickets that are ready to go, or out with this rider."""
    queryset = Ticket.objects.filter(fulfilment="delivery").filter(
        Q(status=food_flow.READY) | Q(status=food_flow.OUT, rider_id=rider_id))
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    return queryset.order_by("ready_at", "order_id")


def ticket_for(*, order_id: int) -> Ticket | None:
    return Ticket.objects.filter(order_id=order_id).first()


def orderings_of(branches: Iterable) -> dict[int, BranchOrdering]:
    """{branch id: its ordering rules} in one query; a branch that has no row yet reads
    as the defaults (unsaved: a read writes nothing). Each row's `branch` is the one given."""
    branches = list(branches)
    rows = BranchOrdering.objects.in_bulk([branch.pk for branch in branches])
    result = {}
    for branch in branches:
        ordering = rows.get(branch.pk) or BranchOrdering(branch_id=branch.pk)
        ordering.branch = branch
        result[branch.pk] = ordering
    return result


def ordering_state(ordering: BranchOrdering, *, now=None) -> dict:
    """Whether the branch takes orders now, as a customer needs to know it: open by its
    hours, paused, and when it opens next (while closed). `ordering.branch` is loaded."""
    branch = ordering.branch
    local = (now or timezone.now()).astimezone(branch_zone(branch))
    hours = branch.opening_hours or {}
    open_now = open_at(hours, local)
    return {"open_now": open_now, "paused": ordering.paused,
            "taking_orders": bool(open_now and not ordering.paused and branch.is_active),
            "opens_at": None if open_now else next_opening(hours, local), "local_now": local}


def why_not_orderable(item: Item, *, periods: list[MenuPeriod] | None, state: dict) -> str:
    """Why a dish of a branch's menu cannot be ordered now ("" when it can): closed,
    paused, sold_out, out_of_hours. `state`: ordering_state of the branch."""
    if not state["open_now"]:
        return "closed"
    if state["paused"]:
        return "paused"
    if item.is_sold_out or item.stock == 0:
        return "sold_out"
    if periods and not any(open_at(period.hours, state["local_now"]) for period in periods):
        return "out_of_hours"
    return ""
