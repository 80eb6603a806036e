from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsumersConfig(AppConfig):
    name = "apps.consumers"
    label = "consumers"
    verbose_name = _("Consumers")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
