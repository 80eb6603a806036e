"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

# Dismissing needs a session of this host's admin: everyone else is sent to its login.
TENANT_API = {"announcements/1/dismiss/": ("post", None)}
PUBLIC_API: dict = {}
