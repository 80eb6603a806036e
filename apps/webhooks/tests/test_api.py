"""The webhook endpoints API: CRUD with audit, the event catalogue, secrets shown once,
refusals in the error shape (unknown events, bad and private URLs, bad replays), and the
workspace permissions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.webhooks.models import SigningSecret, WebhookEndpoint
from tests.workspace import api, make_staff

URL = "/api/v1/webhook-endpoints/"


@pytest.fixture
def owner(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    return api("alpha", "owner@alpha.test")


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code, body
    return body


def actions(endpoint_id):
    with schema_context("alpha"):
        found = list(AuditEvent.objects.filter(target_type="webhooks.webhookendpoint", target_id=str(endpoint_id))
                     .order_by("seq").values_list("action", flat=True))
    connection.set_schema_to_public()
    return found


def test_crud_with_audit_and_the_secret_shown_once(owner):
    created = post(owner, URL, {"url": "http://127.0.0.1:9/hook", "events": ["test.pinged"], "description": "CRM"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["status"] == "active" and body["events"] == ["test.pinged"]
    assert created["Cache-Control"] == "no-store"
    assert body["secret_hint"] == f"whsec_…{body['secret'][-4:]}"
    with schema_context("alpha"):
        stored = SigningSecret.objects.get(endpoint_id=body["id"])
        assert body["secret"] not in stored.encrypted  # encrypted at rest
    connection.set_schema_to_public()

    detail = owner.get(f"{URL}{body['id']}/").json()
    assert "secret" not in detail and detail["secret_hint"] == body["secret_hint"]
    listed = owner.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]

    changed = owner.patch(f"{URL}{body['id']}/", {"events": [], "description": "All"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["events"] == [] and changed.json()["description"] == "All"
    replaced = owner.put(f"{URL}{body['id']}/", {"url": "http://127.0.0.1:8/h", "events": ["test.other"]},
                         content_type="application/json")
    assert replaced.status_code == 200 and replaced.json()["url"] == "http://127.0.0.1:8/h"
    assert owner.delete(f"{URL}{body['id']}/").status_code == 204
    assert owner.get(f"{URL}{body['id']}/").status_code == 404
    assert actions(body["id"]) == ["webhook_endpoint.created", "webhook_endpoint.updated",
                                   "webhook_endpoint.updated", "webhook_endpoint.deleted"]


def test_the_event_catalogue(owner):
    response = owner.get("/api/v1/webhook-events/")
    assert response.status_code == 200
    pinged = next(row for row in response.json() if row["name"] == "test.pinged")
    assert pinged == {"name": "test.pinged", "version": 1, "description": "A test event.", "group": "tests",
                      "schema": pinged["schema"], "example": {"n": 1}}
    assert pinged["schema"]["properties"] == {"n": {"type": "integer"}}


@pytest.mark.parametrize("data, status, code, says", [
    ({"url": "https://example.com/h", "events": ["order.exploded"]}, 400, "webhook_event_unknown", "order.exploded"),
    ({"url": "ftp://example.com/h"}, 400, "webhook_url_invalid", "http"),
    ({"url": "example.com/h"}, 400, "webhook_url_invalid", "http"),
    ({"url": "https://user:pw@example.com/h"}, 400, "webhook_url_invalid", "password"),
    ({"url": "https://no-such-host.invalid/h"}, 400, "webhook_url_invalid", "no-such-host.invalid"),
    ({"url": "http://[::1"}, 400, "webhook_url_invalid", "URL"),
    ({"events": []}, 400, "validation_error", ""),
    ({"url": "https://example.com/h", "events": "test.pinged"}, 400, "validation_error", ""),
    ({"url": "x" * 3000}, 400, "validation_error", ""),
])
def test_bad_input_is_refused_with_a_readable_message(owner, data, status, code, says):
    body = error(post(owner, URL, data), status, code)
    assert says in body["message"]


@pytest.mark.parametrize("url", ["http://127.0.0.1/h", "http://localhost:8000/h", "http://10.0.0.8/h",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/h", "http://192.168.1.1/",
                                 "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"])
def test_private_targets_are_refused_in_production(owner, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    body = error(post(owner, URL, {"url": url}), 400, "webhook_url_invalid")
    assert "public addresses" in body["message"]
    assert body["details"]["url"]


def test_bad_replays(owner):
    endpoint_id = post(owner, URL, {"url": "http://127.0.0.1:9/hook"}).json()["id"]
    replay = f"{URL}{endpoint_id}/replay/"
    error(post(owner, replay, {}), 400, "webhook_replay_invalid")  # active: say what to send
    error(post(owner, replay, {"since": "2026-01-01T00:00:00Z", "message": "msg_x"}), 400, "webhook_replay_invalid")
    error(post(owner, replay, {"since": "2999-01-01T00:00:00Z"}), 400, "webhook_replay_invalid")
    error(post(owner, replay, {"since": "yesterday"}), 400, "validation_error")
    error(post(owner, replay, {"message": "msg_nothing"}), 404, "not_found")
    error(post(owner, replay, {"message": "msg_" + "0" * 32}), 404, "not_found")
    error(post(owner, f"{URL}999999/replay/", {"since": "2026-01-01T00:00:00Z"}), 404, "not_found")
    too_old = post(owner, replay, {"since": (timezone.now() - timedelta(days=31)).isoformat()})
    error(too_old, 422, "webhook_replay_too_old")
    assert "30 days" in too_old.json()["error"]["message"] and too_old.json()["error"]["details"]["earliest"]
    assert post(owner, replay, {"since": (timezone.now() - timedelta(days=29)).isoformat()}).status_code == 202


def test_permissions(owner, db):
    endpoint_id = post(owner, URL, {"url": "http://127.0.0.1:9/hook"}).json()["id"]
    make_staff("alpha", "clerk@webhooks.test", ["clerk"])
    clerk = api("alpha", "clerk@webhooks.test")
    for method, path in (("get", URL), ("post", URL), ("get", "/api/v1/webhook-events/"),
                         ("post", f"{URL}{endpoint_id}/rotate-secret/"), ("get", f"{URL}{endpoint_id}/attempts/"),
                         ("delete", f"{URL}{endpoint_id}/")):
        response = getattr(clerk, method)(path, {}, content_type="application/json") if method != "get" \
            else clerk.get(path)
        error(response, 403, "permission_denied")
    with schema_context("alpha"):
        assert WebhookEndpoint.objects.filter(pk=endpoint_id).exists()
