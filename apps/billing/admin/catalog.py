"""The plan catalog in the ops portal: plans, price versions, add-ons."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyInline
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.clock import platform_today
from apps.core.money import format_amount, format_money

from ..catalog import addon_save, plan_price_set, plan_save
from ..errors import PricingForbidden
from ..models import AddOn, Plan, PlanPrice
from .common import WIDE_NUMBERS, money_column


class PlanPriceInline(ReadOnlyInline):
    model = PlanPrice
    fields = ["effective_from", "price", "commission_rate", "note", "created_by", "created_at"]
    price = money_column("amount", _("price per period"))
    verbose_name_plural = _("price history (add a version under Plan prices)")


@admin.register(Plan, site=ops_admin)
class PlanAdmin(ModelAdmin):
    empty_help = _("Plans are what tenants subscribe to: a price and limits. Add one before the first sale.")
    list_display = ["code", "name", "current_price", "trial_days", "self_signup", "limits", "is_active"]
    list_filter = ["is_active", "self_signup", "billing_period"]
    search_fields = ["code", "name", "name_ko"]
    inlines = [PlanPriceInline]
    formfield_overrides = WIDE_NUMBERS
    fieldsets = [
        (None, {"fields": ["code", "name", "name_ko", "description", "is_active", "self_signup", "sort_order"]}),
        (_("Billing"), {"fields": ["billing_period", "trial_days"]}),
        (_("Limits (empty: unlimited)"), {"fields": ["max_staff_users", "max_branches", "api_requests_per_minute",
                                                     "api_requests_per_month", "storage_mb"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prices")

    @admin.display(description=_("price in force"))
    def current_price(self, obj):
        today = platform_today()
        prices = [p for p in obj.prices.all() if p.effective_from <= today]
        if not prices:
            return "-"
        price = max(prices, key=lambda p: p.effective_from)
        return f"{format_money(price.amount, price.currency)} · {format_amount(price.commission_rate)}%"

    @admin.display(description=_("staff / branches / API per min"))
    def limits(self, obj):
        return " / ".join("∞" if v is None else f"{v:,}"
                          for v in (obj.max_staff_users, obj.max_branches, obj.api_requests_per_minute))

    def save_model(self, request, obj, form, change):
        plan_save(plan=obj, actor=request.user)


@admin.register(PlanPrice, site=ops_admin)
class PlanPriceAdmin(ModelAdmin):
    list_display = ["plan", "effective_from", "price", "commission_rate", "created_by", "created_at"]
    list_filter = ["plan"]
    list_select_related = ["plan", "created_by"]
    fields = ["plan", "amount", "currency", "commission_rate", "effective_from", "note"]
    formfield_overrides = WIDE_NUMBERS
    price = money_column("amount", _("price per period"))

    def has_change_permission(self, request, obj=None):
        return False  # history is kept: a change is a new version

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            plan_price_set(plan=obj.plan, amount=obj.amount, currency=obj.currency,
                           commission_rate=obj.commission_rate, effective_from=obj.effective_from,
                           note=obj.note, actor=request.user)
        except PricingForbidden as exc:
            raise PermissionDenied(exc.message) from exc

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                effective = cleaned.get("effective_from")
                if effective and effective < platform_today():
                    self.add_error("effective_from", _("A new price can take effect today or later, not in the past."))
                return cleaned

        return CheckedForm


@admin.register(AddOn, site=ops_admin)
class AddOnAdmin(ModelAdmin):
    list_display = ["code", "name", "price_display", "limit_key", "limit_increase", "feature_flag", "is_active"]
    list_filter = ["is_active", "limit_key"]
    search_fields = ["code", "name"]
    formfield_overrides = WIDE_NUMBERS
    price_display = money_column("price", _("price per period"))

    def save_model(self, request, obj, form, change):
        try:
            addon_save(addon=obj, actor=request.user)
        except PricingForbidden as exc:
            raise PermissionDenied(exc.message) from exc


admin_navigation(ops_admin, "billing", model=Plan, icon="workspace_premium", order=10)
admin_navigation(ops_admin, "billing", model=PlanPrice, icon="sell", order=20)
admin_navigation(ops_admin, "billing", model=AddOn, icon="extension", order=30)
