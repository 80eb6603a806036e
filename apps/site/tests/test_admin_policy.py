"""The generic admin sites of apps.core take who may enter from the policy apps.site installs."""

from types import SimpleNamespace

from apps.core.admin_sites import AdminPolicy, OpsAdminSite, TenantAdminSite, ops_admin, tenant_admin
from apps.site.admin_sites import OpsPolicy, TenantPolicy


def test_the_composition_root_installs_both_policies():
    assert isinstance(ops_admin.policy, OpsPolicy)
    assert isinstance(tenant_admin.policy, TenantPolicy)
    assert ops_admin.index_template == "ops/dashboard.html" and tenant_admin.index_template is None


def test_without_a_policy_nobody_enters(db):
    superuser = SimpleNamespace(is_active=True, is_staff=True, is_superuser=True, is_authenticated=True,
                                has_perm=lambda perm: True)
    ops, tenant = OpsAdminSite(name="bare_ops"), TenantAdminSite(name="bare_tenant")
    assert type(ops.policy) is AdminPolicy and type(tenant.policy) is AdminPolicy
    assert not ops.may_enter(superuser)  # the test runs on the public schema: the ops portal's host
    assert not ops.has_permission(SimpleNamespace(user=superuser))
    # no pages beyond Django's own and the theme's search (unfold's templates link it; behind admin_view)
    assert [pattern.name for pattern in ops.get_urls()[:2]] == ["search", "index"]
