"""A restart must work whatever state the tenants are in: tenants without a schema
(awaiting approval, approved, failed, purged) are skipped by migrate_schemas, which says
so, instead of stopping `make run` and the web container with MigrationSchemaMissing.
And it is fast with nothing to do: only the tenant schemas behind the migrations on disk
(apps.tenants.schema_migrations) are migrated, ending as the stock way would leave them;
`--all-schemas` runs migrate in every schema as django-tenants does."""

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
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_exists

from apps.tenants.errors import ProvisioningFailed
from apps.tenants.lifecycle import retention_period, tenant_approve, tenant_purge, tenant_soft_delete
from apps.tenants.models import Tenant
from apps.tenants.schema_migrations import expected_migrations, missing_migrations, quote_name, schemas_behind
from apps.tenants.schema_template import schema_create_from_template
from apps.tenants.services import tenant_create, tenant_provision
from apps.tenants.states import transition
from apps.tenants.tests.test_schema_template import signature

ROOT = Path(__file__).resolve().parents[3]
WITHOUT_SCHEMA = ("requested", "approved", "failed", "purged")


def failing_step(*, tenant, owner):
    raise RuntimeError("the step failed")


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
    with transaction.atomic():
        transition(Tenant.objects.select_for_update().get(pk=failed.pk), Tenant.Status.PROVISIONING,
                   action="tenant.provisioning_started")
    # a step fails after the schema was made: provisioning drops it and records the failure
    with override_settings(PROVISIONING_STEPS=[*settings.PROVISIONING_STEPS, f"{__name__}.failing_step"]):
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


def _existing_tenant_schemas() -> list[str]:
    return [schema for schema in Tenant.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
            if schema_exists(schema)]


def _migrated_schemas(output: str) -> list[str]:
    """The schemas django-tenants' executor ran migrate in, from its "=== Starting" lines."""
    return re.findall(r"^\[(?:[\d/]+ \(\d+%\) )?\w+:([^\]]+)\] === Starting migration", output, re.M)


def test_migrate_schemas_lists_the_skipped_and_migrates_nothing_when_up_to_date(committed):
    from tests.plugin import subprocess_env

    slugs = make_tenants_without_schema("ms")
    for slug in slugs.values():
        committed.tenant_slug(slug)
        committed.email(f"owner@{slug}.test")
    schemas = _existing_tenant_schemas()
    assert {"alpha", "beta"} <= set(schemas)

    result = _run([sys.executable, "manage.py", "migrate_schemas", "--noinput"], subprocess_env())

    assert result.returncode == 0, result.stderr[-3000:]
    _assert_skipped(result.stdout, slugs)
    for slug in ("alpha", "beta"):
        assert f"Skipped tenant {slug} " not in result.stdout
    # Every tenant schema was checked, none migrated: only the public schema ran migrate.
    assert _migrated_schemas(result.stdout) == ["public"], result.stdout[-3000:]
    assert re.search(rf"^{len(schemas)} tenant schemas checked in [\d.]+ s: {len(schemas)} up to date, "
                     rf"0 migrated, 0 failed\.$", result.stdout, re.M), result.stdout[-3000:]


def _bare_tenant(committed, slug: str) -> str:
    """A committed tenant row and its schema copied from the template: all that
    migrate_schemas reads (no owner, roles or subscription). Removed by `committed`."""
    committed.tenant_slug(slug)
    schema_create_from_template(slug)
    Tenant.objects.bulk_create([Tenant(schema_name=slug, slug=slug, name=slug, business_type="retail",
                                       owner_email=f"owner@{slug}.test", status=Tenant.Status.ACTIVE)])
    return slug


def _last_tenant_migration(app: str = "webhooks") -> tuple[str, str]:
    """(app's last migration, the one before it) of a tenant app whose last migration adds a column."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (leaf,) = graph.leaf_nodes(app)
    (previous,) = [parent.key for parent in graph.node_map[leaf].parents if parent.key[0] == app]
    return leaf[1], previous[1]


def _signature(schema: str) -> dict:
    with transaction.atomic():  # its SET LOCAL search_path needs a transaction
        return signature(schema)


def test_a_schema_behind_is_found_migrated_and_ends_as_the_stock_way(committed):
    """Two schemas one migration behind are found, migrated (in parallel processes) and end
    object for object like a third one migrated by the library's per-schema command."""
    from tests.plugin import subprocess_env

    behind = [_bare_tenant(committed, "msbehind1"), _bare_tenant(committed, "msbehind2")]
    stock = _bare_tenant(committed, "msstock")
    leaf, previous = _last_tenant_migration()
    for schema in [*behind, stock]:
        call_command("migrate_schemas", "webhooks", previous, schema_name=schema, interactive=False, verbosity=0)
    assert missing_migrations(["alpha", "beta", *behind, stock]) == {
        "alpha": 0, "beta": 0, behind[0]: 1, behind[1]: 1, stock: 1}
    call_command("migrate_schemas", schema_name=stock, interactive=False, verbosity=0)  # django-tenants' way
    checked = len(_existing_tenant_schemas())

    result = _run([sys.executable, "manage.py", "migrate_schemas", "--noinput"], subprocess_env())

    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(_migrated_schemas(result.stdout)) == sorted(["public", *behind]), result.stdout[-3000:]
    assert f"multiprocessing:{behind[0]}]   Applying webhooks.{leaf}... OK" in result.stdout
    assert f"2 tenant schemas behind the migrations: {', '.join(behind)}" in result.stdout
    assert f"{checked} tenant schemas checked in " in result.stdout
    assert f": {checked - 2} up to date, 2 migrated, 0 failed." in result.stdout
    assert schemas_behind([*behind, stock]) == []
    reference = _signature(stock)
    assert ("webhooks", leaf) in reference["migrations"]
    for schema in behind:
        mine = _signature(schema)
        for part in reference:
            assert mine[part] == reference[part], (schema, part)


def test_schemas_without_the_migrations_table_or_a_row_are_behind(db, django_assert_num_queries):
    """One catalog query, then one statement per chunk; names quoted whatever they are."""
    expected = expected_migrations()
    odd, row_missing, no_table = 'ms odd "name', "ms_row_missing", "ms_no_table"
    with connection.cursor() as cursor:
        for schema in (odd, row_missing, no_table):
            cursor.execute(f"CREATE SCHEMA {quote_name(schema)}")
        for schema in (odd, row_missing):
            cursor.execute(f"CREATE TABLE {quote_name(schema)}.django_migrations AS TABLE alpha.django_migrations")
        cursor.execute(f"DELETE FROM {quote_name(row_missing)}.django_migrations WHERE (app, name) = (%s, %s)",
                       list(expected[len(expected) // 2]))
        cursor.execute(f"INSERT INTO {quote_name(odd)}.django_migrations (app, name, applied) "
                       "VALUES ('gone', '0001_removed_from_disk', now())")  # rows not on disk don't count

    schemas = ["alpha", odd, no_table, row_missing, "beta"]
    progress = []
    with django_assert_num_queries(3):  # the catalog, then 4 schemas with a table in chunks of 2
        missing = missing_migrations(schemas, chunk_size=2, progress=lambda *done: progress.append(done))

    assert progress == [(3, 1), (5, 2)]  # (checked, behind) after each chunk
    assert missing == {"alpha": 0, odd: 0, no_table: len(expected), row_missing: 1, "beta": 0}
    assert schemas_behind(schemas) == [no_table, row_missing]
    assert ("webhooks", "0001_initial") in expected and ("tenants", "0001_initial") in expected  # tenant and shared


def test_a_schema_that_cannot_be_migrated_is_reported_failed(committed):
    """A copied schema that lost its django_migrations table: behind; migrate then meets
    its tables (already there) and fails; the summary says so and the command fails."""
    from tests.plugin import subprocess_env

    schema = _bare_tenant(committed, "msfail")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{schema}".django_migrations')
    assert schemas_behind(["alpha", schema]) == [schema]
    checked = len(_existing_tenant_schemas())

    result = _run([sys.executable, "manage.py", "migrate_schemas", "--noinput", "--tenant"], subprocess_env())

    assert result.returncode != 0
    assert _migrated_schemas(result.stdout) == [schema], result.stdout[-3000:]
    assert f": {checked - 1} up to date, 0 migrated, 1 failed." in result.stdout, result.stdout[-3000:]
    assert "already exists" in result.stderr


def test_all_schemas_runs_migrate_in_every_schema(committed):
    """The stock way, kept behind a flag: the executor over every tenant schema."""
    from tests.plugin import subprocess_env

    schemas = _existing_tenant_schemas()

    result = _run([sys.executable, "manage.py", "migrate_schemas", "--noinput", "--tenant", "--all-schemas"],
                  subprocess_env())

    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(_migrated_schemas(result.stdout)) == sorted(schemas), result.stdout[-3000:]
    assert "tenant schemas checked" not in result.stdout


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
