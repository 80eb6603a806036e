"""A tenant host (`<slug>.<BASE_DOMAIN>`): tenant admin and tenant API."""

from django.urls import include, path
from rest_framework.settings import api_settings

from apps.accounts.views import sessions_view
from apps.announcements.views import dismiss_view as announcement_dismiss_view
from apps.core.admin_sites import tenant_admin
from apps.graph.views import GraphQLApi
from apps.site.views import set_language, tenant_home
from apps.staff.views import invitation_accept_view
from apps.workspace.export.views import export_download_view
from apps.workspace.views import logo_view

from .urls_common import api_catch_all, schema_urlpatterns
from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    path("", tenant_home, name="home"),
    path("admin/", tenant_admin.urls),
    path("graphql/", GraphQLApi.as_view(), name="graphql"),
    path("api/graphql/", GraphQLApi.as_view(), name="graphql-api-host"),  # the same, on the api. host (X-Tenant)
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("apps.accounts.urls")),
    path("api/v1/", include("apps.rbac.urls")),
    path("api/v1/", include("apps.branches.urls")),
    path("api/v1/", include("apps.staff.urls")),
    path("api/v1/", include("apps.crm.urls")),
    path("api/v1/", include("apps.workspace.urls")),
    path("api/v1/", include("apps.apikeys.urls")),
    path("invite/<str:token>/", invitation_accept_view, name="invitation-accept-page"),
    path("accounts/sessions/", sessions_view, name="account-sessions"),  # before allauth's accounts/
    path("branding/logo/", logo_view, name="workspace-logo"),
    path("exports/download/<str:token>/", export_download_view, name="workspace-export-download"),
    path("announcements/<int:pk>/dismiss/", announcement_dismiss_view, name="announcement-dismiss"),
    path("api/v1/", include("apps.billing.urls")),
    path("api/v1/", include("apps.flags.urls")),
    path("api/v1/", include("apps.catalog.urls")),
    path("api/v1/", include("apps.orders.urls")),
    path("api/v1/", include("apps.coupons.urls")),
    path("api/v1/", include("apps.payments.urls")),
    path("api/v1/", include("apps.settlement.urls")),
    path("api/v1/", include("apps.consumers.urls")),
    path("api/v1/", include("apps.directory.urls")),
    path("api/v1/", include("apps.reviews.urls")),
    path("api/v1/", include("apps.notifications.urls")),
    path("api/v1/", include("apps.webhooks.urls")),
    path("api/v1/", include("apps.academy.urls")),
    path("api/v1/", include("apps.food.urls")),
    *common_urlpatterns,
    *schema_urlpatterns(
        urlconf="platform_.urls_tenant", title="Workspace API",
        description="A workspace's API on its own host: log-in and tokens, roles and permissions, branches, "
                    "staff and invitations, customers, settings, API keys. Authenticate with a bearer token "
                    "from /api/v1/auth/token/ or an `Api-Key` header. The same API answers on the shared host "
                    "`api.<base domain>` for the workspace named in the `X-Tenant: <slug>` header, only with a "
                    "token or API key of that workspace (401 `tenant_header_required` without the header, "
                    "`tenant_header_rejected` for credentials of another workspace or none); only /api/ is "
                    "served there. Every error has the shape "
                    '{"error": {"code": "...", "message": "...", "details": {...}}}.',
        authentication_classes=api_settings.DEFAULT_AUTHENTICATION_CLASSES),
    api_catch_all,
]

handler404 = "apps.core.errors.not_found_view"
handler500 = "apps.core.errors.server_error_view"
handler403 = "apps.core.errors.permission_denied_view"
