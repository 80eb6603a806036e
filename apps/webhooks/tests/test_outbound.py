"""What may leave the platform: addresses that are not public (IPv4, IPv6 and IPv6 that
wraps IPv4), one DNS answer checked and connected to (a second answer cannot redirect
the request), a lookup that hangs, URLs in the audit log without their tokens; and a
slow attempt racing a replay or a disabling."""

import socket
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.webhooks import outbound, services
from apps.webhooks.delivery import endpoint_disable
from apps.webhooks.models import Attempt, Delivery, WebhookEndpoint

from .conftest import record


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1", "::10.0.0.1",  # IPv4-compatible (deprecated, still routed by some stacks)
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",  # NAT64 of 127.0.0.1, 169.254.169.254
    "64:ff9b:1::808:808",  # local-use NAT64: never public
    "2002:7f00:1::1", "2002:c0a8:101::1",  # 6to4 of 127.0.0.1, 192.168.1.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo to 127.0.0.1 (client bits inverted)
    "fe80::1%eth0",
])
def test_addresses_that_are_not_public(address):
    assert not outbound.address_is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946",
                                     "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])
def test_public_addresses(address):
    assert outbound.address_is_public(address)


def fake_dns(monkeypatch, *answers, delay: float = 0):
    """getaddrinfo answering each lookup with the next list of addresses (the last one
    again when they run out); returns the list of hosts looked up."""
    looked_up, queue = [], list(answers)

    def getaddrinfo(host, port, *args, **kwargs):
        looked_up.append(host)
        if delay:
            time.sleep(delay)
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    monkeypatch.setattr(outbound.socket, "getaddrinfo", getaddrinfo)
    return looked_up


def test_one_private_answer_among_public_ones_refuses_the_host(monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    fake_dns(monkeypatch, ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(outbound.TargetRefused, match="public addresses"):
        outbound.resolve("https://hooks.example.com/in")


def test_the_request_goes_to_the_address_checked_by_its_own_lookup(monkeypatch, settings, db):
    """DNS rebinding: public when the endpoint is saved, private when the message goes.
    The lookup at send time is the one checked and the one connected to; nothing goes out."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    looked_up = fake_dns(monkeypatch, ["93.184.216.34"], ["127.0.0.1"])
    connected = []
    monkeypatch.setattr(outbound.urllib3.HTTPConnectionPool, "urlopen",
                        lambda *args, **kwargs: connected.append(args) or pytest.fail("connected"))
    with schema_context("alpha"):
        endpoint, _secret = services.endpoint_create(url="http://hooks.example.com/in", actor=None)
    connection.set_schema_to_public()
    record()
    assert looked_up == ["hooks.example.com", "hooks.example.com"] and connected == []
    with schema_context("alpha"):
        (attempt,) = Attempt.objects.filter(endpoint=endpoint)
        assert "public addresses" in attempt.error and not attempt.will_retry
    target = outbound.resolve("http://hooks.example.com/in", allow_private=True)
    assert target.address == "127.0.0.1" and looked_up.count("hooks.example.com") == 3


def test_a_hanging_lookup_is_a_timeout_to_retry(monkeypatch, settings):
    settings.WEBHOOKS_DNS_TIMEOUT_SECONDS = 0.2
    fake_dns(monkeypatch, ["93.184.216.34"], delay=2)
    started = time.monotonic()
    outcome = outbound.post("https://slow-dns.example.com/in", body=b"{}", headers={}, timeout=1)
    assert time.monotonic() - started < 1.5
    assert outcome.timed_out and not outcome.refused and "took longer" in outcome.error


def test_audit_keeps_urls_without_their_tokens(db):
    url = "http://127.0.0.1:9/hook?token=s3cret&site=1#frag"
    assert outbound.url_redacted(url) == "http://127.0.0.1:9/hook?token=***&site=***#***"
    with schema_context("alpha"):
        endpoint, _secret = services.endpoint_create(url=url, actor=None)
        services.endpoint_update(endpoint=endpoint, data={"url": url.replace("s3cret", "other")}, actor=None)
        services.endpoint_delete(endpoint=endpoint, actor=None)
        rows = list(AuditEvent.objects.filter(action__startswith="webhook_endpoint.").values_list(
            "metadata", "changes"))
    assert rows and "s3cret" not in str(rows) and "other" not in str(rows) and "token=***" in str(rows)


def _endpoint(receiver):
    with schema_context("alpha"):
        endpoint, secret = services.endpoint_create(url=receiver.url, actor=None)
    connection.set_schema_to_public()
    receiver.reset(secrets=[secret])
    return endpoint


def test_a_replay_during_an_attempt_waits_for_it_then_sends_again(receiver, monkeypatch):
    endpoint = _endpoint(receiver)
    real_post, replayed = outbound.post, []

    def post_while_replayed(url, **kwargs):
        if not replayed:  # the owner replays while this first request is under way
            replayed.append(services.endpoint_replay(endpoint=endpoint,
                                                     since=timezone.now() - timedelta(minutes=1)))
            assert Delivery.objects.get().in_flight_until is not None  # the lease is left to this attempt
        return real_post(url, **kwargs)

    monkeypatch.setattr(outbound, "post", post_while_replayed)
    event = record()
    assert replayed == [1]
    got = receiver.received(event.message_id)
    assert len(got) == 2 and all(r["verified_by"] == [0] for r in got)  # one after the other, same id
    with schema_context("alpha"):
        first, second = Attempt.objects.filter(endpoint=endpoint).order_by("id")
        assert first.attempted_at < second.attempted_at and first.succeeded and second.succeeded
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.resend_after_attempt) == ("succeeded", 1, False)


def test_a_slow_attempt_does_not_undo_a_disabling(receiver, monkeypatch):
    endpoint = _endpoint(receiver)
    real_post = outbound.post

    def post_while_disabled(url, **kwargs):
        endpoint_disable(endpoint=WebhookEndpoint.objects.get(pk=endpoint.pk),
                         reason=WebhookEndpoint.DisabledReason.FAILING)
        return real_post(url, **kwargs)

    monkeypatch.setattr(outbound, "post", post_while_disabled)
    record()
    assert len(receiver.received()) == 1
    with schema_context("alpha"):
        (attempt,) = Attempt.objects.filter(endpoint=endpoint)
        delivery = Delivery.objects.get()
        assert attempt.succeeded and not attempt.will_retry  # logged: the request did go out
        assert delivery.status == "failed" and delivery.delivered_at is None  # the disabling stands
        assert not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active
