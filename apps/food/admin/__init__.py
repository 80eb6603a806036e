"""The restaurant in the tenant admin (food workspaces only): the kitchen board, the
rider's deliveries, the kitchen's history, each branch's ordering rules and the menu
hours; the kitchen's cards on the dashboard. Writes go through apps.food.services (and
apps.catalog's sold-out switch); reads are limited to the user's branches."""

from django.utils.translation import gettext_lazy as _

from apps.core.admin_navigation import admin_navigation, admin_section
from apps.core.admin_sites import tenant_admin

from .. import dashboard
from ..models import BranchOrdering, MenuPeriod, Ticket
from .common import DELIVER_TICKET, VIEW_TICKET, is_food, may
from .menu import MenuPeriodAdmin
from .ordering import BranchOrderingAdmin
from .tickets import TicketAdmin

tenant_admin.register(Ticket, TicketAdmin)
tenant_admin.register(BranchOrdering, BranchOrderingAdmin)
tenant_admin.register(MenuPeriod, MenuPeriodAdmin)

# The kitchen's own section, next to the customers (its items show in restaurants only).
admin_section(tenant_admin, "food", _("Kitchen"), order=16, icon="soup_kitchen")
admin_navigation(tenant_admin, "food", url_name="food_board", title=_("Kitchen board"), icon="soup_kitchen",
                 order=10, permission=lambda request: may(request, VIEW_TICKET))
admin_navigation(tenant_admin, "food", url_name="food_rider", title=_("Deliveries"), icon="two_wheeler", order=20,
                 permission=lambda request: may(request, DELIVER_TICKET))
admin_navigation(tenant_admin, "food", model=Ticket, title=_("Order history"), icon="history", order=30)
admin_navigation(tenant_admin, "food", model=BranchOrdering, icon="tune", order=40)
admin_navigation(tenant_admin, "food", model=MenuPeriod, icon="schedule", order=50)

dashboard.register()

__all__ = ["is_food"]
