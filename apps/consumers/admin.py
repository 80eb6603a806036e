from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin

from .models import Consent


@admin.register(Consent, site=tenant_admin)
class ConsentAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Proof of what each customer agreed to, when and from where; written only by the
    registration and profile services."""

    empty_help = _("Customers who register online answer the terms, the privacy policy and marketing messages; "
                   "each answer is recorded here with its time and document version.")
    list_display = ["customer", "kind", "granted", "version", "recorded_at", "ip"]
    list_filter = ["kind", "granted"]
    search_fields = ["customer__name", "customer__email"]
    list_select_related = ["customer"]


admin_navigation(tenant_admin, "customers", model=Consent, icon="verified_user", order=30)
