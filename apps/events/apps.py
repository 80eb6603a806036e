from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        # Every app declares the events it publishes in `apps/<app>/events.py`
        # (apps.events.catalogue); the catalogue is complete once the apps are loaded.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("events")
