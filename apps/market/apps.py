from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "apps.market"
    label = "market"
    verbose_name = _("Service market")

    def ready(self):
        from . import labels, schema  # noqa: F401  (schema: registers the OpenAPI security scheme)

        labels.register()  # the audit actions it writes, as people read them
