from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from apps.events.subscribers import subscriber_register

        from . import labels
        from .delivery import on_event

        subscriber_register("webhooks", on_event)  # every event: endpoints choose theirs
        labels.register()  # the audit actions it writes, as people read them
