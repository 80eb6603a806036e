"""End to end through a real Celery worker: self sign-up until the workspace is active,
and the service market creating a tenant by API key and cancelling it by webhook."""

import json
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from standardwebhooks.webhooks import Webhook

from apps.tenants.models import Tenant
from platform_.celery import collect_beat_schedule
from tests.plugin import client_for


def poll(client, url, statuses, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(url).json()
        if body["status"] in statuses:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} stayed {body['status']}")


def test_purge_is_scheduled_by_beat():
    assert collect_beat_schedule()["tenants.purge_expired_tenants"]["task"] == "tenants.purge_expired_tenants"


def test_self_signup_becomes_active_through_the_worker(celery_worker_process, committed):
    from apps.billing.models import Plan

    committed.tenant_slug("flow-sign")
    committed.email("kim@flow-sign.test")
    plan = Plan.objects.create(code="flow-self", name="Flow self", self_signup=True)
    try:
        client = client_for(None)
        response = client.post("/api/v1/platform/signup/", {
            "business_type": "food", "company_name": "Flow Sign Bistro", "subdomain": "flow-sign",
            "owner_email": "kim@flow-sign.test", "owner_name": "Kim", "plan": "flow-self"},
            content_type="application/json")
        assert response.status_code == 201, response.content
        status_path = response.json()["status_url"].replace("http://testserver", "")
        body = poll(client, status_path, {"active", "failed"})
        assert body["status"] == "active", Tenant.objects.get(slug="flow-sign").provisioning_error
        assert client_for("flow-sign").get("/").status_code == 200
    finally:
        committed.cleanup()
        Plan.objects.filter(pk=plan.pk).delete()


def test_service_market_creates_then_cancels_through_the_worker(celery_worker_process, committed):
    from apps.accounts.models import User
    from apps.market.models import PlatformApiKey
    from apps.market.services import apikey_issue

    committed.tenant_slug("flow-mk")
    committed.email("admin@flow-mk.test")
    key, raw = apikey_issue(name="flow test", actor=None)
    try:
        client = client_for(None)
        created = client.post("/api/v1/platform/tenants/", {
            "tenant_id": "flow-mk", "tenant_name": "Flow Market Univ", "admin_email": "admin@flow-mk.test",
            "application_id": "flow-77", "application_kind": "demo"}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {raw}")
        assert created.status_code == 201, created.content
        poll(client, created.json()["status_url"].replace("http://testserver", ""), {"active"})

        body = json.dumps({"type": "service.cancelled", "data": {"application_id": "flow-77"}})
        msg_id = f"msg_{uuid.uuid4().hex}"
        now = datetime.now(tz=UTC)
        signature = Webhook(settings.SERVICE_MARKET_WEBHOOK_SECRET).sign(msg_id, now, body)
        response = client.post("/api/v1/platform/webhooks/service-market/", body, content_type="application/json",
                               HTTP_WEBHOOK_ID=msg_id, HTTP_WEBHOOK_TIMESTAMP=str(int(now.timestamp())),
                               HTTP_WEBHOOK_SIGNATURE=signature)
        assert response.status_code == 202
        tenant = Tenant.objects.get(slug="flow-mk")
        deadline = time.monotonic() + 60
        while tenant.status != Tenant.Status.SUSPENDED and time.monotonic() < deadline:
            time.sleep(0.3)
            tenant.refresh_from_db()
        assert tenant.status == Tenant.Status.SUSPENDED and "service cancelled" in tenant.suspended_reason
        assert client_for("flow-mk").get("/", HTTP_ACCEPT="application/json").status_code == 403
        assert User.objects.filter(email="admin@flow-mk.test").exists()
    finally:
        from apps.inbound.models import InboundEvent

        committed.cleanup()
        PlatformApiKey.objects.filter(pk=key.pk).delete()
        InboundEvent.objects.filter(source="service-market", event_id__startswith="msg_").exclude(
            status="rejected").filter(payload__data__application_id="flow-77").delete()
