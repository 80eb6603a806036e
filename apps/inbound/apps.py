from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "apps.inbound"
    label = "inbound"
    verbose_name = _("Inbound webhooks")

    def ready(self):
        from .registry import autodiscover

        autodiscover()

        from . import labels  # the audit actions it writes, as people read them

        labels.register()
