"""Database connections closed after CONN_MAX_REQUESTS requests (apps/core/db.py).

The requests run in this thread, on this thread's connection, outside any test transaction
(the database unblocked, not the `db` fixture): as in a web worker, where a request never
ends inside a transaction. They only read."""

import pytest
from django.db import connection

from tests.plugin import client_for

PATH = "/api/v1/catalog/items/"  # open to anyone, reads the tenant's schema (its answer not cached)


@pytest.fixture(autouse=True)
def _answers_built(settings):
    settings.CATALOG_OPEN_CACHE_SECONDS = 0  # every request queries, as counting them needs


@pytest.fixture
def unwrapped_db(platform_seed, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()  # the next test starts on a fresh connection either way


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def served(client) -> int:
    """One request (it must succeed); the backend it left open, or 0 when it closed it."""
    response = client.get(PATH)
    assert response.status_code == 200, response.content
    return backend_pid() if connection.connection is not None else 0


def test_closed_after_max_requests_and_reopened(unwrapped_db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_REQUESTS", 3)
    client = client_for("alpha")
    connection.close()
    first = [served(client) for _ in range(3)]
    assert first[0] == first[1] != 0  # one backend for two requests...
    assert first[2] == 0  # ...closed after the third
    second = [served(client) for _ in range(3)]
    assert second[0] not in (0, first[0]) and second[0] == second[1]  # a new backend, counted from zero
    assert second[2] == 0


def test_count_restarts_on_a_connection_closed_by_something_else(unwrapped_db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_REQUESTS", 3)
    client = client_for("alpha")
    connection.close()
    assert served(client) and served(client)
    connection.close()  # as CONN_MAX_AGE or an error would
    assert served(client) and served(client)  # two on the new connection: not yet three
    assert served(client) == 0


@pytest.mark.parametrize("limit", [0, None])
def test_never_closed_without_a_limit(unwrapped_db, monkeypatch, limit):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_REQUESTS", limit)
    client = client_for("alpha")
    pids = {served(client) for _ in range(12)}
    assert len(pids) == 1 and 0 not in pids


def test_never_closed_inside_a_transaction(db, monkeypatch):
    """Tests wrap requests in their transaction: closing would end it."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_REQUESTS", 1)
    client = client_for("alpha")
    pids = {served(client) for _ in range(3)}
    assert len(pids) == 1 and 0 not in pids
