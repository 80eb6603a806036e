from django.apps import AppConfig


class SiteConfig(AppConfig):
    # No models, so no verbose name: the app never shows in an admin.
    name = "apps.site"
    label = "site"

    def ready(self):
        from apps.core.admin_sites import ops_admin, tenant_admin

        from .admin_sites import OpsPolicy, TenantPolicy
        from .navigation import declare_sections

        ops_admin.policy = OpsPolicy()
        tenant_admin.policy = TenantPolicy()
        declare_sections()
