from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"
    verbose_name = _("Tenants")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import labels, schema_links, signals  # noqa: F401

        # Once per migrate run (sent for every app; this one is installed everywhere).
        post_migrate.connect(schema_links.after_migrate, sender=self, dispatch_uid="tenants.schema_links")
        labels.register()  # the audit actions it writes, as people read them
