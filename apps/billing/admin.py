"""The plan catalog, subscriptions and invoices in the ops portal; add-on requests in
both the portal (decide) and the tenant admin (request)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import ops_admin, tenant_admin
from apps.core.errors import PlatformError
from apps.core.money import format_amount, format_money

from . import services
from .models import (AddOn, AddOnRequest, Invoice, InvoiceLine, Payment, Plan, PlanPrice, PromoCode, Subscription,
                     SubscriptionAddOn)


class _ServiceErrors:
    """Show a service's refusal as a message instead of a stack trace."""

    def _run(self, request, fn, **kwargs):
        try:
            return fn(**kwargs)
        except PlatformError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None


# Django's integer boxes are 5em wide: 1000000 shows as "100000" and an operator misreads
# a limit by 10x. Numbers get room for their values (up to 2,147,483,647).
WIDE_NUMBER = {"widget": forms.NumberInput(attrs={"class": "vBigIntegerField", "style": "width: 16ch"})}
WIDE_NUMBERS = {models.IntegerField: WIDE_NUMBER, models.DecimalField: WIDE_NUMBER}


def money_column(field: str, label, currency=lambda obj: obj.currency):
    """An admin column / read-only field showing `field` as money ("₩22,000")."""

    @admin.display(description=label, ordering=field)
    def column(self, obj):
        return format_money(getattr(obj, field), currency(obj))

    return column


class PlanPriceInline(admin.TabularInline):
    model = PlanPrice
    extra = 0
    fields = ["effective_from", "price", "commission_rate", "note", "created_by", "created_at"]
    readonly_fields = fields
    price = money_column("amount", _("price per period"))
    can_delete = False
    verbose_name_plural = _("price history (add a version under Plan prices)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan, site=ops_admin)
class PlanAdmin(admin.ModelAdmin):
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
        from django.utils import timezone

        today = timezone.localdate()
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
        services.plan_save(plan=obj, actor=request.user)


@admin.register(PlanPrice, site=ops_admin)
class PlanPriceAdmin(admin.ModelAdmin):
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
            services.plan_price_set(plan=obj.plan, amount=obj.amount, currency=obj.currency,
                                    commission_rate=obj.commission_rate, effective_from=obj.effective_from,
                                    note=obj.note, actor=request.user)
        except services.PricingForbidden as exc:
            raise PermissionDenied(exc.message) from exc

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                effective = cleaned.get("effective_from")
                from django.utils import timezone

                if effective and effective < timezone.localdate():
                    self.add_error("effective_from", _("A new price can take effect today or later, not in the past."))
                return cleaned

        return CheckedForm


@admin.register(AddOn, site=ops_admin)
class AddOnAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "price_display", "limit_key", "limit_increase", "feature_flag", "is_active"]
    list_filter = ["is_active", "limit_key"]
    search_fields = ["code", "name"]
    formfield_overrides = WIDE_NUMBERS
    price_display = money_column("price", _("price per period"))

    def save_model(self, request, obj, form, change):
        try:
            services.addon_save(addon=obj, actor=request.user)
        except services.PricingForbidden as exc:
            raise PermissionDenied(exc.message) from exc


@admin.register(PromoCode, site=ops_admin)
class PromoCodeAdmin(admin.ModelAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.promo_saved(promo=form.instance, actor=request.user, created=not change)


class SubscriptionAddOnInline(admin.TabularInline):
    model = SubscriptionAddOn
    extra = 0
    fields = ["addon", "quantity", "added_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription, site=ops_admin)
class SubscriptionAdmin(admin.ModelAdmin):
    """Read-only: the plan changes through the tenant's "Change plan" action (billing
    service: proration, audit, limits), the rest through payments and dunning."""

    list_display = ["tenant", "plan", "status", "current_period_start", "current_period_end", "trial_ends_on",
                    "promo", "next_retry_at"]
    list_filter = ["status", "plan"]
    search_fields = ["tenant__slug", "tenant__name"]
    list_select_related = ["tenant", "plan", "promo"]
    inlines = [SubscriptionAddOnInline]
    fields = ["tenant", "plan", "status", "current_period_start", "current_period_end", "trial_ends_on",
              "payment_method", "promo", "promo_periods_used", "credit_display", "past_due_since", "dunning_attempts",
              "next_retry_at", "created_at"]
    readonly_fields = fields
    credit_display = money_column("credit", _("credit"), currency=lambda obj: _subscription_currency(obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _subscription_currency(subscription) -> str:
    price = subscription.plan.prices.order_by("-effective_from").first()
    return price.currency if price else "KRW"


def _line_currency(line) -> str:
    return line.invoice.currency


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["kind", "description", "quantity", "unit_price", "line_amount"]
    readonly_fields = fields
    can_delete = False
    unit_price = money_column("unit_amount", _("unit amount"), currency=_line_currency)
    line_amount = money_column("amount", _("amount"), currency=_line_currency)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["reference", "provider", "amount_display", "status", "failure_reason", "off_session", "created_at",
              "completed_at"]
    readonly_fields = fields
    can_delete = False
    amount_display = money_column("amount", _("amount"))

    def has_add_permission(self, request, obj=None):
        return False


class InvoiceMoney:
    """The invoice's amounts as people read them."""

    subtotal_display = money_column("subtotal", _("subtotal"))
    discount_display = money_column("discount", _("discount"))
    tax_display = money_column("tax", _("tax"))
    total_display = money_column("total", _("total"))


@admin.register(Invoice, site=ops_admin)
class InvoiceAdmin(InvoiceMoney, _ServiceErrors, admin.ModelAdmin):
    list_display = ["number", "tenant", "status", "issue_date", "due_date", "subtotal_display", "discount_display",
                    "tax_display", "total_display", "paid_at"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "tenant__slug"]
    list_select_related = ["tenant"]
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline, PaymentInline]
    readonly_fields = ["number", "tenant", "subscription", "status", "issue_date", "due_date", "period_start",
                       "period_end", "subtotal_display", "discount_display", "tax_display", "total_display",
                       "paid_at", "created_at"]
    fields = readonly_fields
    actions = ["void"]

    def has_add_permission(self, request):
        return False

    def has_void_permission(self, request):
        return request.user.has_perm("billing.change_pricing")

    @admin.action(description=_("Void (issued in error)"), permissions=["void"])
    def void(self, request, queryset):
        for invoice in queryset:
            if self._run(request, services.invoice_void, invoice=invoice, actor=request.user,
                         reason=str(_("Voided in the ops portal"))):
                self.message_user(request, _("Invoice %(number)s voided.") % {"number": invoice.number})

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AddOnRequest, site=ops_admin)
class AddOnRequestAdmin(_ServiceErrors, admin.ModelAdmin):
    list_display = ["tenant", "addon", "quantity", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "addon"]
    search_fields = ["tenant__slug", "note"]
    list_select_related = ["tenant", "addon", "requested_by", "decided_by"]
    readonly_fields = ["tenant", "addon", "quantity", "note", "status", "requested_by", "requested_at",
                       "decided_by", "decided_at", "decision_note"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("billing.decide_addonrequest")

    def _decide(self, request, queryset, approve: bool):
        for addon_request in queryset:
            if self._run(request, services.addon_request_decide, addon_request=addon_request, approve=approve,
                         actor=request.user):
                self.message_user(request, _("%(request)s: %(status)s.") % {
                    "request": addon_request, "status": _("approved") if approve else _("rejected")})

    @admin.action(description=_("Approve (adds the add-on to the subscription)"), permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject"), permissions=["decide"])
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


# --- Tenant admin: the owner requests add-ons -------------------------------------------------


class TenantAddOnRequestForm(forms.ModelForm):
    class Meta:
        model = AddOnRequest
        fields = ["addon", "quantity", "note"]

    def clean(self):
        cleaned = super().clean()
        addon = cleaned.get("addon")
        if addon and AddOnRequest.objects.filter(tenant=self.tenant, addon=addon,
                                                 status=AddOnRequest.Status.PENDING).exists():
            self.add_error("addon", _("You already have a pending request for this add-on."))
        return cleaned


class TenantAddOnRequestAdmin(admin.ModelAdmin):
    """Only the workspace owner requests add-ons (they change the bill)."""

    form = TenantAddOnRequestForm
    list_display = ["addon", "quantity", "status", "requested_at", "decided_at", "decision_note"]
    fields = ["addon", "quantity", "note"]
    list_select_related = ["addon"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "addon":
            kwargs["queryset"] = AddOn.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.tenant = request.tenant
        return form

    def _is_owner(self, request) -> bool:
        tenant = getattr(request, "tenant", None)
        return tenant is not None and request.user.is_active and tenant.owner_id == request.user.pk

    def has_module_permission(self, request):
        return self._is_owner(request)

    def has_view_permission(self, request, obj=None):
        return self._is_owner(request)

    def has_add_permission(self, request):
        return self._is_owner(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.addon_request_create(tenant=request.tenant, addon=obj.addon, quantity=obj.quantity,
                                                note=obj.note, user=request.user)
        obj.pk, obj.tenant = created.pk, created.tenant


tenant_admin.register(AddOnRequest, TenantAddOnRequestAdmin)


# --- Tenant admin: the owner reads the workspace's invoices ----------------------------------


class TenantInvoiceLineInline(InvoiceLineInline):
    fields = ["description", "quantity", "unit_price", "line_amount"]
    readonly_fields = fields


class TenantInvoiceAdmin(InvoiceMoney, admin.ModelAdmin):
    """The owner's invoices (the links in billing e-mails lead here). Read-only."""

    list_display = ["number", "status", "issue_date", "due_date", "total_display", "paid_at"]
    list_filter = ["status"]
    fields = ["number", "status", "issue_date", "due_date", "period_start", "period_end", "subtotal_display",
              "discount_display", "tax_display", "total_display", "paid_at"]
    readonly_fields = fields
    inlines = [TenantInvoiceLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    def _is_owner(self, request) -> bool:
        tenant = getattr(request, "tenant", None)
        return tenant is not None and request.user.is_active and tenant.owner_id == request.user.pk

    def has_module_permission(self, request):
        return self._is_owner(request)

    def has_view_permission(self, request, obj=None):
        return self._is_owner(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


tenant_admin.register(Invoice, TenantInvoiceAdmin)
