"""Notification deliveries in Prometheus (apps.core.metrics): one count per sending attempt
by channel (email, sms, alimtalk, in_app) and outcome (sent, retrying, failed)."""

from prometheus_client import Counter

NOTIFICATION_ATTEMPTS = Counter("platform_notification_deliveries_total",
                                "Notification sending attempts by channel and outcome (sent, retrying, failed).",
                                ["channel", "outcome"])
