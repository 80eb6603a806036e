"""The kitchen's history in the tenant admin: every ticket the user's branches had, read
only, with how long acceptance and cooking took; filters by status, branch and pickup or
delivery. The kitchen board and the rider page hang off this admin's URLs
(/admin/food/ticket/board/, /admin/food/ticket/rider/)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.orders.models import Order
from apps.rbac.admin_scoping import BranchScopedAdmin

from .. import flow as F
from . import actions, board
from .common import FoodOnlyAdmin


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(status, label) for status, label in F.LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class FulfilmentFilter(admin.SimpleListFilter):
    title = _("pickup or delivery")
    parameter_name = "fulfilment"

    def lookups(self, request, model_admin):
        return [(Order.Fulfilment.PICKUP, Order.Fulfilment.PICKUP.label),
                (Order.Fulfilment.DELIVERY, Order.Fulfilment.DELIVERY.label)]

    def queryset(self, request, queryset):
        return queryset.filter(fulfilment=self.value()) if self.value() else queryset


def minutes_between(start, end) -> str:
    if start is None or end is None:
        return "—"
    return gettext("%(minutes)s min") % {"minutes": max(0, round((end - start).total_seconds() / 60))}


class TicketAdmin(FoodOnlyAdmin, ReadOnlyAdminMixin, BranchScopedAdmin):
    empty_help = _("Every food order the kitchen received appears here once it is paid.")
    list_display = ["number_column", "branch", "status_column", "fulfilment_column", "customer_column",
                    "released_at", "accept_column", "prep_column"]
    list_filter = [StatusFilter, "branch", FulfilmentFilter]
    list_select_related = ["order__customer", "branch"]
    search_fields = ["=order__number", "order__customer__name"]
    ordering = ["-released_at", "-order_id"]
    fields = ["number_column", "branch", "status_column", "fulfilment_column", "customer_column", "released_at",
              "accept_by", "accepted_at", "ready_by", "cooking_at", "ready_at", "out_at", "delivered_by", "done_at",
              "rider_column"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order__customer", "branch", "rider")

    @admin.display(description=pgettext_lazy("purchase", "order"), ordering="order__number")
    def number_column(self, ticket):
        url = reverse(f"{self.admin_site.name}:orders_order_change", args=[ticket.order_id])
        return format_html('<a href="{}">#{}</a>', url, ticket.order.number)

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, ticket):
        return F.LABELS.get(ticket.status, ticket.status)

    @admin.display(description=_("pickup or delivery"), ordering="fulfilment")
    def fulfilment_column(self, ticket):
        return Order.Fulfilment(ticket.fulfilment).label if ticket.fulfilment in Order.Fulfilment.values else "—"

    @admin.display(description=_("customer"))
    def customer_column(self, ticket):
        return ticket.order.customer.name if ticket.order.customer_id else "—"

    @admin.display(description=_("time to accept"))
    def accept_column(self, ticket):
        return minutes_between(ticket.released_at, ticket.accepted_at)

    @admin.display(description=_("time to cook"))
    def prep_column(self, ticket):
        return minutes_between(ticket.accepted_at, ticket.ready_at)

    @admin.display(description=_("rider"))
    def rider_column(self, ticket):
        rider = ticket.rider if ticket.rider_id else None
        return (rider.full_name or rider.email) if rider is not None else "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("board/", view(board.board_view), name="food_board"),
            path("board/feed/", view(board.board_feed), name="food_board_feed"),
            path("board/step/", view(actions.step_view), name="food_board_step"),
            path("board/sold-out/", view(actions.sold_out_view), name="food_board_sold_out"),
            path("board/pause/", view(actions.pause_view), name="food_board_pause"),
            path("rider/", view(board.rider_view), name="food_rider"),
            path("rider/feed/", view(board.rider_feed), name="food_rider_feed"),
            *super().get_urls(),
        ]
