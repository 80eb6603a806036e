"""Subscriptions and add-on requests: read and decided in the ops portal, add-ons
requested by the owner in the workspace admin."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInline
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin, tenant_admin

from ..addons import addon_request_create, addon_request_decide
from ..models import AddOn, AddOnRequest, Subscription, SubscriptionAddOn
from .common import OwnerOnly, ServiceErrors, money_column


class SubscriptionAddOnInline(ReadOnlyInline):
    model = SubscriptionAddOn
    fields = ["addon", "quantity", "added_at"]


@admin.register(Subscription, site=ops_admin)
class SubscriptionAdmin(ReadOnlyAdminMixin, ModelAdmin):
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


def _subscription_currency(subscription) -> str:
    price = subscription.plan.prices.order_by("-effective_from").first()
    return price.currency if price else "KRW"


@admin.register(AddOnRequest, site=ops_admin)
class AddOnRequestAdmin(ReadOnlyAdminMixin, ServiceErrors, ModelAdmin):
    list_display = ["tenant", "addon", "quantity", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "addon"]
    search_fields = ["tenant__slug", "note"]
    list_select_related = ["tenant", "addon", "requested_by", "decided_by"]
    readonly_fields = ["tenant", "addon", "quantity", "note", "status", "requested_by", "requested_at",
                       "decided_by", "decided_at", "decision_note"]
    actions = ["approve", "reject"]

    def has_decide_permission(self, request):
        return request.user.has_perm("billing.decide_addonrequest")

    def _decide(self, request, queryset, approve: bool):
        for addon_request in queryset:
            if self._run(request, addon_request_decide, addon_request=addon_request, approve=approve,
                         actor=request.user):
                self.message_user(request, _("%(request)s: %(status)s.") % {
                    "request": addon_request, "status": _("approved") if approve else _("rejected")})

    @admin.action(description=_("Approve (adds the add-on to the subscription)"), permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject"), permissions=["decide"])
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


# --- Workspace admin: the owner requests add-ons ----------------------------------------------


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


class TenantAddOnRequestAdmin(OwnerOnly, ReadOnlyAdminMixin, ModelAdmin):
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

    def has_add_permission(self, request):
        return self._is_owner(request)

    def save_model(self, request, obj, form, change):
        created = addon_request_create(tenant=request.tenant, addon=obj.addon, quantity=obj.quantity,
                                       note=obj.note, user=request.user)
        obj.pk, obj.tenant = created.pk, created.tenant


tenant_admin.register(AddOnRequest, TenantAddOnRequestAdmin)


admin_navigation(ops_admin, "billing", model=Subscription, icon="autorenew", order=50)
admin_navigation(ops_admin, "billing", model=AddOnRequest, icon="add_task", order=70)
admin_navigation(tenant_admin, "billing", model=AddOnRequest, icon="add_task", order=20)
