"""Shared set-up for perf scripts: a throwaway database `perf_platform` on the same
server as the configured one, migrated, with the public tenant; dropped at the end."""

from __future__ import annotations

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.test")
PERF_DB = os.environ.get("PERF_DB", "perf_platform")  # another name for parallel runs


def _admin_connection():
    import environ
    import psycopg

    environ.Env.read_env(ROOT / "var" / "local.env", overwrite=False)
    port = os.environ.get("LOCAL_PG_PORT", "5433")
    url = os.environ.get("DATABASE_URL") or f"postgres://postgres@127.0.0.1:{port}/platform"
    config = environ.Env.db_url_config(url)
    return config, psycopg.connect(host=config["HOST"], port=config["PORT"], user=config["USER"],
                                   password=config["PASSWORD"] or None, dbname="postgres", autocommit=True)


@contextmanager
def perf_database():
    config, admin = _admin_connection()
    admin.execute(f'DROP DATABASE IF EXISTS "{PERF_DB}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{PERF_DB}"')
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    os.environ["DATABASE_URL"] = f"postgres://{auth}@{config['HOST']}:{config['PORT']}/{PERF_DB}"
    os.environ.setdefault("CACHE_KEY_PREFIX", "perf")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("setup_platform", verbosity=0, stdout=open(os.devnull, "w"))
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{PERF_DB}" WITH (FORCE)')
        admin.close()


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def median_ms(samples) -> float:
    return round(statistics.median(samples) * 1000, 2)
