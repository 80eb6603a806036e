"""Tenant schemas keep no foreign key constraint to public tables (apps.tenants.schema_links):
each one would put triggers on the public table per tenant. A constraint a migration adds is
dropped after `migrate`; schemas migrated before (rbac 0004) lose theirs."""

import importlib

from django.db import connection
from django.db.models.signals import post_migrate

from apps.tenants.schema_links import foreign_keys_to_other_schemas
from apps.tenants.schema_template import schema_create_from_template

SCHEMA = "links_probe"


def add_old_constraints(schema: str) -> None:
    """What a schema migrated before rbac 0004 holds (as django.contrib.admin and rbac made them)."""
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{schema}".django_admin_log ADD CONSTRAINT old_user_fk FOREIGN KEY (user_id) '
                       "REFERENCES public.accounts_user (id) DEFERRABLE INITIALLY DEFERRED")
        cursor.execute(f'ALTER TABLE "{schema}".rbac_rolepermission ADD CONSTRAINT old_permission_fk '
                       "FOREIGN KEY (permission_id) REFERENCES public.auth_permission (id) "
                       "DEFERRABLE INITIALLY DEFERRED")
        # one inside the schema stays
        cursor.execute(f'ALTER TABLE "{schema}".rbac_rolepermission ADD CONSTRAINT own_role_fk '
                       f'FOREIGN KEY (role_id) REFERENCES "{schema}".rbac_role (id) DEFERRABLE INITIALLY DEFERRED')


def constraint_names(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace AND contype = 'f'",
                       [schema])
        return {name for (name,) in cursor.fetchall()}


def test_post_migrate_drops_what_a_migration_added_in_a_tenant_schema(db):
    schema_create_from_template(SCHEMA)
    add_old_constraints(SCHEMA)
    assert {name for _table, name in foreign_keys_to_other_schemas(SCHEMA)} == {"old_user_fk", "old_permission_fk"}
    connection.set_schema(SCHEMA)
    try:
        from django.apps import apps

        post_migrate.send(sender=apps.get_app_config("tenants"), app_config=apps.get_app_config("tenants"),
                          verbosity=0, interactive=False, using="default", plan=[], apps=apps)
    finally:
        connection.set_schema_to_public()
    assert foreign_keys_to_other_schemas(SCHEMA) == []
    assert "own_role_fk" in constraint_names(SCHEMA)


def test_post_migrate_leaves_the_public_schema_alone(db):
    from django.apps import apps

    before = constraint_names("public")
    assert before  # the shared apps' own constraints
    post_migrate.send(sender=apps.get_app_config("tenants"), app_config=apps.get_app_config("tenants"),
                      verbosity=0, interactive=False, using="default", plan=[], apps=apps)
    assert constraint_names("public") == before


def test_the_migration_drops_them_from_a_schema_migrated_before(db):
    schema_create_from_template(SCHEMA)
    add_old_constraints(SCHEMA)
    migration = importlib.import_module("apps.rbac.migrations.0004_drop_foreign_keys_to_public")
    connection.set_schema(SCHEMA)
    try:
        with connection.schema_editor() as editor:
            migration.drop(None, editor)
    finally:
        connection.set_schema_to_public()
    assert foreign_keys_to_other_schemas(SCHEMA) == []
    assert "own_role_fk" in constraint_names(SCHEMA)
