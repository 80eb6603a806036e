"""Service-market integration: API keys, tenant creation by key, signed webhooks
(signature, replay window, idempotency, malformed, unknown) with the stored outcome."""

import json
import time
import uuid

import pytest
from django.contrib.auth.models import Group
from standardwebhooks.webhooks import Webhook

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import PlatformError
from apps.inbound.models import InboundEvent
from apps.inbound.services import inbound_process
from apps.market.models import PlatformApiKey
from apps.market.services import apikey_issue, apikey_revoke
from apps.tenants.lifecycle import tenant_soft_delete
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from tests.plugin import client_for

WEBHOOK_URL = "/api/v1/platform/webhooks/service-market/"
CREATE_URL = "/api/v1/platform/tenants/"
S = Tenant.Status


@pytest.fixture
def master(db):
    user = User.objects.create_user("master@platform.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return user


@pytest.fixture
def api_key(master):
    _key, raw = apikey_issue(name="Service market", actor=master)
    return raw


def create_body(**overrides):
    return {"tenant_id": "mk-univ", "tenant_name": "K University", "admin_email": "Admin@K-Univ.test",
            "admin_name": "Lee", "application_id": "1042", "application_kind": "service", **overrides}


def test_keys_are_hashed_and_shown_once(master):
    key, raw = apikey_issue(name="Market", actor=master)
    assert raw.startswith("pk_") and raw not in key.key_hash and len(key.key_hash) == 64
    assert not PlatformApiKey.objects.filter(key_hash=raw).exists()
    assert AuditEvent.objects.filter(action="apikey.issued", actor=master).exists()


def test_hq_admin_may_not_issue_keys(db):
    admin = User.objects.create_user("adm@platform.test", "x", is_staff=True)
    admin.groups.add(Group.objects.get(name=HQ_ADMIN))
    with pytest.raises(PlatformError) as exc:
        apikey_issue(name="x", actor=admin)
    assert exc.value.code == "permission_denied"


def test_create_tenant_with_a_key(api_key, django_capture_on_commit_callbacks):
    client = client_for(None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(CREATE_URL, create_body(), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tenant_id"] == "mk-univ" and body["status"] == "provisioning"
    assert body["tenant_url"] == "http://mk-univ.localhost/"
    assert "/api/v1/platform/tenants/status/" in body["status_url"]
    tenant = Tenant.objects.get(slug="mk-univ")
    assert (tenant.market_application_id, tenant.market_tenant_id, tenant.kind, tenant.owner_email) == (
        "1042", "mk-univ", Tenant.Kind.CUSTOMER, "admin@k-univ.test")
    assert tenant.demo_expires_at is None
    assert len([cb for cb in callbacks if "_queue_provisioning" in cb.__qualname__]) == 1
    status = client.get(body["status_url"].replace("http://testserver", ""))
    assert status.status_code == 200 and status.json()["status"] == "provisioning"
    # the same application again: a clear conflict
    again = client.post(CREATE_URL, create_body(tenant_id="mk-other"), content_type="application/json",
                        HTTP_X_API_KEY=api_key)
    assert again.status_code == 409 and again.json()["error"]["code"] == "application_exists"


@pytest.mark.parametrize("header", [None, "Api-Key pk_nope_nope", "Api-Key garbage", "Bearer x"])
def test_create_refused_without_a_valid_key(db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client_for(None).post(CREATE_URL, create_body(), content_type="application/json", **extra)
    assert response.status_code in (401, 403)
    assert "error" in response.json()
    assert not Tenant.objects.filter(slug="mk-univ").exists()


def test_revoked_key_is_refused(master, api_key):
    apikey_revoke(key=PlatformApiKey.objects.get(), actor=master)
    response = client_for(None).post(CREATE_URL, create_body(), content_type="application/json",
                                     HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"


def test_create_validates_input(api_key):
    response = client_for(None).post(CREATE_URL, create_body(tenant_id="www", admin_email="nope",
                                                             application_kind="trial"),
                                     content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {"admin_email", "application_kind"} <= set(error["details"])
    for body, field in [(create_body(tenant_id="x" * 51), "tenant_id"),
                        (create_body(demo_expires_at="2020-01-01T00:00:00Z", application_kind="demo"),
                         "demo_expires_at"),
                        (create_body(demo_expires_at="2099-01-01T00:00:00Z"), "demo_expires_at"),
                        (create_body(demo_expires_at="tomorrow", application_kind="demo"), "demo_expires_at")]:
        response = client_for(None).post(CREATE_URL, body, content_type="application/json",
                                         HTTP_AUTHORIZATION=f"Api-Key {api_key}")
        assert response.status_code == 400, body
        assert field in response.json()["error"]["details"], response.json()
    assert not Tenant.objects.filter(market_application_id="1042").exists()


# --- The market's tenant ids (seeds/003: `univ_8`) and demo tenants -----------------------


def create(api_key, **overrides):
    return client_for(None).post(CREATE_URL, create_body(**overrides), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Api-Key {api_key}")


def test_market_tenant_ids_are_kept_and_become_dns_safe_slugs(api_key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = create(api_key, tenant_id="univ_8")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tenant_id"], body["slug"]) == ("univ_8", "univ-8")
    assert body["tenant_url"] == "http://univ-8.localhost/"
    tenant = Tenant.objects.get(market_tenant_id="univ_8")
    assert (tenant.slug, tenant.schema_name) == ("univ-8", "univ_8")
    event = AuditEvent.objects.get(action="tenant.created", tenant_slug="univ-8")
    assert event.metadata["market_tenant_id"] == "univ_8"
    # the same market id again (another application): a clear conflict, not a second tenant
    again = create(api_key, tenant_id="univ_8", application_id="1043")
    assert again.status_code == 409 and again.json()["error"]["code"] == "tenant_exists"
    assert again.json()["error"]["details"]["slug"] == "univ-8"
    # a different market id that derives to a taken subdomain gets a suffix
    with django_capture_on_commit_callbacks(execute=False):
        other = create(api_key, tenant_id="UNIV-8", application_id="1044")
    assert other.status_code == 201, other.content
    assert (other.json()["tenant_id"], other.json()["slug"]) == ("UNIV-8", "univ-8-2")
    # reserved words and ids that start with a digit become valid subdomains too
    with django_capture_on_commit_callbacks(execute=False):
        assert create(api_key, tenant_id="www", application_id="1045").json()["slug"] == "www-2"
        assert create(api_key, tenant_id="8_univ", application_id="1046").json()["slug"] == "t-8-univ"


@pytest.mark.parametrize("market_id,slug", [
    ("univ_8", "univ-8"), ("demo_7", "demo-7"), ("test_univ", "test-univ"), ("Univ__8__", "univ-8"),
    ("8", "t-8"), ("pg_univ", "t-pg-univ"), ("ab", "ab-t"), ("광주대학교_8", "t-8"), ("a" * 50, "a" * 40),
])
def test_slug_derivation(db, market_id, slug):
    from apps.tenants.services import slug_from_text, validate_slug

    assert slug_from_text(market_id) == slug
    validate_slug(slug)


def test_market_tenant_id_is_unique_among_live_tenants(db):
    from django.core.exceptions import ValidationError

    tenant_create(slug="uq-one", name="One", business_type="service", owner_email="o@uq.test",
                  market_tenant_id="univ_9", market_application_id="9001", provision=False)
    with pytest.raises(ValidationError) as exc:
        tenant_create(slug="uq-two", name="Two", business_type="service", owner_email="o@uq.test",
                      market_tenant_id="univ_9", market_application_id="9002", provision=False)
    assert "service-market tenant id" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        tenant_create(slug="uq-three", name="Three", business_type="service", owner_email="o@uq.test",
                      market_tenant_id="univ_10", market_application_id="9001", provision=False)
    assert "service-market application" in str(exc.value)


def test_demo_application_becomes_a_demo_tenant_with_an_end(api_key, settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    settings.TENANT_DEMO_DAYS = 10
    with django_capture_on_commit_callbacks(execute=False):
        response = create(api_key, tenant_id="demo_7", application_kind="demo")
        given = create(api_key, tenant_id="demo_8", application_id="1050", application_kind="demo",
                       demo_expires_at="2099-03-01T09:00:00+09:00")
    assert response.status_code == 201 and given.status_code == 201, given.content
    tenant = Tenant.objects.get(market_tenant_id="demo_7")
    assert tenant.kind == Tenant.Kind.DEMO
    assert abs(tenant.demo_expires_at - (timezone.now() + timedelta(days=10))) < timedelta(minutes=1)
    assert Tenant.objects.get(market_tenant_id="demo_8").demo_expires_at.isoformat() == "2099-03-01T00:00:00+00:00"


# --- Webhooks --------------------------------------------------------------------------------


def signed(payload, *, secret=None, msg_id=None, timestamp=None, raw=None):
    from django.conf import settings

    body = raw if raw is not None else json.dumps(payload)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    when = timestamp or time.time()
    import datetime

    stamp = datetime.datetime.fromtimestamp(when, tz=datetime.timezone.utc)
    signature = Webhook(secret or settings.SERVICE_MARKET_WEBHOOK_SECRET).sign(msg_id, stamp, body)
    headers = {"HTTP_WEBHOOK_ID": msg_id, "HTTP_WEBHOOK_TIMESTAMP": str(int(when)),
               "HTTP_WEBHOOK_SIGNATURE": signature}
    return body, headers


def post(body, headers):
    return client_for(None).post(WEBHOOK_URL, body, content_type="application/json", **headers)


@pytest.fixture
def market_tenants(tenant_alpha):
    """alpha (active, rolled back after each test) and a requested tenant of the same admin."""
    Tenant.objects.filter(pk=tenant_alpha.pk).update(owner_email="prof@k.test", market_application_id="501",
                                                     market_tenant_id="alpha_1")
    one = Tenant.objects.get(pk=tenant_alpha.pk)
    two = tenant_create(slug="mk-two", name="Two", business_type="academy", owner_email="PROF@k.test",
                        market_application_id="502", market_tenant_id="mk_two", kind=Tenant.Kind.DEMO,
                        provision=False)
    return one, two


def process_latest():
    event = InboundEvent.objects.exclude(status=InboundEvent.Status.REJECTED).latest("id")
    return inbound_process(event_pk=event.pk)


def test_user_deleted_soft_deletes_every_tenant_of_that_admin(market_tenants, django_capture_on_commit_callbacks):
    body, headers = signed({"type": "user.deleted", "data": {"user_id": 77, "email": "prof@k.test"}})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(body, headers)
    assert response.status_code == 202 and response.json()["duplicate"] is False
    assert len(callbacks) == 1  # processing is queued, not done in the request
    assert Tenant.objects.get(slug="alpha").status == S.ACTIVE
    event = process_latest()
    assert event.status == InboundEvent.Status.PROCESSED
    for slug in ("alpha", "mk-two"):
        tenant = Tenant.objects.get(slug=slug)
        assert tenant.status == S.DELETED and "user deleted (user_id=77" in tenant.deleted_reason
    assert AuditEvent.objects.filter(action="tenant.deleted", tenant_slug="alpha", actor=None).exists()
    # the same event again is ignored
    again = post(body, headers)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert InboundEvent.objects.filter(event_id=headers["HTTP_WEBHOOK_ID"]).count() == 1


def test_user_deleted_spares_tenants_the_market_did_not_create(market_tenants, django_capture_on_commit_callbacks):
    own = tenant_create(slug="mk-own", name="Own", business_type="academy", owner_email="prof@k.test",
                        provision=False)  # self-signup / HQ tenant: no market application id
    Tenant.objects.filter(pk=own.pk).update(status=S.ACTIVE)
    body, headers = signed({"type": "user.deleted", "data": {"user_id": 78, "email": "prof@k.test"}})
    with django_capture_on_commit_callbacks(execute=False):
        assert post(body, headers).status_code == 202
    assert process_latest().status == InboundEvent.Status.PROCESSED
    assert Tenant.objects.get(slug="alpha").status == S.DELETED
    assert Tenant.objects.get(slug="mk-own").status == S.ACTIVE


def test_service_cancelled_suspends_the_application_tenant(market_tenants, django_capture_on_commit_callbacks):
    body, headers = signed({"type": "service.cancelled", "data": {"application_id": "501"}})
    with django_capture_on_commit_callbacks(execute=False):
        assert post(body, headers).status_code == 202
    assert process_latest().status == InboundEvent.Status.PROCESSED
    tenant = Tenant.objects.get(slug="alpha")
    assert tenant.status == S.SUSPENDED and "service cancelled" in tenant.suspended_reason
    assert Tenant.objects.get(slug="mk-two").status == S.REQUESTED


def test_handler_failure_is_stored_and_retryable(market_tenants, django_capture_on_commit_callbacks):
    body, headers = signed({"type": "service.cancelled", "data": {"application_id": "999"}})
    with django_capture_on_commit_callbacks(execute=False):
        post(body, headers)
    event = process_latest()
    assert event.status == InboundEvent.Status.FAILED and "no tenant for application 999" in event.error


@pytest.mark.parametrize("case", ["bad_signature", "stale", "future", "missing_headers"])
def test_bad_or_replayed_signatures_are_rejected_and_stored(market_tenants, case):
    payload = {"type": "service.cancelled", "data": {"application_id": "501"}}
    if case == "bad_signature":
        body, headers = signed(payload, secret="whsec_" + "b3RoZXItc2VjcmV0")
    elif case == "stale":
        body, headers = signed(payload, timestamp=time.time() - 6 * 60)
    elif case == "future":
        body, headers = signed(payload, timestamp=time.time() + 6 * 60)
    else:
        body, headers = json.dumps(payload), {}
    response = post(body, headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in ("invalid_signature", "stale_webhook")
    assert InboundEvent.objects.filter(status=InboundEvent.Status.REJECTED).count() == 1
    assert Tenant.objects.get(slug="alpha").status == S.ACTIVE
    assert AuditEvent.objects.filter(action="webhook.signature_failed", category="security").exists()


@pytest.mark.parametrize("raw,code,status", [
    ("{not json", "malformed_payload", 400),
    ('["a list"]', "malformed_payload", 400),
    ('{"type": "user.deleted"}', "malformed_payload", 400),
    ('{"type": "tenant.exploded", "data": {}}', "unknown_event_type", 422),
])
def test_malformed_or_unknown_events_are_rejected(market_tenants, raw, code, status):
    body, headers = signed(None, raw=raw)
    response = post(body, headers)
    assert response.status_code == status and response.json()["error"]["code"] == code
    event = InboundEvent.objects.get(event_id=headers["HTTP_WEBHOOK_ID"])
    assert event.status == InboundEvent.Status.REJECTED
    assert {t.status for t in Tenant.objects.filter(slug__in=["alpha", "mk-two"])} == {S.ACTIVE, S.REQUESTED}


def test_user_deleted_is_idempotent_for_already_deleted_tenants(market_tenants, django_capture_on_commit_callbacks):
    one, _two = market_tenants
    tenant_soft_delete(tenant=one, actor=None, reason="earlier")
    body, headers = signed({"type": "user.deleted", "data": {"user_id": 1, "email": "prof@k.test"}})
    with django_capture_on_commit_callbacks(execute=False):
        post(body, headers)
    assert process_latest().status == InboundEvent.Status.PROCESSED
    assert Tenant.objects.get(slug="alpha").deleted_reason == "earlier"
