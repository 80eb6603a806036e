"""What the food module's admin pages share: restaurants only, the request's access per
branch (kitchen staff and riders are branch-scoped), and service refusals onto forms."""

from __future__ import annotations

from apps.branches.models import Branch
from apps.rbac.admin_scoping import BusinessTypeOnlyAdmin, request_access, workspace_is

FOOD = "food"
VIEW_TICKET, CHANGE_TICKET, DELIVER_TICKET = "food.view_ticket", "food.change_ticket", "food.deliver_ticket"
CHANGE_ORDERING = "food.change_branchordering"
CHANGE_ITEM = "catalog.change_item"


def is_food(request) -> bool:
    return workspace_is(request, FOOD)


def may(request, perm: str) -> bool:
    """Whether `perm` reaches anything at all (some branch, or everywhere)."""
    return is_food(request) and request_access(request).grant(perm) is not None


def reach(request, perm: str) -> set[int] | None:
    """The branches `perm` reaches: None for every branch, else their ids (empty: none)."""
    if not is_food(request):
        return set()
    return request_access(request).branch_ids(perm)


def allows(request, perm: str, branch_id: int) -> bool:
    ids = reach(request, perm)
    return ids is None or branch_id in ids


def branches_reached(request, perm: str) -> list[Branch]:
    """The active branches `perm` reaches, by name (one query)."""
    ids = reach(request, perm)
    branches = Branch.objects.filter(is_active=True).order_by("name")
    if ids is not None:
        branches = branches.filter(pk__in=sorted(ids))
    return list(branches)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class FoodOnlyAdmin(BusinessTypeOnlyAdmin):
    """Every permission of the food admins needs a restaurant first."""

    business_type = FOOD
