from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.billing.models import Plan
from apps.tenants.serializers import BUSINESS_TYPES

APPLICATION_KIND_CHOICES = [("demo", _("Demo")), ("service", _("Service"))]


class MarketTenantInput(serializers.Serializer):
    tenant_id = serializers.CharField(max_length=50, help_text=_(
        "The market's tenant id, e.g. univ_8. It stays the tenant's key for the market; the subdomain is "
        "derived from it (univ-8, with a suffix if taken)."))
    tenant_name = serializers.CharField(max_length=200)
    admin_email = serializers.EmailField()
    admin_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    application_id = serializers.CharField(max_length=100)
    application_kind = serializers.ChoiceField(choices=APPLICATION_KIND_CHOICES)
    business_type = serializers.ChoiceField(choices=BUSINESS_TYPES, required=False, default="service")
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.filter(is_active=True),
                                        required=False, allow_null=True, default=None)
    demo_expires_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text=_("When a demo ends (the market's demo_expires_at). Without it, the platform's usual demo "
                    "length applies."))
