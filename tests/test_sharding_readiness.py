"""What Citus schema-based sharding (README, "Beyond one database") requires of the
schema, checked on the database itself: every key is 64-bit (a table's id, and every
column referencing one), and no tenant table references a table in another tenant's
schema (each tenant schema moves to a worker node whole; public tables become reference
tables, which tenant tables may reference)."""

from django.apps import apps
from django.db import connection, models


def test_every_generated_key_of_ours_is_64_bit():
    """Our models' ids, and every reference from them to one of our models. References to
    Django's and libraries' own small tables (auth.Permission, contenttypes) stay as they
    define them: those are public reference tables, replicated to every node."""
    narrow = []
    for model in apps.get_models():
        if not model.__module__.startswith("apps.") or model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            target = field.target_field if field.is_relation else field
            if not (field.primary_key or field.is_relation) or not target.model.__module__.startswith("apps."):
                continue
            if isinstance(target, models.AutoField) and not isinstance(target, models.BigAutoField):
                narrow.append(f"{model._meta.label}.{field.name}")
    assert not narrow, f"32-bit generated keys: {narrow}"


def test_no_tenant_table_references_another_tenant_schema(db):
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT src.nspname, cls.relname, dst.nspname, ref.relname
            FROM pg_constraint con
            JOIN pg_class cls ON cls.oid = con.conrelid JOIN pg_namespace src ON src.oid = cls.relnamespace
            JOIN pg_class ref ON ref.oid = con.confrelid JOIN pg_namespace dst ON dst.oid = ref.relnamespace
            WHERE con.contype = 'f' AND src.nspname <> dst.nspname AND dst.nspname <> 'public'""")
        crossing = cursor.fetchall()
        cursor.execute("""SELECT count(*) FROM pg_constraint con JOIN pg_class cls ON cls.oid = con.conrelid
                          JOIN pg_namespace n ON n.oid = cls.relnamespace
                          WHERE con.contype = 'f' AND n.nspname = 'alpha'""")
        tenant_foreign_keys = cursor.fetchone()[0]
    assert tenant_foreign_keys > 0  # the query sees tenant schemas' keys
    assert not crossing, f"tenant tables referencing another tenant's schema: {crossing}"
