"""A restart must work whatever state the tenants are in: tenants without a schema
(awaiting approval, approved, failed, purged) are skipped by migrate_schemas, which says
so, instead of stopping `make run` and the web container with MigrationSchemaMissing."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import psycopg
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from apps.tenants.errors import ProvisioningFailed
from apps.tenants.lifecycle import retention_period, tenant_approve, tenant_purge, tenant_soft_delete
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create, tenant_provision
from apps.tenants.states import transition

ROOT = Path(__file__).resolve().parents[3]
WITHOUT_SCHEMA = ("requested", "approved", "failed", "purged")


def make_tenants_without_schema(prefix: str) -> dict[str, str]:
    """One committed tenant in each status that has no schema, through the services:
    a sign-up awaiting approval, an approved one, one whose provisioning failed (and
    dropped its schema) and a purged one. Returns {status: slug}. Also run by the restart
    test in a subprocess against its own database."""
    def new(status: str) -> Tenant:
        slug = f"{prefix}-{status}"
        return tenant_create(slug=slug, name=slug, business_type="retail", owner_email=f"owner@{slug}.test",
                             provision=False)

    new("requested")
    tenant_approve(tenant=new("approved"), actor=None)
    failed = new("failed")
    with connection.cursor() as cursor:  # a half-made schema left by a crash: provisioning fails on it
        cursor.execute(f'CREATE SCHEMA "{failed.schema_name}"')
    with transaction.atomic():
        transition(Tenant.objects.select_for_update().get(pk=failed.pk), Tenant.Status.PROVISIONING,
                   action="tenant.provisioning_started")
    try:
        tenant_provision(tenant_id=failed.pk)
    except ProvisioningFailed:
        pass
    purged = tenant_soft_delete(tenant=new("purged"), actor=None, reason="closed")
    Tenant.objects.filter(pk=purged.pk).update(deleted_at=timezone.now() - retention_period() - timedelta(days=1))
    tenant_purge(tenant=purged, actor=None)
    slugs = {status: f"{prefix}-{status}" for status in WITHOUT_SCHEMA}
    for status, slug in slugs.items():
        tenant = Tenant.objects.get(slug=slug)
        assert tenant.status == status and not schema_exists(tenant.schema_name), (slug, tenant.status)
    return slugs


def _run(argv: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, **kwargs)


def _assert_skipped(output: str, slugs: dict[str, str]) -> None:
    for status, slug in slugs.items():
        assert f"Skipped tenant {slug} ({status})" in output, output[-3000:]


def test_migrate_schemas_migrates_existing_schemas_and_lists_the_skipped(committed):
    from tests.plugin import subprocess_env

    slugs = make_tenants_without_schema("ms")
    for slug in slugs.values():
        committed.tenant_slug(slug)
        committed.email(f"owner@{slug}.test")

    result = _run([sys.executable, "manage.py", "migrate_schemas", "--noinput"], subprocess_env())

    assert result.returncode == 0, result.stderr[-3000:]
    _assert_skipped(result.stdout, slugs)
    # The tenants that have a schema were migrated, and not reported as skipped.
    for slug in ("alpha", "beta"):
        assert f"standard:{slug}] === Starting migration" in result.stdout
        assert f"Skipped tenant {slug} " not in result.stdout


def test_migrate_schemas_of_one_missing_schema_still_fails():
    """An explicit --schema is a request for that schema: the library's error stays."""
    from tests.plugin import subprocess_env

    result = _run([sys.executable, "manage.py", "migrate_schemas", "--noinput", "--tenant", "--schema",
                   "no_such_schema"], subprocess_env())

    assert result.returncode != 0
    assert 'Schema "no_such_schema" does not exist' in result.stderr


# --- The restart itself: `make run` and the web container, over an existing database ----------


def _make_commands(target: str) -> list[list[str]]:
    """The manage.py commands `make <target>` runs (make -n prints them without running)."""
    listing = _run(["make", "-n", target], dict(os.environ))
    assert listing.returncode == 0, listing.stderr
    commands = [shlex.split(line) for line in listing.stdout.splitlines() if " manage.py " in line]
    assert commands, listing.stdout
    return [[sys.executable, *argv[1:]] for argv in commands]


def _entrypoint_web_commands() -> str:
    """The shell lines docker/entrypoint.sh runs for `web` before it execs gunicorn."""
    script = (ROOT / "docker" / "entrypoint.sh").read_text()
    branch = re.search(r"^\s*web\)\n(.*?)^\s*;;", script, re.S | re.M).group(1)
    lines = [line.strip() for line in branch.splitlines()]
    commands = [line for line in lines[:next(i for i, line in enumerate(lines) if line.startswith("exec "))]
                if line and not line.startswith("#")]
    assert commands and all("manage.py" in line for line in commands), commands
    return "\n".join(commands)


def test_make_run_and_the_web_container_restart_with_tenants_without_schema():
    """A fresh clone's `make run` (minus the servers), then sign-ups that leave tenants
    without a schema, then the restart: `make run` again and the container's web start.
    Each step succeeds, says which tenants it skipped, and setup_platform reports once."""
    from tests.plugin import subprocess_env

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restart"
    server = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER") or None,
              "password": db.get("PASSWORD") or None}
    url = f"postgres://{db.get('USER') or ''}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@" \
          f"{server['host']}:{server['port']}/{name}"
    prefix = f"{settings.CACHES['default']['KEY_PREFIX']}-restart"
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-restart"
    env = subprocess_env(DATABASE_URL=url, CACHE_KEY_PREFIX=prefix, CELERY_QUEUE=queue)
    run_commands = [argv for argv in _make_commands("run") if "rundev" not in argv]

    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        first_output = ""
        for argv in run_commands:  # the first `make run` of a fresh clone
            result = _run(argv, env)
            assert result.returncode == 0, (argv, result.stdout[-2000:], result.stderr[-3000:])
            first_output += result.stdout

        made = _run([sys.executable, "manage.py", "shell", "-c",
                     "from apps.tenants.tests.test_migrate_schemas import make_tenants_without_schema as m; "
                     "print(m('rs'))"], env)
        assert made.returncode == 0, made.stderr[-3000:]
        slugs = {status: f"rs-{status}" for status in WITHOUT_SCHEMA}

        output = ""
        for argv in run_commands:  # the restart
            result = _run(argv, env)
            assert result.returncode == 0, (argv, result.stdout[-2000:], result.stderr[-3000:])
            output += result.stdout
        _assert_skipped(output, slugs)
        assert output.count("Public tenant on") == 1, output
        assert first_output.count("Public tenant on") == 1, first_output

        container = _run(["sh", "-e", "-c", _entrypoint_web_commands()],
                         {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
        assert container.returncode == 0, (container.stdout[-2000:], container.stderr[-3000:])
        _assert_skipped(container.stdout, slugs)
        assert container.stdout.count("Public tenant on") == 1
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        for key in (queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"):
            client.delete(key)
        client.close()
