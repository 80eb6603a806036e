"""The platform's own counters move when the thing they count happens (in this process:
its registry is what its /metrics serves): webhook delivery attempts by outcome,
notification deliveries by channel and outcome, rate-limit rejections by scope, requests
per tenant and status class; and the rule that bounds the tenant label's values."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context
from prometheus_client import REGISTRY

from apps.core.metrics import tenants
from tests.plugin import client_for


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def fresh_labels():
    tenants.forget()
    yield
    tenants.forget()


# --- Webhooks ------------------------------------------------------------------------------------


@pytest.fixture
def receiver(webhook_receiver_process, settings, db):
    from apps.events.catalogue import _catalogue, event_type_register
    from apps.webhooks.tests.conftest import TEST_EVENTS

    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    for event_type in TEST_EVENTS:
        event_type_register(event_type)
    webhook_receiver_process.reset()
    yield webhook_receiver_process
    for event_type in TEST_EVENTS:
        _catalogue.pop(event_type.name, None)


def test_webhook_delivery_attempts_are_counted_by_outcome(receiver):
    from apps.webhooks import services
    from apps.webhooks.tests.conftest import record

    with schema_context("alpha"):
        endpoint, secret = services.endpoint_create(url=receiver.url, events=["test.pinged"], actor=None)
    connection.set_schema_to_public()
    name = "platform_webhook_delivery_attempts_total"
    for config, outcome in (({}, "succeeded"), ({"fail_first": 1, "fail_status": 503}, "retrying"),
                            ({"status": 400}, "failed")):
        receiver.reset(secrets=[secret], **config)
        before = {kind: value(name, outcome=kind) for kind in ("succeeded", "retrying", "failed")}
        record("test.pinged")
        assert len(receiver.received()) == 1
        after = {kind: value(name, outcome=kind) for kind in before}
        assert after == {**before, outcome: before[outcome] + 1}, (config, before, after)


# --- Notifications -------------------------------------------------------------------------------


class DownProvider:
    def send_sms(self, message):
        from apps.notifications.channels import ChannelError

        raise ChannelError("gateway timeout")


@override_settings(NOTIFICATIONS_SMS_PROVIDER="tests.test_metrics_counters.DownProvider",
                   NOTIFICATIONS_RETRY_SECONDS=[60], NOTIFICATIONS_QUIET_HOURS="")
def test_notification_deliveries_are_counted_by_channel_and_outcome(db):
    from apps.notifications.dispatch import delivery_send
    from apps.notifications.models import Delivery
    from apps.notifications.tests.conftest import add_template, make_consumer, record, workspace_set

    _user, customer = make_consumer("alpha", "metrics-minji@example.com")
    workspace_set(notify_sms=True)
    add_template(channel="email", language="ko", subject="알림", body="안녕하세요")
    add_template(channel="sms", language="ko", body="문자")
    name = "platform_notification_deliveries_total"
    before = {(channel, outcome): value(name, channel=channel, outcome=outcome)
              for channel in ("email", "sms") for outcome in ("sent", "retrying", "failed")}
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    with schema_context("alpha"):
        deliveries = list(Delivery.objects.order_by("id"))
        assert {d.channel for d in deliveries} == {"email", "sms"}
        results = [delivery_send(delivery_id=d.pk).status for d in deliveries]
        sms = next(d for d in deliveries if d.channel == "sms")
        Delivery.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())  # its retry is due now
        last = delivery_send(delivery_id=sms.pk)
    assert sorted(results) == ["retrying", "sent"] and last.status == "failed"
    after = {key: value(name, channel=key[0], outcome=key[1]) for key in before}
    expected = {**before, ("email", "sent"): before["email", "sent"] + 1,
                ("sms", "retrying"): before["sms", "retrying"] + 1, ("sms", "failed"): before["sms", "failed"] + 1}
    assert after == expected


# --- Rate limits and per-tenant requests ---------------------------------------------------------


def test_rate_limit_rejections_are_counted_by_scope_and_the_tenant_sees_4xx(db, settings, fresh_labels):
    settings.RATELIMIT_ANON_PER_MINUTE = 2
    rejected = value("platform_ratelimit_rejections_total", scope="ip")
    alpha_4xx = value("platform_tenant_requests_total", tenant="alpha", status_class="4xx")
    client = client_for("alpha")
    statuses = [client.get("/api/v1/me/").status_code for _ in range(5)]
    assert set(statuses) == {401, 429}, statuses  # (a new minute's window may begin in between)
    assert value("platform_ratelimit_rejections_total", scope="ip") == rejected + statuses.count(429)
    assert value("platform_tenant_requests_total", tenant="alpha", status_class="4xx") == alpha_4xx + 5


def test_requests_count_per_tenant_up_to_the_label_limit_then_as_other(db, settings, fresh_labels):
    settings.METRICS_TENANT_LABELS = 1
    counted = {tenant: value("platform_tenant_requests_total", tenant=tenant, status_class="4xx")
               for tenant in ("alpha", "beta", "other")}
    for slug in ("alpha", "beta", "beta"):
        assert client_for(slug).get("/api/v1/no-such-thing/").status_code == 404
    after = {tenant: value("platform_tenant_requests_total", tenant=tenant, status_class="4xx") for tenant in counted}
    assert after == {"alpha": counted["alpha"] + 1, "beta": counted["beta"], "other": counted["other"] + 2}
    assert tenants.tenant_label("beta") == "other"


def test_no_tenant_label_at_all_with_zero(settings, fresh_labels):
    settings.METRICS_TENANT_LABELS = 0
    assert tenants.tenant_label("alpha") == "other"
    assert tenants.tenant_label(None) == "none"


def test_the_processes_of_one_server_share_one_choice(settings, fresh_labels, tmp_path, monkeypatch):
    """The choice lives beside the samples: a process reads what the others chose, appends
    while there is room, and never labels more tenants than the limit between them."""
    settings.METRICS_TENANT_LABELS = 2
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / tenants.LABELS_FILE).write_text("chosen-elsewhere\n")
    assert tenants.tenant_label("first") == "first"
    assert tenants.tenant_label("second") == "other"  # the other process's choice took the second place
    assert tenants.tenant_label("chosen-elsewhere") == "chosen-elsewhere"
    tenants.forget()  # another process, started later
    assert [tenants.tenant_label(slug) for slug in ("second", "first", "chosen-elsewhere")] == [
        "other", "first", "chosen-elsewhere"]
    assert (tmp_path / tenants.LABELS_FILE).read_text().split() == ["chosen-elsewhere", "first"]
