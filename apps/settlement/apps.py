from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "apps.settlement"
    label = "settlement"
    verbose_name = _("Settlement")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
