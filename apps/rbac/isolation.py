"""Tenant-isolation cases (collected by tests/test_isolation.py)."""

TENANT_API = {
    "api/v1/roles/": ("post", {"key": "intruder", "name": "Intruder", "permissions": {"customer:view": "tenant"}}),
    "api/v1/roles/1/": ("patch", {"name": "Renamed"}),
    "api/v1/permissions/": ("get", None),
}
PUBLIC_API: dict = {}
