"""Perf-only URLconf of a tenant host: the tenant URLconf plus a trivial DRF view
(AllowAny, no database) at /api/v1/perf/ok/ and /perf/ok/ (outside /api/)."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_.urls_tenant import urlpatterns as tenant_urlpatterns


class OkView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


trivial_urlpatterns = [
    path("api/v1/perf/ok/", OkView.as_view(), name="perf-ok-api"),
    path("perf/ok/", OkView.as_view(), name="perf-ok"),
]
urlpatterns = [*trivial_urlpatterns, *tenant_urlpatterns]
handler404 = "apps.core.errors.not_found_view"
handler500 = "apps.core.errors.server_error_view"
handler403 = "apps.core.errors.permission_denied_view"
