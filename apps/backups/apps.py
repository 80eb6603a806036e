from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "apps.backups"
    verbose_name = _("Backups")

    def ready(self):
        from . import labels

        labels.register()  # the audit actions it writes, as people read them
