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


def failures_by_schema(since) -> dict[str, dict[str, int]]:
    """{schema: {"failed": deliveries that failed for good since `since`, "disabled":
    endpoints disabled now}} for the schemas that have any, across all workspaces in two
    queries per 200 schemas (the ops portal's card)."""
    from apps.core.schemas import across_schemas

    found: dict[str, dict[str, int]] = {}
    failed = across_schemas("webhooks_delivery", "count(*) FROM {table} WHERE status = 'failed' "
                                                 "AND last_attempt_at >= %s", [since])
    disabled = across_schemas("webhooks_webhookendpoint", "count(*) FROM {table} WHERE disabled_at IS NOT NULL")
    for key, rows in (("failed", failed), ("disabled", disabled)):
        for schema, count in rows:
            if count:
                found.setdefault(schema, {"failed": 0, "disabled": 0})[key] = count
    return found
