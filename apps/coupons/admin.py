"""Coupons in the tenant admin: created and edited through the services (validated and
audited), with their use count and the orders that used them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import construct_instance
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyInline, ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.money import Money

from . import services
from .models import Coupon, CouponRedemption
from .serializers import coupon_summary

WON_HELP = _("In won (the currency's smallest unit).")


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = services.FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("amount", "min_order_amount", "max_discount"):
            if name in self.fields:
                field = self.fields[name]
                field.help_text = format_html("{} {}", field.help_text, WON_HELP) if field.help_text else WON_HELP

    def _post_clean(self):
        """The service's rules (one kind of value, the window, the code's form, the
        model's own validation) on the edited copy, instead of the model's alone."""
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        try:
            services.coupon_validate(self.instance)
        except forms.ValidationError as error:
            self._update_errors(error)


class RedemptionInline(ReadOnlyInline):
    model = CouponRedemption
    fields = ["redeemed_at", "order_number", "customer", "discount_text"]
    verbose_name_plural = _("uses")

    @admin.display(description=_("discount"))
    def discount_text(self, redemption):
        return Money(int(redemption.discount), redemption.currency).format()

    def has_view_permission(self, request, obj=None):  # uses come with the coupon (apps.authz HIDDEN_MODELS)
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer")


@admin.register(Coupon, site=tenant_admin)
class CouponAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Coupons take a percentage or an amount off an order: for a first order, a minimum order or a "
                   "limited time. Customers type the code or keep it in their wallet.")
    form = CouponForm
    list_display = ["code", "name", "summary", "valid_until", "usage", "is_active"]
    list_filter = ["kind", "is_active", "first_order_only"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "is_active"]}),
        (_("Discount"), {"fields": ["kind", "percent", "max_discount", "amount", "min_order_amount"]}),
        (_("Validity and limits"), {"fields": ["valid_from", "valid_until", "per_customer_limit", "total_limit",
                                               "first_order_only", "used_count"]}),
    ]
    readonly_fields = ["used_count"]
    inlines = [RedemptionInline]
    # a percentage's fields for a percentage off, the amount for a fixed amount off
    conditional_fields = {"percent": "kind == 'percent'", "max_discount": "kind == 'percent'",
                          "amount": "kind == 'fixed'"}

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        return [(title, {**options, "fields": [name for name in options["fields"] if name != "used_count"]})
                for title, options in self.fieldsets]  # a new coupon has no uses to show

    @admin.display(description=_("offer"))
    def summary(self, coupon):
        return coupon_summary(coupon)

    @admin.display(description=_("used"), ordering="used_count")
    def usage(self, coupon):
        if coupon.total_limit is None:
            return str(coupon.used_count)
        return format_html("{} / {}", coupon.used_count, coupon.total_limit)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.FIELDS if name in form.cleaned_data}
        if change:
            services.coupon_update(coupon=Coupon.objects.get(pk=obj.pk), actor=request.user, **data)
        else:
            created = services.coupon_create(actor=request.user, **data)
            obj.pk = created.pk

    def delete_with_service(self, request, obj) -> None:
        services.coupon_delete(coupon=obj, actor=request.user)


admin_navigation(tenant_admin, "sales", model=Coupon, icon="sell", order=30)
