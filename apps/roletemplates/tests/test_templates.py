from django.db import connection
from django_tenants.utils import schema_context

from apps.rbac.models import Role
from apps.roletemplates.models import RoleTemplate
from tests.plugin import hq_client


def test_provisioning_copied_the_business_type_templates(db):
    with schema_context("alpha"):
        academy = set(Role.objects.values_list("key", flat=True))
    with schema_context("beta"):
        food = set(Role.objects.values_list("key", flat=True))
    connection.set_schema_to_public()
    assert academy == {"owner", "manager", "director", "teacher", "clerk"}
    assert food == {"owner", "manager", "cashier", "kitchen", "rider"}
    teacher = RoleTemplate.objects.get(business_type="academy", key="teacher")
    locked = {e.permission.codename for e in teacher.entries.filter(locked=True)}
    assert "add_apikey" in locked


def test_workspace_edits_survive_reapplying_templates(db):
    from apps.roletemplates.services import templates_apply

    with schema_context("alpha"):
        Role.objects.filter(key="teacher").update(name="Instructor")
        assert templates_apply(business_type="academy") == []
        assert Role.objects.get(key="teacher").name == "Instructor"


def test_hq_edits_templates_in_the_ops_portal(db):
    client = hq_client()
    template = RoleTemplate.objects.get(business_type="academy", key="teacher")
    assert client.get("/admin/roletemplates/roletemplate/").status_code == 200
    assert client.get(f"/admin/roletemplates/roletemplate/{template.pk}/change/").status_code == 200


def test_sync_command_is_idempotent(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sync_workspace_roles", stdout=out)
    call_command("sync_workspace_roles", stdout=out)
    assert "alpha: roles in sync" in out.getvalue()
    with schema_context("alpha"):
        assert Role.objects.filter(key="teacher").count() == 1
