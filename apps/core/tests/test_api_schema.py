"""Each host serves the OpenAPI schema of its own API, complete and with the error
responses the API really gives; tenant-only authentication never runs on the public host;
every unknown path under /api/ answers in the error shape, also with DEBUG on."""

import importlib

import pytest
from django.test import override_settings
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.views import APIView

from apps.core.authentication import TenantOnlyAuthentication
from apps.core.tests.test_errors import assert_error_shape
from tests.plugin import client_for, obtain_tokens

PLATFORM_PATHS = {"/api/v1/platform/signup/", "/api/v1/platform/tenants/status/{public_id}/",
                  "/api/v1/platform/tenants/", "/api/v1/platform/webhooks/service-market/",
                  "/api/v1/platform/webhooks/payments/", "/api/v1/directory/", "/api/v1/directory/{slug}/",
                  "/api/v1/platform/webhooks/merchant-payments/", "/api/v1/platform/introspect/"}
METHODS = ("get", "post", "put", "patch", "delete")


def schema_of(slug):
    response = client_for(slug).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def api_endpoints(urlconf: str) -> set[str]:
    """Every DRF endpoint the host's URLconf routes to (drf-spectacular's own walk)."""
    found = set()
    for path, _regex, _method, _view in EndpointEnumerator(urlconf=urlconf).get_api_endpoints():
        if path.startswith("/api/v1/"):
            found.add(path)
    return found


def test_public_host_serves_the_platform_api(db):
    schema = schema_of(None)
    assert schema["info"]["title"] == "Platform API"
    assert set(schema["paths"]) == PLATFORM_PATHS
    assert "platformApiKeyAuth" in schema["components"]["securitySchemes"]
    assert schema["paths"]["/api/v1/platform/tenants/"]["post"]["security"] == [{"platformApiKeyAuth": []}]
    for path, method, operation in operations(schema):
        contents = [*operation.get("requestBody", {}).get("content", {}).values(),
                    *(c for r in operation["responses"].values() for c in r.get("content", {}).values())]
        assert any("examples" in content for content in contents), f"{method} {path} has no example"
    webhook = schema["paths"]["/api/v1/platform/webhooks/payments/"]["post"]
    assert {p["name"] for p in webhook["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}


def test_tenant_host_serves_the_workspace_api(db):
    schema = schema_of("alpha")
    assert schema["info"]["title"] == "Workspace API"
    paths = set(schema["paths"])
    assert not any(path.startswith("/api/v1/platform/") for path in paths)
    assert {"/api/v1/customers/", "/api/v1/auth/token/", "/api/v1/api-keys/", "/api/v1/me/"} <= paths


@pytest.mark.parametrize("slug, urlconf", [(None, "platform_.urls_public"), ("alpha", "platform_.urls_tenant")])
def test_schema_is_complete(db, slug, urlconf):
    routed = {path.replace("{pk}", "{id}") for path in api_endpoints(urlconf)}
    assert routed and set(schema_of(slug)["paths"]) == routed


@pytest.mark.parametrize("slug", [None, "alpha"])
def test_error_responses_are_documented(db, slug):
    schema = schema_of(slug)
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"403", "404", "406", "429"} <= codes, (method, path)
        if method != "get":
            assert "409" in codes, (method, path)
        error = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}


def test_methods_a_view_refuses_are_not_documented(db):
    """The resend view inherits get/delete from the invitation view but only allows POST."""
    resend = schema_of("alpha")["paths"]["/api/v1/invitations/{id}/resend/"]
    assert set(resend) & set(METHODS) == {"post"}


def test_consumer_actions_document_only_post(db):
    """The withdraw and accept-offer views inherit the list's GET, which they refuse (it was a 500)."""
    paths = schema_of("alpha")["paths"]
    for action in ("withdraw", "accept-offer"):
        assert set(paths[f"/api/v1/my/enrolments/{{id}}/{action}/"]) & set(METHODS) == {"post"}


def test_a_base_class_docstring_describes_no_operation(db):
    """Only a view's own docstring, or its handler's, becomes an operation's description:
    a base's ("Rows of the students the method's grant reaches.") described a dozen."""
    from apps.academy.apis.billing import StudentOwned
    from apps.core.renderers import CsvExportMixin
    from apps.food.apis.common import FoodApi

    leaked = {" ".join(base.__doc__.split()) for base in (StudentOwned, CsvExportMixin, FoodApi)}
    found = [(path, method) for path, method, operation in operations(schema_of("alpha"))
             if " ".join(operation.get("description", "").split()) in leaked]
    assert found == []


def test_customer_branch_name_is_nullable(db):
    customer = schema_of("alpha")["components"]["schemas"]["CustomerOutput"]["properties"]["branch_name"]
    assert customer.get("nullable") is True


# --- Tenant-only authentication on the public host -------------------------------------


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
@pytest.mark.parametrize("debug", [False, True])
def test_api_key_header_on_the_public_host_is_a_401(db, path, debug):
    with override_settings(DEBUG=debug):
        response = client_for(None).get(path, HTTP_AUTHORIZATION="Api-Key x")
    assert response.status_code == 401 and response["Content-Type"] == "application/json"
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert "apikeys_apikey" not in response.content.decode()


def test_bearer_token_of_a_workspace_is_not_read_on_the_public_host(db):
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    response = client_for(None).get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert response.status_code == 200


def test_tenant_only_authentication_steps_aside_without_queries(db, django_assert_num_queries):
    from rest_framework.test import APIRequestFactory

    from apps.accounts.authentication import TenantJWTAuthentication
    from apps.apikeys.authentication import ApiKeyAuthentication
    from apps.tenants.models import Tenant

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION="Api-Key abc.def")
    request.tenant = Tenant.objects.get(schema_name="public")
    with django_assert_num_queries(0):
        assert ApiKeyAuthentication().authenticate(request) is None
        assert TenantJWTAuthentication().authenticate(request) is None


def test_no_public_view_lists_tenant_only_authentication():
    """Every DRF view the public URLconf routes to, as routed (with its as_view() arguments)."""
    from apps.accounts.authentication import TenantJWTAuthentication
    from apps.apikeys.authentication import ApiKeyAuthentication

    assert issubclass(ApiKeyAuthentication, TenantOnlyAuthentication)
    assert issubclass(TenantJWTAuthentication, TenantOnlyAuthentication)
    urlconf = importlib.import_module("platform_.urls_public")
    views = [view for _path, _regex, _method, view in EndpointEnumerator(urlconf=urlconf).get_api_endpoints()]
    views += [p.callback for p in urlconf.urlpatterns if getattr(p, "name", None) in ("api-schema", "api-docs")]
    for view in views:
        assert issubclass(view.cls, APIView)
        for authenticator in view.cls(**view.initkwargs).get_authenticators():
            assert not isinstance(authenticator, TenantOnlyAuthentication), (view.cls, authenticator)
    assert len({view.cls for view in views}) >= 7


# --- Unknown paths under /api/ -----------------------------------------------------------


@pytest.mark.parametrize("slug", [None, "alpha"])
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_paths_answer_in_the_error_shape(db, slug, debug):
    client = client_for(slug, enforce_csrf_checks=True)
    with override_settings(DEBUG=debug):
        for response in (client.get("/api/v1/nothing/", HTTP_ACCEPT="application/json"),
                         client.get("/api/nothing", HTTP_ACCEPT="text/html"),
                         client.get("/api", HTTP_ACCEPT="application/json"),
                         client.post("/api/v1/nothing/", {}, content_type="application/json"),
                         client.delete("/api/v1/customers/not-a-number/")):
            assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("debug", [False, True])
def test_a_known_endpoint_without_its_slash(db, debug):
    client = client_for("alpha")
    with override_settings(DEBUG=debug):
        redirected = client.get("/api/v1/me?x=1")
        posted = client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert redirected.status_code == 301 and redirected["Location"] == "/api/v1/me/?x=1"
    assert_error_shape(posted, 404, "not_found")
    assert posted.json()["error"]["details"] == {"path": "/api/v1/auth/token/"}
