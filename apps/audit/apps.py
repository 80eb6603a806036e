from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
