"""The owner role has every permission (apps.rbac.services.roles_bootstrap, at provisioning):
workspaces that existed before `workspace:export` get it on their owner role here."""

from django.db import migrations


def owner_may_export(apps, schema_editor):
    Role = apps.get_model("rbac", "Role")
    owner = Role.objects.filter(key="owner").first()
    if owner is None:  # the template schema, or a workspace not bootstrapped yet (provisioning grants it)
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    RolePermission = apps.get_model("rbac", "RolePermission")
    content_type, _created = ContentType.objects.get_or_create(app_label="workspace", model="dataexport")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename="export_workspace",
        defaults={"name": "Can export all of the workspace's data"})
    RolePermission.objects.get_or_create(role=owner, permission=permission, defaults={"scope": "tenant"})


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_dataexport"),
        ("rbac", "0003_role_is_active_role_locked_role_template_key_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(owner_may_export, migrations.RunPython.noop)]
