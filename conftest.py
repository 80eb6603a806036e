"""Only what must be a conftest: an override of a pytest-django fixture (a conftest's
fixtures take precedence over plugins'). The suite's fixtures live in tests/plugin.py."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb,
                    django_db_modify_db_settings):
    """pytest-django's documented override point: always create the default test database.
    Worker and browser tests touch it only through `committed` (not the `db` fixture), so
    the stock fixture would skip creating it when only such tests are selected.
    `django_db_modify_db_settings` gives each pytest-xdist worker its own database (the
    test database name, TEST_DATABASE_NAME's too, gets the worker's suffix: _gw0, _gw1)."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                 aliases={"default"}, keepdb=keepdb)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=request.config.option.verbose)
            except Exception as exc:  # noqa: BLE001 - a lingering worker connection must not fail the run
                request.node.warn(pytest.PytestWarning(f"could not drop the test database: {exc!r}"))
