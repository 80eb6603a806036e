"""`migrate_schemas` that migrates only the tenant schemas that are behind, and only the
tenants whose schema exists.

A tenant row lives longer than its schema: a sign-up waiting for approval (requested,
approved) has none yet, failed provisioning and the purge drop it. django-tenants'
command migrates every row and dies on the first missing schema
(MigrationSchemaMissing), so one pending sign-up kept `make run` and the web container
(docker/entrypoint.sh) from starting. This command (ours wins: apps.tenants precedes
django_tenants in INSTALLED_APPS) skips those tenants and names each one with its status.

The library also runs `migrate` in every schema, about 0.4 s each with nothing to apply.
Here the schemas that are behind are found first, a few hundred per query
(apps.tenants.schema_migrations), and only those go through django-tenants' executor
(the multiprocessing one when several are behind, unless `--executor` says otherwise);
then they are checked again, and the summary says how many were up to date, migrated,
and failed (still behind: the command then fails). The stock way, the executor over every
schema, remains for `--all-schemas`, for an explicit target (`migrate_schemas app 0003`,
e.g. backwards: the check only knows "fully migrated"), `--prune` and `--run-syncdb`
(they concern every schema). An explicit `--schema` keeps the library's behaviour: an
error if it does not exist.

After the tenants, the template new schemas are copied from is rebuilt if the migrations
on disk changed (apps.tenants.schema_template), so the first sign-up after a deploy is
as fast as the others.
"""

import os
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, get_tenant_migration_order

from apps.tenants.models import Tenant
from apps.tenants.schema_migrations import CHUNK_SIZE, schemas_behind
from apps.tenants.schema_template import template_ensure

S = Tenant.Status
# Why a tenant in this status has no schema; other statuses should have one.
WITHOUT_SCHEMA = {
    S.REQUESTED: "not provisioned yet",
    S.APPROVED: "not provisioned yet",
    S.PROVISIONING: "its provisioning has not created it yet",
    S.FAILED: "provisioning failed and dropped it",
    S.DELETED: "deleted before it was provisioned",
    S.PURGED: "purged",
}


class Command(MigrateSchemasCommand):
    help = ("Migrate the public schema and every tenant schema that exists and is behind the migrations "
            "on disk; tenants without a schema (requested, approved, failed, purged) are skipped and listed.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--all-schemas", action="store_true", dest="all_schemas",
                            help="Run migrate in every tenant schema, as django-tenants does, rather than "
                                 "only in the schemas that are behind.")

    def handle(self, *args, **options):
        public = options["shared"] or not options["tenant"]
        tenants = options["tenant"] or not options["shared"]
        if options.get("schema_name") or not tenants:
            return super().handle(*args, **options)
        if public:
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        schemas = self.tenant_schemas(options["database"])
        stock = (options["all_schemas"] or options["app_label"] or options["prune"] or options["run_syncdb"])
        if schemas and stock:
            GET_EXECUTOR_FUNCTION(codename=options.get("executor"))(args, options).run_migrations(tenants=schemas)
        elif schemas:
            self.migrate_behind(schemas, args, options)
        if settings.TENANT_SCHEMA_FROM_TEMPLATE and template_ensure():
            self.stdout.write("Rebuilt the template new tenant schemas are copied from (the migrations changed).")

    def migrate_behind(self, schemas: list[str], args, options) -> None:
        """Migrate the schemas that are behind; report what was found and done."""
        database, verbose = options["database"], options["verbosity"] >= 1
        started = time.perf_counter()

        def progress(checked: int, behind: int) -> None:
            if verbose and len(schemas) > CHUNK_SIZE:
                self.stdout.write(f"Checked {checked} of {len(schemas)} tenant schemas: {behind} behind.")

        behind = schemas_behind(schemas, using=database, progress=progress)
        if verbose and behind:
            self.stdout.write(f"{len(behind)} tenant schemas behind the migrations: {', '.join(behind[:20])}"
                              + (", ..." if len(behind) > 20 else ""))
        inspect_only = options["plan"] or options["check_unapplied"]  # nothing is meant to be applied
        error = None
        if behind:
            # Processes in parallel where several are behind; not for --check, whose sys.exit
            # in a pool worker would leave the pool waiting for its result forever.
            parallel = len(behind) > 1 and not inspect_only
            codename = (options.get("executor") or os.environ.get("EXECUTOR")
                        or ("multiprocessing" if parallel else "standard"))
            try:
                GET_EXECUTOR_FUNCTION(codename=codename)(args, options).run_migrations(tenants=list(behind))
            except (Exception, SystemExit) as exc:  # SystemExit: `--check`; counted below, then raised
                error = exc
        if inspect_only:
            summary = f"{len(schemas) - len(behind)} up to date, {len(behind)} behind"
            failed = []
        else:
            failed = schemas_behind(behind, using=database) if behind else []
            summary = (f"{len(schemas) - len(behind)} up to date, {len(behind) - len(failed)} migrated, "
                       f"{len(failed)} failed")
        if verbose or failed:
            self.stdout.write(f"{len(schemas)} tenant schemas checked in {time.perf_counter() - started:.1f} s: "
                              f"{summary}.")
        if error is not None:
            raise error
        if failed:
            raise CommandError(f"{len(failed)} tenant schemas are still behind after migrating: {', '.join(failed)}")

    def tenant_schemas(self, database: str) -> list[str]:
        """Schema names of the tenants to migrate, in migration order; reports the rest."""
        with connections[database].cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_catalog.pg_namespace")
            existing = {name for (name,) in cursor.fetchall()}
        rows = (Tenant.objects.using(database).exclude(schema_name=get_public_schema_name())
                .order_by(*(get_tenant_migration_order() or ["pk"]))
                .values_list("schema_name", "slug", "status"))
        schemas = []
        for schema_name, slug, status in rows:
            if schema_name in existing:
                schemas.append(schema_name)
            elif status in WITHOUT_SCHEMA:
                self.stdout.write(f'Skipped tenant {slug} ({status}): no schema "{schema_name}", '
                                  f"{WITHOUT_SCHEMA[status]}.")
            else:  # an active or suspended tenant must have one: say so loudly, but let the rest start
                self.stderr.write(self.style.WARNING(
                    f'Skipped tenant {slug} ({status}): its schema "{schema_name}" is missing!'))
        return schemas
