from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.billing.models import Plan

from .models import Tenant

BUSINESS_TYPES = [(value, label) for value, label in Tenant.BusinessType.choices
                  if value != Tenant.BusinessType.PLATFORM]


class SignupInput(serializers.Serializer):
    business_type = serializers.ChoiceField(choices=BUSINESS_TYPES)
    company_name = serializers.CharField(max_length=200)
    subdomain = serializers.CharField(max_length=40, help_text=_("3-40 lowercase letters, digits and hyphens."))
    owner_email = serializers.EmailField()
    owner_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.filter(is_active=True))


class TenantStatusOutput(serializers.Serializer):
    tenant_id = serializers.SerializerMethodField(
        help_text=_("The service market's own tenant id for tenants it created (e.g. univ_8), else the slug."))
    slug = serializers.CharField(help_text=_("The subdomain (for the market's tenants derived from its id, "
                                             "e.g. univ-8)."))
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    tenant_url = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    def get_tenant_id(self, tenant) -> str:
        return tenant.market_tenant_id or tenant.slug

    def get_tenant_url(self, tenant) -> str:
        from apps.tenants.invites import tenant_url

        return tenant_url(tenant, request=self.context["request"])

    def get_status_url(self, tenant) -> str:
        from apps.core.urls import absolute_url

        return absolute_url(f"/api/v1/platform/tenants/status/{tenant.public_id}/", request=self.context["request"])
