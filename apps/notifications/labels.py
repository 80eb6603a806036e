"""The audit actions apps.notifications writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "notification_template.created": pgettext_lazy("audit action", "Notification template added"),
        "notification_templates.seeded": pgettext_lazy("audit action", "Notification templates set up"),
        "notification_template.updated": pgettext_lazy("audit action", "Notification template changed"),
        "notification_template.deleted": pgettext_lazy("audit action", "Notification template deleted"),
        "notification_delivery.retried": pgettext_lazy("audit action", "Notification sent again"),
        "notification_preferences.updated": pgettext_lazy("audit action", "Notification preferences changed"),
    })
