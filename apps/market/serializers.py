from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.billing.models import Plan
from apps.tenants.models import Tenant

from apps.tenants.serializers import BUSINESS_TYPES


class MarketTenantInput(serializers.Serializer):
    tenant_id = serializers.CharField(max_length=40, help_text=_("Becomes the subdomain, e.g. acme."))
    tenant_name = serializers.CharField(max_length=200)
    admin_email = serializers.EmailField()
    admin_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    application_id = serializers.CharField(max_length=100)
    application_kind = serializers.ChoiceField(choices=Tenant.MarketKind.choices)
    business_type = serializers.ChoiceField(choices=BUSINESS_TYPES, required=False, default="service")
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.filter(is_active=True),
                                        required=False, allow_null=True, default=None)
