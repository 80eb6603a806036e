from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "apps.branches"
    label = "branches"
    verbose_name = _("Branches")

    def ready(self):
        from . import dashboard  # the app's cards, setup steps and meters on the tenant admin's home

        dashboard.register()

        from . import labels  # the audit actions it writes, as people read them

        labels.register()
