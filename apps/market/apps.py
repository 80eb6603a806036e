from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "apps.market"
    label = "market"
    verbose_name = _("Service market")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI security scheme)
