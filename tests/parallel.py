"""How `make test` shares the suite among pytest-xdist workers (`-n 2 --dist loadfile`;
loaded with `-p tests.parallel`, see pyproject.toml). Each worker has its own test
database, cache key prefix and Celery queue (platform_/settings/test.py).

pytest-django runs the tests that use the `db` fixture (a transaction rolled back after
each) before the tests that commit (browser, Celery worker and web server tests, through
`committed`), and the suite relies on that order: committed tests leave rows that nobody
removes (audit events: the audit log is append-only), which a later rolled-back test
counting such rows would see. xdist's `loadfile` hands out whole files, so a worker could
run one file's committed tests and then another file's rolled-back ones. Here a unit of
work is a run of consecutive tests of one file in pytest-django's order, and the units are
handed out in that order: every worker runs its tests in the order of a serial run (a
file's module fixtures are still set up once per run of its tests)."""

from __future__ import annotations

import pytest


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None  # xdist's own scheduler for the mode asked for
    from xdist.scheduler import LoadScopeScheduling

    class FileRunScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # units in collection order, not by size
            self.units: dict[str, str] = {}

        def _split_scope(self, nodeid: str) -> str:
            if not self.units:  # first call: the collection is known (xdist's schedule())
                run, previous = 0, None
                for each in self.collection:
                    path = each.split("::", 1)[0]
                    run += path != previous
                    previous = path
                    self.units[each] = f"{path}#{run}"
            return self.units[nodeid]

    return FileRunScheduling(config, log)
