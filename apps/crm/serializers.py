from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.branches.models import Branch

from .models import Customer, GuardianContact, Tag


class GuardianSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuardianContact
        fields = ["name", "relation", "phone", "email"]


class CustomerOutput(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    guardians = GuardianSerializer(many=True, read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True, default=None)
    is_minor = serializers.BooleanField(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "email", "birth_date", "is_minor", "branch", "branch_name", "tags",
                  "guardians", "marketing_consent", "marketing_consent_at", "notes", "created_at", "updated_at"]


class CustomerInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", queryset=Tag.objects.all(), many=True, required=False)
    guardians = GuardianSerializer(many=True, required=False)
    marketing_consent = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


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
