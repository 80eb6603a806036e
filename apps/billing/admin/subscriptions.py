"""Subscriptions and add-on requests in the ops portal: read, and requests decided. The
owner's plan and add-on pages in the workspace admin: .owner."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_filters import DateRangeFilter, SelectedRelatedFilter
from apps.core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInline
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from ..addons import addon_request_decide
from ..models import AddOnRequest, Subscription, SubscriptionAddOn
from .common import ServiceErrors, money_column


class SubscriptionAddOnInline(ReadOnlyInline):
    model = SubscriptionAddOn
    fields = ["addon", "quantity", "added_at"]


@admin.register(Subscription, site=ops_admin)
class SubscriptionAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Read-only: the plan changes through the tenant's "Change plan" action (billing
    service: proration, audit, limits), the rest through payments and dunning."""

    list_display = ["tenant", "plan", "status", "current_period_start", "current_period_end", "trial_ends_on",
                    "promo", "next_retry_at"]
    list_filter = ["status", "plan", ("current_period_end", DateRangeFilter.titled(_("renewal date"))),
                   ("tenant", SelectedRelatedFilter)]
    search_fields = ["tenant__slug", "tenant__name", "tenant__owner_email"]
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
    list_filter = ["status", "addon", ("tenant", SelectedRelatedFilter)]
    search_fields = ["tenant__slug", "tenant__name", "note"]
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


admin_navigation(ops_admin, "billing", model=Subscription, icon="autorenew", order=50)
admin_navigation(ops_admin, "billing", model=AddOnRequest, icon="add_task", order=70)
