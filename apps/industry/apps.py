from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "apps.industry"
    label = "industry"
    verbose_name = _("Industry templates")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
