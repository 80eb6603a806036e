"""Logs say who and where, never whose data: known personal data and secrets fed through
every log path (a message's arguments, `extra` fields, a traceback, the request line,
Celery's own task lines, our task line) are absent from the output, which still lets an
address be followed across lines (the same keyed hash); a request's id follows the tasks
it starts into a real worker's logs."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django_tenants.utils import schema_context

from apps.core.logging import request_context
from apps.core.logmask import keyed_hash
from apps.crm.models import Customer
from tests.plugin import artifact_log, client_for, obtain_tokens, wait_for

EMAIL, PHONE, PHONE_E164 = "minji.kim@example.com", "010-2345-6789", "+821023456789"
RRN, CARD = "900101-2345678", "4111 1111 1111 1111"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtaW5qaSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
SECRET = "whsec_c2VjcmV0c2VjcmV0c2VjcmV0"
KNOWN = [EMAIL, PHONE, PHONE_E164, "2345-6789", RRN, CARD, "4111111111111111", JWT, SECRET, "c2VjcmV0c2VjcmV0"]


@pytest.fixture
def output():
    """What the configured console handler writes (its filters and formatter, as configured)."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_known_personal_data_never_reaches_the_logs(db, output):
    log = logging.getLogger("apps.crm.services")
    log.warning("customer %s, phone %s / %s, rrn %s", EMAIL, PHONE, PHONE_E164, RRN)
    log.warning("paid", extra={"card": CARD, "payload": {"to": EMAIL, "cards": [CARD.replace(" ", "")]},
                               "authorization": f"Bearer {JWT}", "secret": SECRET})
    try:
        raise ValueError(f"could not reach {EMAIL} with {SECRET}")
    except ValueError:
        log.exception("webhook failed for %s", EMAIL)
    client_for("alpha").get(f"/api/v1/customers/{EMAIL}/{PHONE_E164}/")  # the request line (a 404)
    logging.getLogger("celery.app.trace").info(
        "Task %(name)s[%(id)s] succeeded", {"name": "inbound.post_signed_webhook", "id": "1"},
        extra={"data": {"args": repr([f"https://x.test/?to={EMAIL}", SECRET]), "kwargs": "{}"}})
    hex_id = "4786465830984dfcacd0ec77bcc741de"  # digits inside ids are not numbers to mask
    log.info("order %s of workspace %s", "20261201-000123", hex_id, extra={"ref": hex_id})
    written = output.getvalue()
    assert written.count(hex_id) == 2 and "20261201-000123" in written
    assert written.count("\n") >= 5 and "webhook failed" in written and "Traceback" in written
    leaked = [value for value in KNOWN if value in written]
    assert not leaked, leaked
    # the same address is the same hash in every line: correlatable without the address
    assert written.count(f"email:{keyed_hash(EMAIL)}") >= 4
    assert f"phone:{keyed_hash('23456789')}" in written
    lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    assert any(line.get("path", "").startswith("/api/v1/customers/email:") for line in lines)


@pytest.mark.worker
def test_a_requests_id_follows_its_tasks_into_the_worker(celery_worker_process, committed):
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    request_id = "trace-req-0123456789"
    name = "Traced Customer"
    response = client_for("alpha").post("/api/v1/customers/", {"name": name}, content_type="application/json",
                                        HTTP_AUTHORIZATION=f"Bearer {access}", HTTP_X_REQUEST_ID=request_id)
    try:
        assert response.status_code == 201 and response["X-Request-ID"] == request_id
        log = artifact_log("celery-worker")

        def task_lines():
            found = []
            for line in log.read_text().splitlines():
                if line.startswith("{") and request_id in line:
                    found.append(json.loads(line))
            return [line for line in found if line.get("name") == "apps.core.tasks"]

        lines = wait_for(task_lines, "the worker's line for the event's task", seconds=60)
        line = lines[0]
        assert line["request_id"] == request_id and line["tenant"] == "alpha"
        assert line["task"] == "events.dispatch" and line["state"] == "SUCCESS" and line["duration_ms"] >= 0
    finally:
        with schema_context("alpha"):
            Customer.objects.filter(name=name).delete()
    assert request_context.get() == {}
