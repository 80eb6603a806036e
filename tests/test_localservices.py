"""The project-local servers' settings (platform_/localservices.py)."""

import pytest

from platform_ import localservices


def test_the_local_postgresql_takes_its_shared_buffers_from_the_environment(monkeypatch):
    monkeypatch.delenv("LOCAL_PG_SHARED_BUFFERS", raising=False)
    assert "shared_buffers" not in localservices.pg_options(5433)  # PostgreSQL's own default
    monkeypatch.setenv("LOCAL_PG_SHARED_BUFFERS", "3GB")
    assert localservices.pg_options(5433).endswith(" -c shared_buffers=3GB")
    monkeypatch.setenv("LOCAL_PG_SHARED_BUFFERS", "512MB")
    assert "-c shared_buffers=512MB" in localservices.pg_options(5433)


@pytest.mark.parametrize("value", ["3gb", "3 GB", "3", "-1GB", "3GB; DROP", "0MB"])
def test_a_shared_buffers_size_postgresql_would_refuse_is_refused_before_it_starts(monkeypatch, value):
    monkeypatch.setenv("LOCAL_PG_SHARED_BUFFERS", value)
    with pytest.raises(SystemExit, match="LOCAL_PG_SHARED_BUFFERS"):
        localservices.pg_options(5433)
