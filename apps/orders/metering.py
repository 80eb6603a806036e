"""Orders in the daily usage table (apps.core.metering): orders created that day."""

from apps.core.metering import daily_figure

from .models import Order

daily_figure("orders", count=lambda start, end: Order.objects.filter(created_at__gte=start,
                                                                       created_at__lt=end).count())
