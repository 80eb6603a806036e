"""Tenant-isolation cases (tests/test_isolation.py): the Backups tab's pages under a
tenant in the ops portal. Outsiders (anonymous, a tenant's owner) are sent to the portal's
login; the POSTs are tried too."""

PUBLIC_API = {
    "admin/tenants/tenant/1/backups/run/": ("post", {}),
    "admin/tenants/tenant/1/backups/1/restore/": ("post", {"target": "into", "confirmation": "alpha"}),
}
