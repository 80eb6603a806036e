"""Notifications' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import InvalidData, NotFound, PlatformError


class TemplateInvalid(InvalidData):
    """`details` names the field (subject, body) and the line of the mistake."""

    code = "notification_template_invalid"
    message = _("The message template has a mistake.")


class UnknownEvent(InvalidData):
    code = "notification_unknown_event"
    message = _("There is no such event.")


class UnknownAudience(InvalidData):
    code = "notification_unknown_audience"
    message = _("This event has no such audience.")


class TemplateExists(PlatformError):
    code = "notification_template_exists"
    status = 409
    message = _("There is already a template for this event, audience, channel and language.")


class NotificationNotFound(NotFound):
    message = _("There is no such notification.")


class PersonRequired(PlatformError):
    code = "notification_person_required"
    status = 403
    message = _("Notifications are for people: log in with your own account, not an API key.")


class NoEmailAddress(PlatformError):
    code = "notification_no_email"
    status = 400
    message = _("Your account has no e-mail address to send the test to.")
