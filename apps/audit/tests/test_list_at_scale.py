"""The audit log's list page costs the same however long the log grows: unfiltered, its
count is PostgreSQL's estimate (no count(*) of every event); the action and tenant filters
read their values through their indexes (no DISTINCT over every event); an e-mail is typed
into a box, and the list filtered by it, by tenant or by a date is counted exactly."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.paginators import EstimatedCountPaginator, estimated_rows
from tests.plugin import hq_client

LIST = "/admin/audit/auditevent/"


def _event_queries(queries) -> list[str]:
    return [query["sql"].upper() for query in queries if "audit_auditevent" in query["sql"]]


def _spec(response, parameter: str):
    return next(spec for spec in response.context["cl"].filter_specs
                if parameter in spec.expected_parameters())


@pytest.fixture
def client(db):
    client = hq_client()
    for n in range(3):
        audit_record(action="test.scale_listed", actor_email=f"listed{n}@scale.test", metadata={"n": n})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    return client


def test_the_unfiltered_list_neither_counts_nor_scans_every_event(client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)  # "large" from the first event
    estimate = estimated_rows(AuditEvent.objects.all())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    sql = _event_queries(queries)
    assert not [q for q in sql if "COUNT(" in q], sql
    assert not [q for q in sql if "DISTINCT" in q], sql
    assert response.context["cl"].result_count == estimate
    assert abs(estimate - AuditEvent.objects.count()) <= 2  # the events written since ANALYZE
    actions = sorted(set(AuditEvent.objects.values_list("action", flat=True)))
    assert list(_spec(response, "action").lookup_choices) == actions  # read through the index, all of them
    slugs = sorted(set(AuditEvent.objects.values_list("tenant_slug", flat=True)))
    assert list(_spec(response, "tenant_slug").lookup_choices) == slugs
    html = response.content.decode()
    assert 'name="actor_email"' in html  # a box, not every address ever typed
    assert "listed0@scale.test" in html  # in the rows, of course


def test_a_filtered_list_is_counted_exactly(client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)
    typed = f"=typed-{uuid.uuid4().hex[:6]}@scale.test"
    audit_record(action="auth.login_failed", actor_email=typed)
    audit_record(action="auth.login_failed", actor_email=typed)
    response = client.get(LIST, {"actor_email": typed})
    assert response.context["cl"].result_count == 2
    assert [event.actor_email for event in response.context["cl"].result_list] == [typed, typed]
    assert f'value="{typed}"' in response.content.decode()  # the box keeps what was typed
    response = client.get(LIST, {"action": "test.scale_listed"})
    assert response.context["cl"].result_count == 3


def test_the_list_sorts_only_by_time(client):
    response = client.get(LIST)
    sortable = [header for header in response.context["cl"].model_admin.sortable_by]
    assert sortable == ["created_at"]
    response = client.get(LIST, {"o": "0"})  # the time column (the first), oldest first
    times = [event.created_at for event in response.context["cl"].result_list]
    assert times == sorted(times) and len(times) > 3
