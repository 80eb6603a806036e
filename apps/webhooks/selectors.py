from django.db.models import Prefetch

from apps.events.catalogue import event_types

from .models import Attempt, SigningSecret, WebhookEndpoint


def endpoints():
    """Endpoints with their secrets' hints (one query for all of them)."""
    return WebhookEndpoint.objects.prefetch_related(
        Prefetch("secrets", queryset=SigningSecret.objects.order_by("-id"), to_attr="secret_list"))


def endpoint_attempts(endpoint: WebhookEndpoint):
    return Attempt.objects.filter(endpoint=endpoint).select_related("delivery__event")


def event_catalogue() -> list[dict]:
    return [{"name": event_type.name, "version": event_type.version, "description": str(event_type.description),
             "group": event_type.group, "schema": event_type.schema, "example": event_type.example}
            for event_type in event_types()]
