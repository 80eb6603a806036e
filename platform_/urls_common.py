"""URLs served on every host: health (live, ready; /health/ is ready's older name), metrics, accounts
(allauth); and the helpers each host's URLconf uses for its own API schema and docs and for the `/api/` catch-all."""

from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.accounts.jwks import jwks_view
from apps.accounts.social.link import social_link_view
from apps.core.errors import api_not_found_view
from apps.core.health import live_view, ready_view
from apps.core.metrics.views import metrics_view
from apps.core.renderers import JsonErrorsMixin

urlpatterns = [
    path("health/live/", live_view, name="health-live"),
    path("health/ready/", ready_view, name="health-ready"),
    path("health/", ready_view, name="health"),
    path("metrics", metrics_view, name="metrics"),  # Prometheus' default path, no slash
    path(".well-known/jwks.json", jwks_view, name="jwks"),  # the keys that verify our tokens
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico")), name="favicon"),
    path("accounts/3rdparty/link/", social_link_view, name="social_link"),  # before allauth's (apps.accounts.social)
    path("accounts/", include("allauth.urls")),
]


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    """The schema (YAML or JSON by Accept); its errors in the error shape."""


class DocsView(JsonErrorsMixin, SpectacularSwaggerView):
    """Swagger UI; its errors in the error shape."""


def schema_urlpatterns(*, urlconf: str, title: str, description: str, authentication_classes) -> list:
    """`/api/schema/` and `/api/docs/` describing exactly the API of `urlconf` (the host's
    own URLconf: drf-spectacular would otherwise read ROOT_URLCONF, the tenant one).
    `authentication_classes`: the host's own, so that no tenant-only authentication runs on
    the public host."""
    settings = {"TITLE": title, "DESCRIPTION": description}
    views = {"authentication_classes": authentication_classes}
    return [
        path("api/schema/", SchemaView.as_view(urlconf=urlconf, custom_settings=settings, **views),
             name="api-schema"),
        path("api/docs/", DocsView.as_view(url_name="api-schema", title=title, **views), name="api-docs"),
    ]


# Last in each URLconf: every unknown path under /api/ answers in the error shape, also with
# DEBUG on (Django's debug 404 page would be HTML).
api_catch_all = re_path(r"^api(?:/|$)", api_not_found_view, name="api-not-found")
