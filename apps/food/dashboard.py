"""The kitchen on the tenant admin's dashboard (apps.core.dashboard): live orders by state
(and any branch that stopped taking orders), the kitchen's day (food sales, orders
received, average acceptance and preparation time) and the dishes sold out, over the
branches the user reaches, "today" in the workspace's time zone. Figures from
apps.food.stats; registered by apps.food.admin (imported with the admin sites)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.lockout import display_zoneinfo
from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import dashboard_card, request_memo
from apps.core.money import Money
from apps.orders.models import Order
from apps.orders.selectors import local_today
from apps.rbac.admin_scoping import request_access

from . import flow as F
from .models import BranchOrdering
from .stats import food_sales, kitchen_figures, sold_out_items

SITE = tenant_admin


def may_see_kitchen(request) -> bool:
    from .admin.common import VIEW_TICKET, may

    return may(request, VIEW_TICKET)


def _zone():
    return display_zoneinfo()


def _minutes(value) -> str:
    return "—" if value is None else _("%(minutes)s min") % {"minutes": f"{value:g}"}


def figures(request) -> dict:
    """The day, the zone and the kitchen's figures over the user's branches (shared by the cards)."""
    def build():
        zone = _zone()
        day = local_today(zone)
        branch_ids = request_access(request).branch_ids("food.view_ticket")
        return {"zone": zone, "day": day, "branch_ids": branch_ids,
                "kitchen": kitchen_figures(branch_ids=branch_ids, day=day, zone=zone),
                "board_url": reverse(f"{SITE.name}:food_board")}

    return request_memo(request, "food.figures", build)


def live_card(request) -> dict:
    data = figures(request)
    from .admin.texts import column_labels

    labels = column_labels()
    states = [{"status": status, "label": labels[status], "count": data["kitchen"]["open"][status]}
              for status in F.BOARD]
    paused = BranchOrdering.objects.filter(paused=True, branch__is_active=True).select_related("branch")
    if data["branch_ids"] is not None:
        paused = paused.filter(branch_id__in=sorted(data["branch_ids"]))
    return {"key": "food-live", "title": _("Live orders"), "states": states,
            "total": sum(state["count"] for state in states), "board_url": data["board_url"],
            "paused": [{"branch": ordering.branch.name, "reason": ordering.get_pause_reason_display()}
                       for ordering in paused.order_by("branch__name")]}


def today_card(request) -> dict:
    data = figures(request)
    kitchen = data["kitchen"]
    rows = []
    if request.user.has_perm("orders.view_order"):
        orders = request_access(request).scope_filter(Order.objects.all(), "orders.view_order")
        sales = food_sales(orders=orders, day=data["day"], zone=data["zone"])
        rows.append({"key": "sales", "label": _("Food sales"),
                     "value": Money(sales["sales"], settings.COMMERCE_CURRENCY).format(),
                     "note": _("paid minus refunded")})
    rows += [
        {"key": "received", "label": _("Orders received"), "value": str(kitchen["received"]), "note": ""},
        {"key": "accept", "label": _("Average time to accept"), "value": _minutes(kitchen["accept_minutes"]),
         "note": _("from the order reaching the kitchen")},
        {"key": "prep", "label": _("Average preparation time"), "value": _minutes(kitchen["prep_minutes"]),
         "note": _("from acceptance to ready")},
    ]
    return {"key": "food-today", "title": _("Kitchen today"), "rows": rows, "board_url": data["board_url"],
            "note": f'{date_format(data["day"], "DATE_FORMAT")} ({data["zone"].key})'}


def sold_out_card(request) -> dict:
    data = figures(request)
    items = sold_out_items(language=translation.get_language())
    return {"key": "food-sold-out", "title": _("Sold out"), "items": items, "count": len(items),
            "board_url": data["board_url"] + "#sold-out"}


def register() -> None:
    dashboard_card(SITE, "food.live", template="dashboard/food/live.html", context=live_card, order=9,
                   permission=may_see_kitchen)
    dashboard_card(SITE, "food.today", template="dashboard/food/today.html", context=today_card, order=10,
                   permission=may_see_kitchen)
    dashboard_card(SITE, "food.sold_out", template="dashboard/food/sold_out.html", context=sold_out_card,
                   order=14, permission=may_see_kitchen)
