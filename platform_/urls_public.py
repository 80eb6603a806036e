"""The public host: ops portal, platform API, health."""

from django.urls import include, path

from apps.core.admin_sites import ops_admin
from apps.core.views import public_home

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    path("", public_home, name="home"),
    path("admin/", ops_admin.urls),
    path("api/v1/platform/", include("apps.tenants.urls")),
    path("api/v1/platform/", include("apps.market.urls")),
    path("", include("apps.billing.urls_public")),
    *common_urlpatterns,
]

handler404 = "apps.core.errors.not_found_view"
handler500 = "apps.core.errors.server_error_view"
handler403 = "apps.core.errors.permission_denied_view"
