from django.utils import timezone
from rest_framework import serializers

from apps.core.serializers import ModelSerializer

from .models import Attempt, WebhookEndpoint


class EndpointOutput(ModelSerializer):
    status = serializers.SerializerMethodField()
    secret_hint = serializers.SerializerMethodField(help_text="The end of the secret that signs now (never all).")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "status", "disabled_at", "disabled_reason",
                  "failing_since", "uses_workspace_secret", "secret_hint", "created_at", "updated_at"]

    def get_status(self, endpoint) -> str:
        return "active" if endpoint.is_active else "disabled"

    def get_secret_hint(self, endpoint) -> str | None:
        if endpoint.uses_workspace_secret:
            return None
        now = timezone.now()
        secrets = getattr(endpoint, "secret_list", None)
        if secrets is None:
            secrets = list(endpoint.secrets.order_by("-id"))
        current = [secret for secret in secrets if secret.expires_at is None or secret.expires_at > now]
        return current[0].hint if current else None


class EndpointCreatedOutput(EndpointOutput):
    secret = serializers.CharField(allow_null=True, help_text=(
        "The endpoint's signing secret (whsec_...). Shown only now: store it safely. Null when it signs with "
        "the workspace's secret."))

    class Meta(EndpointOutput.Meta):
        fields = [*EndpointOutput.Meta.fields, "secret"]


class EndpointInput(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="A public http(s) URL.")
    events = serializers.ListField(child=serializers.CharField(max_length=80), required=False, default=list,
                                   help_text="Event names (GET /api/v1/webhook-events/); empty: every event.")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    uses_workspace_secret = serializers.BooleanField(
        required=False, default=False, help_text="Sign with the workspace's signing secret instead of a new one.")


class EndpointUpdateInput(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False)
    events = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SecretOutput(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret (whsec_...). Shown only now.")
    previous_signs_until = serializers.DateTimeField(
        help_text="Until then messages carry a signature with the previous secret too.")


class ReplayInput(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="Send again everything not delivered since then.")
    message = serializers.CharField(required=False, max_length=40, help_text="A message id (msg_...).")


class ReplayOutput(serializers.Serializer):
    messages = serializers.IntegerField(help_text="How many messages are sent again.")
    status = serializers.CharField()


class AttemptOutput(ModelSerializer):
    message = serializers.SerializerMethodField()
    event = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = ["id", "message", "event", "attempted_at", "url", "status_code", "latency_ms", "succeeded",
                  "will_retry", "error", "response_body"]

    def get_message(self, attempt) -> str:
        return attempt.delivery.event.message_id

    def get_event(self, attempt) -> str:
        return attempt.delivery.event.name


class EventTypeOutput(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.IntegerField()
    description = serializers.CharField()
    group = serializers.CharField()
    schema = serializers.DictField(help_text="JSON schema of the message's `data`.")
    example = serializers.DictField(help_text="An example `data`.")
