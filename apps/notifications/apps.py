from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from apps.events.subscribers import subscriber_register

        from . import labels, provisioning  # noqa: F401  provisioning: the industry template's notification part
        from .dispatch import handle_event

        labels.register()
        subscriber_register("notifications", handle_event)
