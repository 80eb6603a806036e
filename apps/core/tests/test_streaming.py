"""The pieces every bulk export is made of: CSV written as the rows come (header first,
rows in blocks), rows read through one server-side cursor in a transaction of their own,
and the admin's estimated count for a large unfiltered list."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from apps.core import renderers
from apps.core.paginators import EstimatedCountPaginator, estimated_rows
from apps.core.renderers import csv_download, csv_lines
from apps.core.streaming import rows_streamed


def test_the_header_goes_out_before_any_row_is_asked_for():
    asked = []

    def rows():
        asked.append("rows")
        yield ["1", "Kim, Minji"]

    lines = csv_lines(["id", "name"], rows(), bom=True)
    assert next(lines) == "\ufeffid,name\r\n" and not asked
    assert list(lines) == ['1,"Kim, Minji"\r\n'] and asked == ["rows"]


def test_rows_go_out_in_blocks_not_one_write_each(monkeypatch):
    monkeypatch.setattr(renderers, "BLOCK_CHARS", 12)
    chunks = list(csv_lines(["h"], ([f"row{n}"] for n in range(7))))
    assert chunks == ["h\r\n", "row0\r\nrow1\r\n", "row2\r\nrow3\r\n", "row4\r\nrow5\r\n", "row6\r\n"]


def test_a_download_is_written_in_the_language_of_the_request():
    with translation.override("ko"):
        response = csv_download((gettext(word) + "\r\n" for word in ["Yes"]), "answers.csv")
    assert response.streaming and response["Content-Disposition"] == 'attachment; filename="answers.csv"'
    with translation.override("en"):  # the server streams later, in whatever language is active then
        assert b"".join(response.streaming_content).decode() == "예\r\n"


def test_rows_are_read_in_chunks_inside_a_transaction_of_their_own(db, fetches):
    expected = list(ContentType.objects.order_by("id").values_list("pk", flat=True))
    depth = len(connection.savepoint_ids)
    seen = [(content_type.pk, len(connection.savepoint_ids))
            for content_type in rows_streamed(ContentType.objects.order_by("id"), chunk_size=5)]
    assert [pk for pk, _depth in seen] == expected and len(expected) > 10
    assert {inside for _pk, inside in seen} == {depth + 1} and len(connection.savepoint_ids) == depth
    assert fetches and set(fetches) == {5}  # one server-side cursor, five rows a fetch


def test_a_reader_that_goes_away_ends_the_transaction(db):
    depth = len(connection.savepoint_ids)
    rows = rows_streamed(ContentType.objects.order_by("id"), chunk_size=2)
    next(rows)
    assert len(connection.savepoint_ids) == depth + 1
    rows.close()  # what closing the response does when the client disconnects
    assert len(connection.savepoint_ids) == depth
    assert ContentType.objects.exists()  # the connection is usable again


def _counts(queries) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def test_a_large_unfiltered_list_is_counted_by_the_planners_estimate(db, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE django_content_type")
    everything = ContentType.objects.order_by("id")
    actual = everything.count()
    assert estimated_rows(everything) == actual  # just analyzed: the estimate is the count
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(everything, 50).count == actual
    assert not _counts(queries)
    filtered = everything.filter(app_label="auth")
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(filtered, 50).count == filtered.count()
    assert _counts(queries)  # a filter: counted exactly
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", actual + 1)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(everything, 50).count == actual
    assert _counts(queries)  # a small table: counted exactly
