"""Perf-only URLconf of the public host: the public URLconf plus the trivial view."""

from platform_.urls_public import urlpatterns as public_urlpatterns
from tests.perf.urls_perf import trivial_urlpatterns

urlpatterns = [*trivial_urlpatterns, *public_urlpatterns]
handler404 = "apps.core.errors.not_found_view"
handler500 = "apps.core.errors.server_error_view"
handler403 = "apps.core.errors.permission_denied_view"
