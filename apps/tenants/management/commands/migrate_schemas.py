"""`migrate_schemas` that migrates only the tenants whose schema exists.

A tenant row lives longer than its schema: a sign-up waiting for approval (requested,
approved) has none yet, failed provisioning and the purge drop it. django-tenants'
command migrates every row and dies on the first missing schema
(MigrationSchemaMissing), so one pending sign-up kept `make run` and the web container
(docker/entrypoint.sh) from starting. This command (ours wins: apps.tenants precedes
django_tenants in INSTALLED_APPS) skips those tenants and names each one with its status.
An explicit `--schema` keeps the library's behaviour: an error if it does not exist.
After the tenants, the template new schemas are copied from is rebuilt if the migrations
on disk changed (apps.tenants.schema_template), so the first sign-up after a deploy is
as fast as the others.
"""

from django.conf import settings
from django.db import connections
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, get_tenant_migration_order

from apps.tenants.models import Tenant
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
    help = ("Migrate the public schema and every tenant schema that exists; tenants without a "
            "schema (requested, approved, failed, purged) are skipped and listed.")

    def handle(self, *args, **options):
        public = options["shared"] or not options["tenant"]
        tenants = options["tenant"] or not options["shared"]
        if options.get("schema_name") or not tenants:
            return super().handle(*args, **options)
        if public:
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        schemas = self.tenant_schemas(options["database"])
        if schemas:
            GET_EXECUTOR_FUNCTION(codename=options.get("executor"))(args, options).run_migrations(tenants=schemas)
        if settings.TENANT_SCHEMA_FROM_TEMPLATE and template_ensure():
            self.stdout.write("Rebuilt the template new tenant schemas are copied from (the migrations changed).")

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
