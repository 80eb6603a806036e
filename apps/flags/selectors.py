import datetime as dt

from django.db.models import Q
from django.utils import timezone

from apps.core.clock import platform_today

from .models import Flag

STALE_AFTER_DAYS = 30


def flags_stale(*, today: dt.date | None = None):
    """Flags to clean up: expired, or unchanged for 30 days and not permanent."""
    today = today or platform_today()
    unchanged_since = timezone.now() - dt.timedelta(days=STALE_AFTER_DAYS)
    return (Flag.objects.filter(Q(expires_on__lt=today) | Q(permanent=False, updated_at__lt=unchanged_since))
            .select_related("owner").order_by("key"))
