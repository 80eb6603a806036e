"""A tenant host (`<slug>.<BASE_DOMAIN>`): tenant admin and tenant API."""

from django.urls import include, path

from apps.core.admin_sites import tenant_admin
from apps.core.views import tenant_home

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    path("", tenant_home, name="home"),
    path("admin/", tenant_admin.urls),
    path("api/v1/", include("apps.accounts.urls")),
    *common_urlpatterns,
]

handler404 = "apps.core.errors.not_found_view"
handler500 = "apps.core.errors.server_error_view"
handler403 = "apps.core.errors.permission_denied_view"
