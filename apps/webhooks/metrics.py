"""Outbound webhook deliveries in Prometheus (apps.core.metrics): one count per attempt by
what became of it: succeeded, retrying (another attempt is scheduled), failed (for good),
or abandoned (the endpoint was deleted while the request was under way)."""

from prometheus_client import Counter

WEBHOOK_ATTEMPTS = Counter("platform_webhook_delivery_attempts_total",
                           "Outbound webhook delivery attempts by outcome (succeeded, retrying, failed, abandoned).",
                           ["outcome"])
