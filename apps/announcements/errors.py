from django.utils.translation import gettext_lazy as _
from rest_framework import status

from apps.core.errors import PlatformError


class AnnouncementNotDraft(PlatformError):
    status = status.HTTP_409_CONFLICT
    code = "announcement_not_draft"
    message = _("This announcement is already published.")


class AnnouncementNotPublished(PlatformError):
    status = status.HTTP_409_CONFLICT
    code = "announcement_not_published"
    message = _("Only a published announcement can be withdrawn.")
