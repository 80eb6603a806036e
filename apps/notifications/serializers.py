from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.serializers import ModelSerializer

from .models import Notification, Preference


class NotificationOutput(ModelSerializer):
    event = serializers.CharField(source="event_name", help_text=_("The event it is about, e.g. order.created."))
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "read", "read_at", "created_at"]

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkedOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread and are read now."))
    unread = serializers.IntegerField()


class PreferencesSerializer(ModelSerializer):
    """Every channel is optional on input: one left out keeps its setting."""

    class Meta:
        model = Preference
        fields = ["email", "sms", "alimtalk", "in_app"]
        extra_kwargs = {name: {"required": False} for name in fields}
