from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.billing.models import Plan
from apps.tenants.serializers import BUSINESS_TYPES


class SignupInput(serializers.Serializer):
    business_type = serializers.ChoiceField(choices=BUSINESS_TYPES)
    company_name = serializers.CharField(max_length=200)
    subdomain = serializers.CharField(max_length=40, help_text=_("3-40 lowercase letters, digits and hyphens."))
    owner_email = serializers.EmailField()
    owner_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.filter(is_active=True))
