"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

TENANT_API: dict = {}
PUBLIC_API: dict = {}
