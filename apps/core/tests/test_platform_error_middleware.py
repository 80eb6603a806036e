"""A PlatformError escaping a non-API view becomes our error page or JSON with its own
status, never a 500 (apps.core.middleware.PlatformErrorMiddleware)."""

import json

from django.conf import settings
from django.test import RequestFactory

from apps.core.errors import Conflict, InvalidData
from apps.core.middleware import PlatformErrorMiddleware


def _middleware():
    return PlatformErrorMiddleware(lambda request: None)


def test_it_is_installed_after_the_view_middlewares():
    # only django-prometheus' closing middleware after it (it counts exceptions, answers none)
    assert settings.MIDDLEWARE[-2:] == ["apps.core.middleware.PlatformErrorMiddleware",
                                        "django_prometheus.middleware.PrometheusAfterMiddleware"]


def test_a_browser_gets_the_error_page_with_the_status_and_message(rf: RequestFactory):
    request = rf.get("/admin/tenants/tenant/add/", HTTP_ACCEPT="text/html")
    response = _middleware().process_exception(request, Conflict("This address is already taken."))
    assert response.status_code == 409
    assert "This address is already taken." in response.content.decode()


def test_an_api_client_gets_the_error_shape(rf: RequestFactory):
    request = rf.post("/accounts/x/", HTTP_ACCEPT="application/json")
    error = InvalidData("Nope.", details={"field": ["bad"]})
    response = _middleware().process_exception(request, error)
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": {"code": "validation_error", "message": "Nope.",
                                                  "details": {"field": ["bad"]}}}


def test_other_exceptions_are_left_alone(rf: RequestFactory):
    assert _middleware().process_exception(rf.get("/"), ValueError("bug")) is None
