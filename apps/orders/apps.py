from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # the standard flow is registered on import, for business modules to extend
        from . import dashboard  # today's orders and sales on the tenant admin's home (imports the flows)

        dashboard.register()

        from . import labels  # the audit actions it writes, as people read them

        labels.register()
