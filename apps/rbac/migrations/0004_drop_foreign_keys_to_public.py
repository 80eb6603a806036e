"""Foreign key constraints from this tenant schema's tables to public tables are dropped
(apps.tenants.schema_links explains why): for schemas migrated before the post_migrate
step existed. In the public schema (where this app's operations do not run) nothing."""

from django.db import migrations


def drop(apps, schema_editor):
    from apps.tenants.schema_links import after_migrate

    after_migrate(sender=None, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("rbac", "0003_role_is_active_role_locked_role_template_key_and_more")]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop, elidable=True)]
