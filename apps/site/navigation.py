"""The sections of both admin sites' sidebars, by task (apps.core.admin_navigation).

Apps put their pages into these sections from their own admin.py; a business module that
brings a new task declares its section there too (e.g. `admin_section(tenant_admin,
"classes", _("Classes"), order=15, icon="school")`), without editing this list.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.admin_navigation import admin_section
from apps.core.admin_sites import ops_admin, tenant_admin


def declare_sections() -> None:
    # The tenant admin: what a business owner does. Room between the orders for modules'
    # own sections (classes, orders, menu) next to the customers.
    admin_section(tenant_admin, "customers", _("Customers"), order=10, icon="groups")
    # The academy's classes, timetable and attendance (its items show in academy workspaces only).
    admin_section(tenant_admin, "academy", _("Academy"), order=17, icon="school")
    # Commerce: orders, payments, coupons and reviews; what is sold.
    admin_section(tenant_admin, "sales", _("Sales"), order=20, icon="point_of_sale")
    admin_section(tenant_admin, "catalog", _("Catalog"), order=30, icon="inventory_2")
    admin_section(tenant_admin, "team", _("Team"), order=50, icon="badge")
    admin_section(tenant_admin, "branches", _("Branches"), order=60, icon="store")
    admin_section(tenant_admin, "billing", _("Billing"), order=70, icon="receipt_long")
    admin_section(tenant_admin, "settings", _("Settings"), order=90, icon="settings")
    # The ops portal: what HQ does.
    admin_section(ops_admin, "tenants", _("Tenants"), order=10, icon="domain")
    admin_section(ops_admin, "billing", _("Billing"), order=20, icon="payments")
    # What the platform owes the tenants: batches, runs, tax invoices, reconciliation.
    admin_section(ops_admin, "settlement", _("Settlement"), order=25, icon="account_balance")
    admin_section(ops_admin, "platform", _("Platform"), order=30, icon="tune")
    admin_section(ops_admin, "security", _("Security"), order=40, icon="shield_person")


def tenant_account_links(request) -> list[dict]:
    """The tenant admin's user menu (django-unfold's ACCOUNT navigation): the password
    change for an account that has one, and the sessions and devices page (tokens the
    person's apps hold, apps.accounts.views.sessions_view)."""
    links = []
    if not request.user.is_authenticated:  # the login page draws the chrome too
        return links
    if request.user.has_usable_password():
        links.append({"title": _("Change password"), "link": reverse("tenant_admin:password_change")})
    links.append({"title": _("Sessions and devices"), "link": reverse("account-sessions")})
    return links
