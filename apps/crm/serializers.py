from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from apps.branches.models import Branch
from apps.core.serializers import (
    ModelSerializer,
    StoredPhoneField,
    StrictCharField,
    iso_date,
    iso_datetime,
    stored_phone,
    text,
)

from .models import Customer, GuardianContact, Tag

PHONE_HELP = _("A phone number, e.g. 010-1234-5678 (Korean) or +82 10-1234-5678; answered in E.164 (+821012345678).")


class GuardianSerializer(ModelSerializer):
    name = StrictCharField(max_length=150)
    relation = StrictCharField(max_length=50, required=False, allow_blank=True)
    phone = PhoneNumberField(help_text=PHONE_HELP)

    class Meta:
        model = GuardianContact
        fields = ["name", "relation", "phone", "email"]


GUARDIAN_KEYS = GuardianSerializer.Meta.fields  # what customer_rows' guardian_rows hold


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

    def to_representation(self, instance):
        """The fields above, written out: DRF's way (per row, one get_attribute and one
        to_representation call per field and per guardian's field) was about a quarter of
        the 20-row list's time. The same answer as DRF's (apps/crm/tests/test_list_queries.py
        compares them), which the schema still describes from the fields."""
        branch, zone = instance.branch, timezone.get_current_timezone()
        return {
            "id": instance.pk, "name": text(instance.name), "phone": stored_phone(instance.phone),
            "email": text(instance.email), "birth_date": iso_date(instance.birth_date),
            "is_minor": bool(instance.is_minor), "branch": instance.branch_id,
            "branch_name": None if branch is None else text(branch.name),
            "tags": [text(name) for name in instance.tag_names],
            "guardians": [{name: text(row[name]) for name in GUARDIAN_KEYS} for row in instance.guardian_rows],
            "marketing_consent": bool(instance.marketing_consent),
            "marketing_consent_at": iso_datetime(instance.marketing_consent_at, zone), "notes": text(instance.notes),
            "created_at": iso_datetime(instance.created_at, zone),
            "updated_at": iso_datetime(instance.updated_at, zone),
        }


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
