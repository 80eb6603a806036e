"""HQ groups: the only source of permissions on the public host (the ops portal)."""

HQ_MASTER = "HQ_MASTER"
HQ_ADMIN = "HQ_ADMIN"
SECURITY_OFFICER = "SECURITY_OFFICER"
SUPPORT = "SUPPORT"
HQ_GROUPS = (HQ_MASTER, HQ_ADMIN, SECURITY_OFFICER, SUPPORT)

# Model permissions each group holds in the ops portal ("app_label.codename").
_VIEW_PLATFORM = [
    "tenants.view_tenant", "tenants.view_domain", "accounts.view_user", "accounts.view_membership",
    "inbound.view_inboundevent",
]
_MANAGE_PLATFORM = [
    "tenants.add_tenant", "tenants.change_tenant", "tenants.add_domain", "tenants.change_domain",
    "tenants.delete_domain", "accounts.add_user", "accounts.change_user", "accounts.add_membership",
    "accounts.change_membership", "accounts.delete_membership", "inbound.retry_inboundevent",
]
GROUP_PERMISSIONS = {
    HQ_MASTER: _VIEW_PLATFORM + _MANAGE_PLATFORM + ["auth.view_group", "auth.change_group"],
    HQ_ADMIN: _VIEW_PLATFORM + _MANAGE_PLATFORM,
    SECURITY_OFFICER: _VIEW_PLATFORM + ["auth.view_group"],
    SUPPORT: _VIEW_PLATFORM,
}
