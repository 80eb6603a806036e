"""Deliveries end to end against a real receiver process that verifies every request
with the official `standardwebhooks` library: signatures, the payload, retries on the
schedule (time travel, then what beat runs), what is never retried, 410, replays with
the same webhook-id, secret rotation, redirects, SSRF, the failing-for-days rule."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.webhooks import services
from apps.webhooks.delivery import RETRY_DELAYS
from apps.webhooks.models import Attempt, Delivery, WebhookEndpoint
from tests.plugin import _free_port
from tests.workspace import api

from .conftest import inline, record, run_delivery, run_due


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


def make_endpoint(url, events=(), **extra):
    with schema_context("alpha"):
        endpoint, secret = services.endpoint_create(url=url, events=list(events), actor=None, **extra)
    connection.set_schema_to_public()
    return endpoint, secret


def deliveries(endpoint):
    with schema_context("alpha"):
        return list(Delivery.objects.filter(endpoint=endpoint).order_by("id"))


def attempts(endpoint):
    with schema_context("alpha"):
        return list(Attempt.objects.filter(endpoint=endpoint).order_by("id"))


def endpoint_now(endpoint):
    with schema_context("alpha"):
        return WebhookEndpoint.objects.get(pk=endpoint.pk)


def travel_to(receiver, moment):
    """Travel here and on the receiver (its timestamp check compares with its own now)."""
    traveller = time_machine.travel(moment, tick=False)
    traveller.start()
    receiver.control(clock=moment.timestamp())
    return traveller


def test_a_message_is_signed_delivered_and_logged(receiver, owner):
    created = owner.post("/api/v1/webhook-endpoints/", {"url": receiver.url, "events": ["test.pinged"]},
                         content_type="application/json")
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    receiver.reset(secrets=[secret])
    event = record("test.pinged", n=7)
    record("test.other", n=8)  # not subscribed
    got = receiver.received()
    assert len(got) == 1
    request = got[0]
    assert request["verified_by"] == [0], request["errors"]
    assert request["headers"]["webhook-id"] == event.message_id
    assert request["headers"]["content-type"] == "application/json"
    body = json.loads(request["body"])
    assert body["type"] == "test.pinged" and body["data"] == {"n": 7}
    assert body["timestamp"].startswith(event.occurred_at.strftime("%Y-%m-%dT%H:%M:%S"))
    (attempt,) = attempts(WebhookEndpoint(pk=created.json()["id"]))
    assert attempt.succeeded and attempt.status_code == 204 and attempt.latency_ms >= 0
    (delivery,) = deliveries(WebhookEndpoint(pk=created.json()["id"]))
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 1

    listed = owner.get(f"/api/v1/webhook-endpoints/{created.json()['id']}/attempts/").json()
    assert listed["results"][0]["message"] == event.message_id
    assert listed["results"][0]["status_code"] == 204 and listed["results"][0]["event"] == "test.pinged"


def test_5xx_is_retried_on_the_schedule_then_delivered(receiver):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], fail_first=3, fail_status=503)
    started = timezone.now()
    event = record()
    (delivery,) = deliveries(endpoint)
    assert delivery.status == "pending" and delivery.attempts == 1
    delay = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert RETRY_DELAYS[1] <= delay <= RETRY_DELAYS[1] * 1.1 + 1

    # the 5 s retry: its countdown task runs once due (beat leaves it to that task)
    traveller = travel_to(receiver, delivery.next_attempt_at + timedelta(seconds=1))
    try:
        assert run_due() == {}
        assert run_delivery(delivery.pk) == 503
        (delivery,) = deliveries(endpoint)
        assert delivery.attempts == 2
        assert RETRY_DELAYS[2] <= (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds() <= 331
    finally:
        traveller.stop()

    # not due yet: beat sends nothing; once due it does
    traveller = travel_to(receiver, delivery.next_attempt_at - timedelta(seconds=10))
    try:
        assert run_due() == {}
        assert run_delivery(delivery.pk) is None
    finally:
        traveller.stop()
    for attempt_number, status in ((3, "pending"), (4, "succeeded")):
        traveller = travel_to(receiver, delivery.next_attempt_at + timedelta(seconds=1))
        try:
            assert run_due() == {"alpha": 1}
        finally:
            traveller.stop()
        (delivery,) = deliveries(endpoint)
        assert delivery.attempts == attempt_number and delivery.status == status
    got = receiver.received()
    assert [r["answered"] for r in got] == [503, 503, 503, 204]
    assert {r["headers"]["webhook-id"] for r in got} == {event.message_id}
    assert all(r["verified_by"] == [0] for r in got), [r["errors"] for r in got]
    assert [a.will_retry for a in attempts(endpoint)] == [True, True, True, False]
    assert started < delivery.delivered_at
    assert endpoint_now(endpoint).failing_since is None  # a success ends the run of failures


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_other_4xx_are_not_retried(receiver, status):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], status=status)
    record()
    (delivery,) = deliveries(endpoint)
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    (attempt,) = attempts(endpoint)
    assert attempt.status_code == status and not attempt.will_retry
    assert endpoint_now(endpoint).is_active


@pytest.mark.parametrize("status", [408, 429, 500, 502])
def test_retried_statuses(receiver, status):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], status=status)
    record()
    (delivery,) = deliveries(endpoint)
    assert delivery.status == "pending" and delivery.next_attempt_at is not None
    assert attempts(endpoint)[0].will_retry


def test_timeouts_and_refused_connections_are_retried(receiver, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], delay=1.5)
    record()
    (attempt,) = attempts(endpoint)
    assert attempt.status_code is None and "Timed out" in attempt.error and attempt.will_retry
    assert deliveries(endpoint)[0].status == "pending"

    closed, _secret = make_endpoint(f"http://127.0.0.1:{_free_port()}/hook")
    record()
    (attempt,) = attempts(closed)
    assert attempt.status_code is None and "Connection failed" in attempt.error and attempt.will_retry


def test_a_redirect_is_not_followed(receiver):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], redirect=f"http://127.0.0.1:{receiver.port}/elsewhere")
    record()
    got = receiver.received()
    assert [(r["path"], r["answered"]) for r in got] == [("/hook", 307)]
    (delivery,) = deliveries(endpoint)
    assert delivery.status == "failed" and attempts(endpoint)[0].status_code == 307


def test_410_disables_the_endpoint_and_replay_since_disabled_loses_nothing(receiver, owner):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], status=410)
    first = record(n=1)
    disabled = endpoint_now(endpoint)
    assert not disabled.is_active and disabled.disabled_reason == "gone"
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(action="webhook_endpoint.disabled", target_id=str(endpoint.pk)).exists()
    connection.set_schema_to_public()
    missed = [record(n=2), record(n=3)]  # while disabled: nothing is sent
    assert len(receiver.received()) == 1 and len(deliveries(endpoint)) == 1

    receiver.reset(secrets=[secret])
    with inline():
        response = owner.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/", {}, content_type="application/json")
    assert response.status_code == 202, response.content
    assert response.json()["messages"] == 3
    got = receiver.received()
    assert sorted(r["headers"]["webhook-id"] for r in got) == sorted(e.message_id for e in [first, *missed])
    assert all(r["verified_by"] == [0] for r in got)
    assert endpoint_now(endpoint).is_active
    assert {d.status for d in deliveries(endpoint)} == {"succeeded"}
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(action="webhook_endpoint.enabled", target_id=str(endpoint.pk)).exists()


def test_replay_of_one_message_and_since_a_time_keep_the_webhook_id(receiver, owner):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret])
    event = record()
    with inline():
        response = owner.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/", {"message": event.message_id},
                              content_type="application/json")
    assert response.status_code == 202 and response.json()["messages"] == 1
    got = receiver.received()
    assert [r["headers"]["webhook-id"] for r in got] == [event.message_id] * 2
    assert all(r["verified_by"] == [0] for r in got)

    receiver.reset(secrets=[secret], status=400)
    failed = record(n=2)
    receiver.reset(secrets=[secret])
    with inline():
        response = owner.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/",
                              {"since": (event.occurred_at - timedelta(seconds=1)).isoformat()},
                              content_type="application/json")
    assert response.status_code == 202 and response.json()["messages"] == 1  # only what was not delivered
    got = receiver.received()
    assert [r["headers"]["webhook-id"] for r in got] == [failed.message_id], [r["body"] for r in got]


def test_rotation_signs_with_both_secrets_during_the_overlap_then_only_the_new(receiver, owner, settings):
    settings.WEBHOOKS_SECRET_OVERLAP_HOURS = 24
    endpoint, old = make_endpoint(receiver.url)
    rotated = owner.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/rotate-secret/", content_type="application/json")
    assert rotated.status_code == 200, rotated.content
    new = rotated.json()["secret"]
    assert new != old and new.startswith("whsec_") and rotated["Cache-Control"] == "no-store"
    receiver.reset(secrets=[new, old])  # index 0: a receiver knowing only the new one; 1: only the old one
    record(n=1)
    (during,) = receiver.received()
    assert during["verified_by"] == [0, 1], during["errors"]
    assert len(during["headers"]["webhook-signature"].split(" ")) == 2

    traveller = travel_to(receiver, timezone.now() + timedelta(hours=24, minutes=1))
    try:
        receiver.control(reset=True)
        record(n=2)
    finally:
        traveller.stop()
    (after,) = receiver.received()
    assert after["verified_by"] == [0] and len(after["headers"]["webhook-signature"].split(" ")) == 1
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(action="webhook_endpoint.secret_rotated",
                                         target_id=str(endpoint.pk)).exists()


def test_workspace_secret_signs_endpoints_without_their_own(receiver):
    from apps.webhooks.provisioning import issue_signing_secret
    from apps.webhooks.secrets import secret_decrypt

    with schema_context("alpha"):
        issue_signing_secret(tenant=None, owner=None)  # alpha may have it already: idempotent
        workspace = secret_decrypt(services.workspace_secret_current().encrypted)
    connection.set_schema_to_public()
    endpoint, secret = make_endpoint(receiver.url, uses_workspace_secret=True)
    assert secret is None
    receiver.reset(secrets=[workspace])
    record()
    assert [r["verified_by"] for r in receiver.received()] == [[0]]

    rotated, _until = _rotate(endpoint)  # moves to a secret of its own; the workspace's signs for the overlap
    receiver.reset(secrets=[rotated, workspace])
    record()
    assert [r["verified_by"] for r in receiver.received()] == [[0, 1]]


def _rotate(endpoint):
    with schema_context("alpha"):
        result = services.endpoint_secret_rotate(endpoint=endpoint, actor=None)
    connection.set_schema_to_public()
    return result


def test_private_targets_are_refused_when_not_allowed(receiver, settings):
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret])
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    record()
    assert receiver.received() == []  # never sent
    (attempt,) = attempts(endpoint)
    assert attempt.status_code is None and "public addresses" in attempt.error and not attempt.will_retry
    assert deliveries(endpoint)[0].status == "failed"


def test_failing_for_days_warns_the_owner_then_disables(receiver, settings):
    settings.WEBHOOKS_WARN_AFTER_DAYS = 3
    settings.WEBHOOKS_DISABLE_AFTER_DAYS = 5
    endpoint, secret = make_endpoint(receiver.url)
    receiver.reset(secrets=[secret], status=500)
    start = timezone.now()
    record()
    assert endpoint_now(endpoint).failing_since is not None
    mail.outbox.clear()
    for days, warned, active in ((1, False, True), (3.1, True, True), (5.1, True, False)):
        traveller = travel_to(receiver, start + timedelta(days=days))
        try:
            record()
        finally:
            traveller.stop()
        current = endpoint_now(endpoint)
        assert (current.warned_at is not None) == warned and current.is_active == active, days
    (warning,) = mail.outbox
    assert warning.to == ["owner@alpha.test"] and endpoint.url in warning.body
    assert endpoint_now(endpoint).disabled_reason == "failing"
    assert {d.status for d in deliveries(endpoint)} == {"failed"}  # pending ones too, to be replayed


def test_the_warning_reads_in_korean():
    from apps.core.mail import templated_mail

    endpoint = WebhookEndpoint(url="https://example.com/hook")
    now = timezone.now()
    message = templated_mail(to="owner@example.com", template="webhooks/email/endpoint_failing", language="ko",
                             context={"tenant": type("T", (), {"name": "Alpha"})(), "endpoint": endpoint,
                                      "failing_since": now, "disable_at": now, "days": 5, "last_error": "HTTP 500",
                                      "admin_url": "https://alpha.example.com/admin/", "owner_name": "Kim"})
    assert "웹훅" in message.subject and "웹훅" in message.body


def test_the_connection_goes_to_the_checked_address_with_the_host_name_kept(receiver):
    endpoint, secret = make_endpoint(f"http://localhost:{receiver.port}/hook?source=test")
    receiver.reset(secrets=[secret])
    record()
    (got,) = receiver.received()
    assert got["headers"]["host"] == f"localhost:{receiver.port}" and got["path"] == "/hook?source=test"
    assert got["verified_by"] == [0]
