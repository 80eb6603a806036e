from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from apps.branches.models import Branch
from apps.core.serializers import ModelSerializer, StoredPhoneField, StrictCharField

from .models import Customer, GuardianContact, Tag

PHONE_HELP = _("A phone number, e.g. 010-1234-5678 (Korean) or +82 10-1234-5678; answered in E.164 (+821012345678).")


class GuardianSerializer(ModelSerializer):
    name = StrictCharField(max_length=150)
    relation = StrictCharField(max_length=50, required=False, allow_blank=True)
    phone = PhoneNumberField(help_text=PHONE_HELP)

    class Meta:
        model = GuardianContact
        fields = ["name", "relation", "phone", "email"]


class CustomerOutput(ModelSerializer):
    """A customer from apps.crm.selectors.customer_rows (tags and guardians come with the row)."""

    tags = serializers.ListField(child=serializers.CharField(), source="tag_names", read_only=True)
    guardians = GuardianSerializer(many=True, read_only=True, source="guardian_rows")
    phone = StoredPhoneField(help_text=PHONE_HELP)
    branch_name = serializers.CharField(source="branch.name", read_only=True, default=None, allow_null=True)
    is_minor = serializers.BooleanField(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "email", "birth_date", "is_minor", "branch", "branch_name", "tags",
                  "guardians", "marketing_consent", "marketing_consent_at", "notes", "created_at", "updated_at"]


class CustomerInput(serializers.Serializer):
    name = StrictCharField(max_length=150)
    phone = PhoneNumberField(required=False, allow_blank=True, help_text=PHONE_HELP)
    email = serializers.EmailField(required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", queryset=Tag.objects.all(), many=True, required=False)
    guardians = GuardianSerializer(many=True, required=False)
    marketing_consent = serializers.BooleanField(required=False)
    notes = StrictCharField(required=False, allow_blank=True)


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV, UTF-8, with a header row."))
    dry_run = serializers.BooleanField(required=False, default=False)


class ImportError_(serializers.Serializer):
    line = serializers.IntegerField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ImportOutput(serializers.Serializer):
    created = serializers.IntegerField()
    valid = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    errors = ImportError_(many=True)
