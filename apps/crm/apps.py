from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "apps.crm"
    label = "crm"
    verbose_name = _("Customers")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
