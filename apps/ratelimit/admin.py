from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.views import ChangeList

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from .limiter import monthly_usage, tenant_limits
from .models import TenantApiUsage


class UsageChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        usage = monthly_usage(tenant_ids=[tenant.pk for tenant in self.result_list])  # one Redis MGET
        for tenant in self.result_list:
            tenant.api_usage = usage.get(tenant.pk, 0)
            tenant.api_limits = tenant_limits(tenant=tenant)


@admin.register(TenantApiUsage, site=ops_admin)
class TenantApiUsageAdmin(ReadOnlyAdminMixin, ModelAdmin):
    # The plan in force is the subscription's (the tenant row keeps only the plan it asked for).
    list_display = ["slug", "name", "plan_in_force", "requests_this_month", "monthly_quota", "quota_used",
                    "per_minute_limit"]
    list_filter = ["subscription__plan", "business_type"]
    search_fields = ["slug", "name"]
    list_select_related = ["subscription__plan"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public")

    def get_changelist(self, request, **kwargs):
        return UsageChangeList

    @admin.display(description=_("plan"), ordering="subscription__plan")
    def plan_in_force(self, obj):
        subscription = getattr(obj, "subscription", None)
        return subscription.plan if subscription is not None else "-"

    @admin.display(description=_("API requests this month"))
    def requests_this_month(self, obj):
        return f"{obj.api_usage:,}"

    @admin.display(description=_("monthly quota"))
    def monthly_quota(self, obj):
        quota = obj.api_limits["api_requests_per_month"]
        return "∞" if quota is None else f"{quota:,}"

    @admin.display(description=_("used"))
    def quota_used(self, obj):
        quota = obj.api_limits["api_requests_per_month"]
        return "-" if not quota else f"{obj.api_usage * 100 / quota:.1f}%"

    @admin.display(description=_("per minute"))
    def per_minute_limit(self, obj):
        limit = obj.api_limits["api_requests_per_minute"]
        return "∞" if limit is None else limit


admin_navigation(ops_admin, "tenants", model=TenantApiUsage, title=_("API usage"), icon="monitoring", order=60)
