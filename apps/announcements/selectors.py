from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Announcement


def announcements_shown(*, user, now=None) -> QuerySet[Announcement]:
    """What this person sees at the top of a tenant admin page: published, not ended, not
    withdrawn and not dismissed by them. Newest first."""
    now = now or timezone.now()
    shown = Announcement.objects.filter(published_at__lte=now, withdrawn_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    if getattr(user, "pk", None):
        shown = shown.exclude(dismissals__user=user)
    return shown.order_by("-published_at")
