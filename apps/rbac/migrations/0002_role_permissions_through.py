from django.db import migrations


class Migration(migrations.Migration):
    """Role permissions move to a through table carrying the scope (next migration)."""

    dependencies = [("rbac", "0001_initial")]

    operations = [migrations.RemoveField(model_name="role", name="permissions")]
