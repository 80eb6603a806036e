"""The catalog in the tenant admin: categories, items with their option groups and
images inline, and each option group's own page (reached from its item) with its options.
Forms shared by them (translations per language, service errors on the field) in forms."""

from apps.core.admin_navigation import admin_navigation, admin_subpage
from apps.core.admin_sites import tenant_admin

from ..models import Category, Item, OptionGroup
from . import categories, items, options  # noqa: F401  (registers the ModelAdmins)

admin_navigation(tenant_admin, "catalog", model=Item, icon="inventory_2", order=10)
admin_navigation(tenant_admin, "catalog", model=Category, icon="category", order=20)
admin_subpage(tenant_admin, OptionGroup)
