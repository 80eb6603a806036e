from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlagsConfig(AppConfig):
    name = "apps.flags"
    label = "flags"
    verbose_name = _("Feature flags")

    def ready(self):
        from . import industry  # noqa: F401  registers the industry template's default_flags part
