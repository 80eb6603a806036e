from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from .models import Listing
from .selectors import with_recent_orders


@admin.register(Listing, site=ops_admin)
class ListingAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """What the public directory shows of each business; the workspaces edit their own
    listing, their services keep the rest current."""

    empty_help = _("Businesses appear here once they have a listing; they choose themselves whether it is shown "
                   "in the public directory.")
    list_display = ["name", "slug", "business_type", "is_listed", "city", "rating_avg", "rating_count",
                    "recent_orders", "synced_at"]
    list_filter = ["is_listed", "business_type"]
    search_fields = ["name", "slug", "city"]
    fields = ["tenant", "is_listed", "name", "slug", "business_type", "language", "headline", "description",
              "translations", "city", "domain", "branches", "rating_avg", "rating_count", "synced_at", "created_at",
              "updated_at"]
    list_select_related = ["tenant"]

    def get_queryset(self, request):
        return with_recent_orders(super().get_queryset(request))

    @admin.display(description=_("orders (30 days)"), ordering="orders_30d")
    def recent_orders(self, obj):
        return obj.orders_30d


admin_navigation(ops_admin, "tenants", model=Listing, title=_("Directory"), icon="storefront", order=70)
