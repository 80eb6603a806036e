"""Orders on the tenant admin's dashboard (apps.core.dashboard), registered by
OrdersConfig.ready(): today's orders (how many) and today's sales (paid minus refunded on
today's orders), "today" in the workspace's time zone, over the orders this user may see
(their branches for a branch-limited role). One query per page view for both cards."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.lockout import display_zoneinfo
from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import dashboard_card, request_memo
from apps.core.money import Money
from apps.rbac.admin_scoping import request_access

from .models import Order
from .selectors import local_today, orders_day_summary

SITE = tenant_admin


def may_see_orders(request) -> bool:
    return SITE.is_registered(Order) and SITE.get_model_admin(Order).has_view_permission(request)


def _zone():
    return display_zoneinfo()


def today_summary(request) -> dict:
    def build():
        zone = _zone()
        day = local_today(zone)
        scoped = request_access(request).scope_filter(Order.objects.all(), "orders.view_order")
        summary = orders_day_summary(day=day, zone=zone, queryset=scoped)
        url = reverse(f"{SITE.name}:orders_order_changelist") + \
            f"?created_at__date__gte={day.isoformat()}&created_at__date__lte={day.isoformat()}"
        return {**summary, "day": day, "zone": zone, "list_url": url}

    return request_memo(request, "orders.today", build)


def _day_note(summary: dict) -> str:
    return f'{date_format(summary["day"], "DATE_FORMAT")} ({summary["zone"].key})'  # no words to translate


def orders_card(request) -> dict:
    summary = today_summary(request)
    return {"key": "orders-today", "icon": "receipt", "title": _("Today's orders"), "value": summary["count"],
            "figure": ngettext("%(count)s order", "%(count)s orders", summary["count"]) % {"count": summary["count"]},
            "note": _day_note(summary), "list_url": summary["list_url"]}


def sales_card(request) -> dict:
    summary = today_summary(request)
    return {"key": "sales-today", "icon": "payments", "title": _("Today's sales"), "value": summary["sales"],
            "figure": Money(summary["sales"], settings.COMMERCE_CURRENCY).format(),
            "note": _("Paid minus refunded, on orders placed %(day)s") % {"day": _day_note(summary)},
            "list_url": summary["list_url"]}


def register() -> None:
    dashboard_card(SITE, "orders.today", template="dashboard/orders/today.html", context=orders_card, order=12,
                   permission=may_see_orders)
    dashboard_card(SITE, "orders.sales_today", template="dashboard/orders/today.html", context=sales_card, order=13,
                   permission=may_see_orders)
