from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"
    verbose_name = _("Tenants")

    def ready(self):
        from . import labels, signals  # noqa: F401

        labels.register()  # the audit actions it writes, as people read them
