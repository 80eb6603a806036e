from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyWhereMigrated(AddIndexConcurrently):
    """AddIndexConcurrently refuses to run inside a transaction before it asks the router
    whether the model lives in this schema at all. The audit log is a shared app: in a
    tenant schema (django-tenants' router) this migration is a no-op, and the template
    schema is sometimes migrated inside a transaction (tests). Ask the router first."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False  # built CONCURRENTLY: appends to the log go on while the index is built

    dependencies = [
        ("audit", "0002_chain_per_tenant"),
    ]

    operations = [
        AddIndexConcurrentlyWhereMigrated(
            model_name="auditevent",
            index=models.Index(fields=["actor_email", "id"], name="audit_event_actor_email_idx"),
        ),
    ]
