"""The public host: ops portal, platform API, health."""

from django.urls import include, path

from apps.core.admin_sites import ops_admin
from apps.market.authentication import PlatformApiKeyAuthentication
from apps.site.views import public_home, set_language
from apps.tenants.tls import tls_ask_view

from .urls_common import api_catch_all, schema_urlpatterns
from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    path("", public_home, name="home"),
    path("admin/", ops_admin.urls),
    path("internal/tls/ask", tls_ask_view, name="tls-ask"),  # on any host (ANY_HOST_PATHS)
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/platform/", include("apps.onboarding.urls")),
    path("api/v1/platform/", include("apps.tenants.urls")),
    path("api/v1/platform/", include("apps.market.urls")),
    path("", include("apps.billing.urls_public")),
    path("", include("apps.payments.urls_public")),
    path("api/v1/", include("apps.directory.urls_public")),
    *common_urlpatterns,
    *schema_urlpatterns(
        urlconf="platform_.urls_public", title="Platform API",
        description="The platform's own API on its public host: business sign-up and its status, the service "
                    "market's tenant creation (platform API key) and the inbound webhooks (Standard Webhooks "
                    "signatures). The workspace API is described on each workspace's host. Every error has the "
                    'shape {"error": {"code": "...", "message": "...", "details": {...}}}.',
        authentication_classes=[PlatformApiKeyAuthentication]),
    api_catch_all,
]

handler404 = "apps.core.errors.not_found_view"
handler500 = "apps.core.errors.server_error_view"
handler403 = "apps.core.errors.permission_denied_view"
