"""Permissions depend on the host: HQ groups on the public host, roles on a tenant host."""

from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.hq import HQ_ADMIN
from apps.accounts.models import User


def fresh(user):
    return User.objects.get(pk=user.pk)  # no per-request permission cache


def test_owner_has_role_permissions_only_in_own_tenant(owner_alpha):
    with schema_context("alpha"):
        assert fresh(owner_alpha).has_perm("rbac.access_admin")
        assert fresh(owner_alpha).has_module_perms("rbac")
    with schema_context("beta"):
        assert not fresh(owner_alpha).has_perm("rbac.access_admin")
        assert fresh(owner_alpha).get_all_permissions() == set()
    assert connection.schema_name == "public"
    assert fresh(owner_alpha).get_all_permissions() == set()


def test_hq_group_permissions_apply_on_public_only(hq_user):
    assert hq_user.groups.filter(name=HQ_ADMIN).exists()
    assert fresh(hq_user).has_perm("tenants.view_tenant")
    with schema_context("alpha"):
        assert not fresh(hq_user).has_perm("tenants.view_tenant")
        assert not fresh(hq_user).has_perm("rbac.access_admin")


def test_superuser_powers_stop_at_the_tenant_boundary(db):
    root = User.objects.create_superuser("root@platform.test", "x")
    assert fresh(root).has_perm("anything.at_all")
    with schema_context("alpha"):
        assert not fresh(root).has_perm("rbac.access_admin")
        assert fresh(root).get_all_permissions() == set()


def test_per_user_permissions_are_never_granted(db, owner_alpha):
    from django.contrib.auth.models import Permission

    owner_alpha.user_permissions.add(Permission.objects.get(codename="view_tenant"))
    assert not fresh(owner_alpha).has_perm("tenants.view_tenant")
