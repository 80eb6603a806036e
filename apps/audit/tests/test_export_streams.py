"""The audit log's CSV export at any size: streamed (the header before the query runs),
read a chunk at a time through one server-side cursor, every row right and in order,
formula cells still escaped, and no count of the list on the way."""

from __future__ import annotations

import csv
import io
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit import exports
from apps.audit.exports import CSV_FIELDS
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tests.plugin import hq_client

EXPORT = "/admin/audit/auditevent/export.csv"


def _record(action: str, count: int, **extra) -> list[int]:
    return [audit_record(action=action, metadata={"n": n}, **extra).pk for n in range(count)]


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_the_header_goes_out_before_the_events_are_read(db):
    action = f"test.stream_{uuid.uuid4().hex[:8]}"
    _record(action, 3)
    response = hq_client().get(f"{EXPORT}?action={action}")
    assert response.status_code == 200 and response.streaming
    content = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(content)
    assert first.decode("utf-8") == "\ufeff" + ",".join(CSV_FIELDS) + "\r\n"
    assert not [query for query in queries if "audit_auditevent" in query["sql"]]
    rows = _rows(b"".join(content))
    assert len(rows) == 3 and {row[CSV_FIELDS.index("action")] for row in rows} == {action}


def test_events_are_read_in_chunks_and_come_out_whole_and_in_order(db, monkeypatch, fetches):
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 3)
    action = f"test.chunks_{uuid.uuid4().hex[:8]}"
    ids = _record(action, 10, actor_email="=cmd|' /C calc'!A0")
    client = hq_client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{EXPORT}?action={action}")
        rows = _rows(b"".join(response.streaming_content))
    header, body = rows[0], rows[1:]
    assert header == CSV_FIELDS
    events = {event.hash: event for event in AuditEvent.objects.filter(pk__in=ids)}
    assert [row[header.index("hash")] for row in body] == [events[h].hash for h in sorted(
        events, key=lambda h: events[h].pk)]  # oldest first
    assert [row[header.index("metadata")] for row in body] == [f'{{"n": {n}}}' for n in range(10)]
    assert {row[header.index("actor_email")] for row in body} == {"'=cmd|' /C calc'!A0"}  # still text
    assert fetches[:4] == [3, 3, 3, 3] and set(fetches) == {3}  # a server-side cursor, three events a fetch
    assert not [q for q in queries if "COUNT(" in q["sql"].upper() and "audit_auditevent" in q["sql"]]


def test_the_queries_do_not_grow_with_the_rows(db):
    client = hq_client()

    def queries_for(count: int) -> int:
        action = f"test.n_{uuid.uuid4().hex[:8]}"
        _record(action, count)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{EXPORT}?action={action}")
            assert len(_rows(b"".join(response.streaming_content))) == count + 1
        return len(queries)

    assert queries_for(2) == queries_for(40)


def test_a_malformed_filter_sends_the_reader_back_to_the_list(db):
    response = hq_client().get(f"{EXPORT}?created_at__date__gte=not-a-date")
    assert response.status_code == 302 and response["Location"].endswith("/admin/audit/auditevent/?e=1")
