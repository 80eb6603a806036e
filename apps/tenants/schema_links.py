"""Tenant tables point at public rows (users, permissions, content types, groups) by id,
without a foreign key constraint in the database.

A foreign key from a tenant table to a public table puts PostgreSQL's referential
triggers on the *public* table, two per constraint and tenant schema: measured with 2,770
tenants, `auth_permission` carried 22,172 triggers, `django_content_type` 16,628 and
`accounts_user` 11,148 (from django.contrib.admin's log, guardian's object permissions,
the API keys' and roles' permission links). Every backend that opens such a table builds
its relation cache entry with all of them; adding each tenant's constraints takes a lock on
the public tables and rebuilds those entries everywhere (copying a schema slowed from 3.8
to 1.2 per second over the first 2,800 tenants, the foreign keys' share of a copy growing
x4.5); a user's update or delete is checked against every tenant.

Our own models already declare such fields with `db_constraint=False`; the constraints
that third-party tenant apps (admin, guardian) and many-to-many tables create are dropped
after every `migrate` of a tenant schema (`post_migrate`, apps.tenants.apps) and, for the
schemas that existed before, by migration rbac 0004. Django still joins and cascades on
these fields as before (cascades are Django's, in Python); what is given up is the
database refusing a public row's delete while a tenant row points at it. Users and
permissions are not deleted by the platform (accounts are deactivated; permissions are
synced, apps.authz)."""

from django.db import connections

from .schema_migrations import quote_name


def foreign_keys_to_other_schemas(schema: str, *, using: str = "default") -> list[tuple[str, str]]:
    """(table, constraint) of every foreign key from a table of `schema` to another schema's."""
    with connections[using].cursor() as cursor:
        cursor.execute("""
            SELECT r.relname, c.conname FROM pg_constraint c
            JOIN pg_class r ON r.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
            WHERE c.contype = 'f' AND r.relnamespace = %s::regnamespace AND f.relnamespace <> r.relnamespace
            ORDER BY 1, 2""", [schema])
        return cursor.fetchall()


def drop_foreign_keys_to_other_schemas(schema: str, *, using: str = "default") -> list[str]:
    """Drop them; the names dropped."""
    found = foreign_keys_to_other_schemas(schema, using=using)
    with connections[using].cursor() as cursor:
        for table, name in found:
            cursor.execute(f"ALTER TABLE {quote_name(schema)}.{quote_name(table)} DROP CONSTRAINT {quote_name(name)}")
    return [name for _table, name in found]


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: in a tenant schema (not the public one), drop what the migrations added."""
    from django_tenants.utils import get_public_schema_name

    schema = getattr(connections[using], "schema_name", None)
    if schema and schema != get_public_schema_name():
        drop_foreign_keys_to_other_schemas(schema, using=using)
