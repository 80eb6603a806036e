"""Authenticating an API key reads the key from the cache (apps.apikeys.services, under the
workspace's `apikeys:<schema>` scope): no query in the steady state, the secret still
checked on every request, revocation and expiry effective on the very next request,
last use written at most once a minute. Changes run with their on-commit callbacks
executed, as a real commit would (versions are bumped on commit)."""

from datetime import timedelta

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.apikeys.models import ApiKey
from apps.apikeys.services import api_key_revoke, last_use_claim
from tests.plugin import client_for
from tests.workspace import api_key_client

CHECK = "/api/v1/auth/check-permission/?perm=customer:view"


def key(commit, **create):
    with commit():
        client, api_key = api_key_client("alpha", ["customer:view"], **create)
    return client, api_key


def last_used(api_key):
    with schema_context("alpha"):
        value = ApiKey.objects.get(pk=api_key.pk).last_used_at
    connection.set_schema_to_public()
    return value


def error_code(response):
    return response.json()["error"]["code"]


def test_a_key_request_costs_no_query_in_the_steady_state(db, commit, django_assert_num_queries):
    client, _api_key = key(commit)
    assert client.get(CHECK).json()["allowed"]  # reads the key, writes its last use
    with django_assert_num_queries(0):
        again = client.get(CHECK)
    assert again.json() == {"perm": "customer:view", "allowed": True, "scope": "tenant", "branches": None,
                            "active_role": None}
    with django_assert_num_queries(1):  # the customers themselves
        assert client.get("/api/v1/customers/").status_code == 200


def test_the_secret_is_checked_on_every_request(db, commit):
    client, api_key = key(commit)
    assert client.get(CHECK).status_code == 200  # the key is cached now
    for raw in (f"{api_key.prefix}.wrong", f"{api_key.prefix}.", f"{'x' * 40}.secret", "garbage"):
        response = client_for("alpha", HTTP_AUTHORIZATION=f"Api-Key {raw}").get(CHECK)
        assert response.status_code == 401 and error_code(response) == "api_key_invalid", raw


def test_revocation_takes_effect_on_the_next_request(db, commit):
    client, api_key = key(commit)
    client.get(CHECK)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHECK).status_code == 200
    assert not queries.captured_queries  # answered from the cache
    with commit(), schema_context("alpha"):
        api_key_revoke(api_key=ApiKey.objects.get(pk=api_key.pk), actor=None)
    connection.set_schema_to_public()
    response = client.get(CHECK)
    assert response.status_code == 401 and error_code(response) == "api_key_revoked"


def test_a_key_revoked_outside_the_services_is_refused_at_once(db, commit):
    client, api_key = key(commit)
    client.get(CHECK)
    with commit(), schema_context("alpha"):
        row = ApiKey.objects.get(pk=api_key.pk)
        row.revoked_at = timezone.now()
        row.save()  # a shell or a data fix (apps.apikeys.signals)
    connection.set_schema_to_public()
    assert error_code(client.get(CHECK)) == "api_key_revoked"


def test_expiry_is_checked_on_every_request_against_the_cached_key(db, commit):
    client, _api_key = key(commit, expires_at=timezone.now() + timedelta(hours=1))
    assert client.get(CHECK).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHECK)
        assert response.status_code == 401 and error_code(response) == "api_key_expired"
        assert not queries.captured_queries  # no new version was needed: the cached expiry decides


def test_last_use_is_written_at_most_once_a_minute(db, commit):
    client, api_key = key(commit)
    client.get(CHECK)
    first = last_used(api_key)
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            client.get(CHECK)
    assert not queries.captured_queries and last_used(api_key) == first
    with schema_context("alpha"):
        claim = last_use_claim(api_key.prefix)
    connection.set_schema_to_public()
    assert 0 < cache.ttl(claim) <= 60
    cache.delete(claim)  # as Redis does once the minute is over
    client.get(CHECK)
    assert last_used(api_key) > first
