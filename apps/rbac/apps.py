from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RbacConfig(AppConfig):
    name = "apps.rbac"
    label = "rbac"
    verbose_name = _("Roles and permissions")

    def ready(self):
        # Platform apps ask apps.authz.sources what a user may do here; roles answer.
        from apps.authz import sources

        from . import selectors

        sources.register(access_for=selectors.access_for, role_keys=selectors.role_keys)

        from . import signals  # cached access snapshots never outlive a write that bypassed the services

        signals.connect()

        from . import labels  # the audit actions it writes, as people read them

        labels.register()
