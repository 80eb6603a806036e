from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "apps.workspace"
    label = "workspace"
    verbose_name = _("Workspace settings")

    def ready(self):
        # A refused login names the end of the lock in the workspace's time zone
        # (apps.accounts.lockout, a lower layer that cannot import this app).
        from apps.accounts.lockout import workspace_zone_register

        from . import dashboard
        from .services import workspace_settings_get

        workspace_zone_register(lambda: workspace_settings_get().timezone)
        dashboard.register()  # the setup step and the storage meter on the tenant admin's home

        from . import labels  # the audit actions it writes, as people read them

        labels.register()

        from . import cors  # the workspace's CORS allow-list (django-cors-headers' signal)

        cors.connect()
