from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from apps.core.urls import absolute_url
from apps.tenants.invites import tenant_url

from .models import Tenant

BUSINESS_TYPES = [(value, label) for value, label in Tenant.BusinessType.choices
                  if value != Tenant.BusinessType.PLATFORM]


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
        return tenant_url(tenant, request=self.context["request"])

    def get_status_url(self, tenant) -> str:
        return absolute_url(f"/api/v1/platform/tenants/status/{tenant.public_id}/", request=self.context["request"])


def tenant_status_example(name: str, status: str, display: str) -> OpenApiExample:
    """A `TenantStatusOutput` for the API docs (sign-up, its status)."""
    return OpenApiExample(name, response_only=True, value={
        "tenant_id": "acme", "slug": "acme", "status": status, "status_display": display,
        "tenant_url": "https://acme.example.com/",
        "status_url": "https://example.com/api/v1/platform/tenants/status/1b4e28ba-2fa1-11d2-883f-0016d3cca427/"})
