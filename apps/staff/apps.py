from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "apps.staff"
    label = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from . import dashboard  # the app's cards, setup steps and meters on the tenant admin's home

        dashboard.register()

        from . import labels  # the audit actions it writes, as people read them

        labels.register()
