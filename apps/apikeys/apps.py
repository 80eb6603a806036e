from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApikeysConfig(AppConfig):
    name = "apps.apikeys"
    label = "apikeys"
    verbose_name = _("API keys")

    def ready(self):
        from . import dashboard, schema  # noqa: F401  (schema: registers the OpenAPI security schemes)

        dashboard.register()  # the setup step on the tenant admin's home

        from . import labels  # the audit actions it writes, as people read them

        labels.register()

        from . import signals  # a key revoked outside the services is not served from the cache

        signals.connect()
