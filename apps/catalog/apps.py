from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from . import labels, signals

        labels.register()  # the audit actions it writes, as people read them
        signals.connect()
