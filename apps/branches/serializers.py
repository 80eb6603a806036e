from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField

from apps.core.serializers import ModelSerializer, StrictCharField

from .models import Branch


class BranchSerializer(ModelSerializer):
    name = StrictCharField(max_length=120)  # the service's full_clean reports duplicates
    address = StrictCharField(max_length=255, required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True, help_text=_(
        "A phone number, e.g. 02-123-4567 (Korean) or +82 2-123-4567; answered in E.164 (+8221234567)."))
    timezone = StrictCharField(max_length=64, required=False)

    class Meta:
        model = Branch
        fields = ["id", "name", "address", "phone", "opening_hours", "timezone", "is_active", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
