import django.contrib.postgres.fields
from django.db import migrations, models


def keys_issued_before_keep_creating_tenants(apps, schema_editor):
    """Keys issued before scopes existed were the service market's: they keep that right."""
    apps.get_model("market", "PlatformApiKey").objects.update(scopes=["tenants:create"])


class Migration(migrations.Migration):

    dependencies = [
        ("market", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="platformapikey",
            name="scopes",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[("tenants:create", "Create tenants (service market)"), ("token:introspect", "Introspect any workspace's tokens")], max_length=40), default=list, size=None, verbose_name="scopes"),
        ),
        migrations.RunPython(keys_issued_before_keep_creating_tenants, migrations.RunPython.noop),
    ]
