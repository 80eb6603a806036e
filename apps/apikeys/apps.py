from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApikeysConfig(AppConfig):
    name = "apps.apikeys"
    label = "apikeys"
    verbose_name = _("API keys")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI security schemes)
