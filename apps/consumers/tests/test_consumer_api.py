"""The consumer API (ConsumerApi): a person with an active customer membership here and
their CRM customer; never staff endpoints, never the admin; nothing of another workspace."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.models import Membership
from apps.audit.models import AuditEvent
from apps.consumers.models import Consent
from apps.crm.models import Customer
from tests.plugin import PASSWORD, client_for, obtain_tokens
from tests.workspace import api, api_key_client

from .conftest import JSON, NEW_PASSWORD, consumer_client, register

STAFF_ENDPOINTS = [("get", "/api/v1/customers/"), ("get", "/api/v1/branches/"), ("get", "/api/v1/staff/"),
                   ("get", "/api/v1/settings/"), ("get", "/api/v1/listing/"), ("get", "/api/v1/roles/"),
                   ("post", "/api/v1/branches/")]


def test_profile(registered):
    body, client = registered
    profile = client.get("/api/v1/my/profile/").json()
    assert profile == {"customer": body["customer"], "email": "minji@example.com", "email_verified": False,
                       "name": "Kim Minji", "phone": "+821023456789", "birth_date": None, "language": "ko",
                       "marketing_consent": True, "marketing_consent_at": profile["marketing_consent_at"]}


def test_profile_changes_and_marketing_consent_is_recorded(registered, tenant_alpha):
    body, client = registered
    response = client.patch("/api/v1/my/profile/", {"name": "Kim Min-ji", "phone": "010-9999-8888",
                                                     "language": "en", "marketing_consent": False},
                            content_type=JSON, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200, response.content
    profile = response.json()
    assert (profile["name"], profile["phone"], profile["language"], profile["marketing_consent"]) == (
        "Kim Min-ji", "+821099998888", "en", False)
    with schema_context("alpha"):
        customer = Customer.objects.get(pk=body["customer"])
        latest = Consent.objects.filter(customer=customer, kind="marketing").first()
    assert customer.name == "Kim Min-ji" and customer.marketing_consent is False
    assert latest.granted is False and latest.ip == "203.0.113.9"
    event = AuditEvent.objects.get(action="consumer.consent_changed", tenant=tenant_alpha)
    assert event.metadata == {"kind": "marketing", "granted": False, "version": latest.version}
    assert AuditEvent.objects.filter(action="customer.updated", target_id=str(customer.pk)).exists()
    # the same answer again records nothing new
    client.patch("/api/v1/my/profile/", {"marketing_consent": False}, content_type=JSON)
    with schema_context("alpha"):
        assert Consent.objects.filter(customer=customer, kind="marketing").count() == 2


def test_profile_bad_input(registered):
    _body, client = registered
    for data, field in (({"phone": "12"}, "phone"), ({"language": "fr"}, "language"), ({"name": ""}, "name"),
                        ({"marketing_consent": "maybe"}, "marketing_consent")):
        response = client.patch("/api/v1/my/profile/", data, content_type=JSON)
        assert response.status_code == 400 and field in response.json()["error"]["details"], data


def test_consents_newest_first_with_constant_queries(registered):
    _body, client = registered
    for granted in (False, True, False):
        client.patch("/api/v1/my/profile/", {"marketing_consent": granted}, content_type=JSON)
    listed = client.get("/api/v1/my/consents/").json()["results"]
    assert [(c["kind"], c["granted"]) for c in listed[:3]] == [("marketing", False), ("marketing", True),
                                                               ("marketing", False)]
    assert {c["kind"] for c in listed} == {"terms", "privacy", "marketing"}
    assert listed[0]["kind_label"] == "Marketing messages"
    korean = client.get("/api/v1/my/consents/", HTTP_ACCEPT_LANGUAGE="ko").json()["results"]
    assert korean[0]["kind_label"] != "Marketing messages"

    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/my/consents/?page_size={page_size}").status_code == 200
        return len(captured)

    assert queries(1) == queries(6)


def test_the_customer_is_one_query(registered):
    from rest_framework.test import APIRequestFactory

    from apps.accounts.models import User
    from apps.consumers.api import request_customer

    user = User.objects.get(email="minji@example.com")
    request = APIRequestFactory().get("/")
    request.user = user
    with schema_context("alpha"), CaptureQueriesContext(connection) as captured:
        customer = request_customer(request)
        assert request_customer(request) is customer  # cached per request
    assert customer.email == "minji@example.com" and len(captured) == 1


def test_consumers_never_reach_staff_endpoints(registered):
    _body, client = registered
    for method, path in STAFF_ENDPOINTS:
        response = getattr(client, method)(path, {}, content_type=JSON) if method != "get" else client.get(path)
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["error"]["code"] == "permission_denied", path


def test_consumers_never_enter_the_admin(registered):
    client = client_for("alpha")
    response = client.post("/admin/login/", {"username": "minji@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 200  # the form again, with why
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/crm/customer/").status_code == 302


def test_who_is_not_a_consumer(registered, owner_alpha):
    anonymous = client_for("alpha").get("/api/v1/my/profile/")
    assert anonymous.status_code == 401
    staff = api("alpha", "owner@alpha.test").get("/api/v1/my/profile/")
    assert staff.status_code == 403 and staff.json()["error"]["code"] == "not_a_consumer"
    key_client, _key = api_key_client("alpha", ["customer:view"])
    keyed = key_client.get("/api/v1/my/consents/")
    assert keyed.status_code == 403 and keyed.json()["error"]["code"] == "not_a_consumer"


def test_a_consumer_whose_customer_was_deleted_is_not_a_consumer(registered):
    body, client = registered
    with schema_context("alpha"):
        from django.utils import timezone

        Customer.objects.filter(pk=body["customer"]).update(deleted_at=timezone.now())
    response = client.get("/api/v1/my/profile/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_consumer"


def test_a_suspended_consumer_is_refused(registered, tenant_alpha):
    _body, client = registered
    Membership.objects.filter(user__email="minji@example.com", tenant=tenant_alpha).update(status="suspended")
    assert client.get("/api/v1/my/profile/").status_code in (401, 403)


def test_staff_who_are_customers_work_as_consumers(db, owner_alpha, tenant_alpha):
    response = register(email="owner@alpha.test", password=PASSWORD, name="Alpha Owner")
    assert response.status_code == 201, response.content
    client = api("alpha", "owner@alpha.test")
    profile = client.get("/api/v1/my/profile/")
    assert profile.status_code == 200 and profile.json()["name"] == "Alpha Owner"
    assert client.get("/api/v1/customers/").status_code == 200  # still staff


def test_a_consumer_of_alpha_gets_nothing_on_beta(registered):
    body, _client = registered
    on_beta = consumer_client("beta", body["tokens"]["access"])
    for path in ("/api/v1/my/profile/", "/api/v1/my/consents/", "/api/v1/customers/"):
        response = on_beta.get(path)
        assert response.status_code == 401 and "minji" not in response.content.decode(), path
    # logging in on beta: not a member there
    response = client_for("beta").post("/api/v1/auth/token/", {"email": "minji@example.com",
                                                               "password": NEW_PASSWORD}, content_type=JSON)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_member"


def test_staff_of_beta_as_customer_of_alpha_sees_only_their_own(db, two_tenant_person):
    """A customer membership without a CRM customer (nothing registered) is not enough."""
    tokens = obtain_tokens("beta", "both@two-tenants.test")
    response = consumer_client("beta", tokens["access"]).get("/api/v1/my/profile/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_consumer"
