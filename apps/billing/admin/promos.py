"""Promo codes in the ops portal."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.money import format_amount

from ..models import PromoCode
from ..promos import promo_create, promo_update
from .common import WIDE_NUMBERS


@admin.register(PromoCode, site=ops_admin)
class PromoCodeAdmin(ModelAdmin):
    empty_help = _("Promo codes give businesses a discount. Add a code, then share it with whom it is for.")
    list_display = ["code", "kind", "value_display", "duration", "duration_periods", "expires_at", "times_redeemed",
                    "max_redemptions", "is_active"]
    list_filter = ["is_active", "kind", "duration"]
    search_fields = ["code", "description"]
    filter_horizontal = ["plans"]
    readonly_fields = ["times_redeemed"]
    formfield_overrides = WIDE_NUMBERS

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        # a fixed amount is in the plan's currency, which the code does not fix
        return f"{format_amount(obj.value)}%" if obj.kind == PromoCode.Kind.PERCENT else format_amount(obj.value)

    def save_model(self, request, obj, form, change):
        pass  # written with its plans by the service in save_related

    def save_related(self, request, form, formsets, change):
        service = promo_update if change else promo_create
        service(promo=form.instance, plans=form.cleaned_data.get("plans", []), actor=request.user)


admin_navigation(ops_admin, "billing", model=PromoCode, icon="confirmation_number", order=40)
