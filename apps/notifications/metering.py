"""Notifications in the daily usage table (apps.core.metering): messages sent that day,
on any channel."""

from apps.core.metering import daily_figure

from .models import Delivery

daily_figure("notifications", count=lambda start, end: Delivery.objects.filter(
    status=Delivery.Status.SENT, sent_at__gte=start, sent_at__lt=end).count())
