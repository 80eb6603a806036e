from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlagsConfig(AppConfig):
    name = "apps.flags"
    label = "flags"
    verbose_name = _("Feature flags")

    def ready(self):
        from . import industry, labels  # noqa: F401  industry: registers the industry template's default_flags part

        labels.register()  # the audit actions it writes, as people read them
