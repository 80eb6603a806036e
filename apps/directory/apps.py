from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "apps.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
