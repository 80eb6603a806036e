"""Webhooks in the daily usage table (apps.core.metering): deliveries that reached their
endpoint that day."""

from apps.core.metering import daily_figure

from .models import Delivery

daily_figure("webhook_deliveries", count=lambda start, end: Delivery.objects.filter(
    status=Delivery.Status.SUCCEEDED, delivered_at__gte=start, delivered_at__lt=end).count())
