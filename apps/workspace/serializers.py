from rest_framework import serializers

from apps.core.serializers import ModelSerializer

from .models import WorkspaceSettings


class WorkspaceSettingsSerializer(ModelSerializer):
    logo = serializers.FileField(required=False, allow_null=True, use_url=False,
                                 help_text="PNG, JPEG, WebP or GIF, at most 1 MB (multipart upload).")
    logo_url = serializers.SerializerMethodField()
    remove_logo = serializers.BooleanField(required=False, write_only=True)

    class Meta:
        model = WorkspaceSettings
        fields = ["display_name", "legal_name", "business_number", "contact_email", "contact_phone", "address",
                  "logo", "logo_url", "remove_logo", "primary_color", "accent_color", "language", "timezone",
                  "notify_email", "notify_sms", "notify_webhook", "notification_email", "notification_phone",
                  "allowed_origins", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_logo_url(self, row) -> str | None:
        return "/branding/logo/" if row.logo else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data.pop("logo", None)
        return data
