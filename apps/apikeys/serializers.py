from rest_framework import serializers

from apps.authz import catalogue
from apps.core.serializers import ModelSerializer

from .models import ApiKey


class ApiKeyOutput(ModelSerializer):
    permissions = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "permissions", "status", "expires_at", "last_used_at", "revoked_at",
                  "created_at"]

    def get_permissions(self, key) -> list[str]:
        return sorted(catalogue.key_for(p.codename, p.content_type.model) for p in key.permissions.all())

    def get_status(self, key) -> str:
        if key.revoked_at:
            return "revoked"
        return "active" if key.is_usable else "expired"


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(help_text="The full key. Shown only now: store it safely.")

    class Meta(ApiKeyOutput.Meta):
        fields = [*ApiKeyOutput.Meta.fields, "key"]


class ApiKeyInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    permissions = serializers.ListField(child=serializers.CharField(), allow_empty=False,
                                        help_text="resource:action names, e.g. customer:view.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
