from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoletemplatesConfig(AppConfig):
    name = "apps.roletemplates"
    label = "roletemplates"
    verbose_name = _("Role templates")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
