from django.db import connection

from apps.tenants.models import Tenant


def current_tenant():
    """The Tenant whose schema is in use (schema_context() sets only a stand-in object)."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant):
        return tenant
    if connection.schema_name == "public":
        return None
    cached = getattr(connection, "_workspace_tenant", None)
    if cached is None or cached.schema_name != connection.schema_name:
        cached = Tenant.objects.get(schema_name=connection.schema_name)
        connection._workspace_tenant = cached
    return cached
