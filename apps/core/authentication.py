"""Authentication that belongs to a workspace (its tokens, its API keys) reads the
workspace's own tables, so it must never run on the public host, where those tables do
not exist: it steps aside there (the public host's views list the platform's own
authentication instead; tests/ check that no public view lists a tenant-only one)."""

from django.conf import settings
from rest_framework.authentication import BaseAuthentication

CHECKED_CREDENTIALS = "workspace_credentials"
"""Set on the request by the API host's routing: (authentication class, its result), so
that the view's own authentication does not check the same token or key a second time."""


def on_workspace_host(request) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME


class TenantOnlyAuthentication(BaseAuthentication):
    """Subclasses implement `authenticate_workspace`; on the public host this returns None
    without touching the database."""

    def authenticate(self, request):
        if not on_workspace_host(request):
            return None
        checked = getattr(request._request, CHECKED_CREDENTIALS, None)
        if checked is not None and checked[0] is type(self):
            return checked[1]  # the API host's routing ran this very check (apps.tenants.api_host)
        return self.authenticate_workspace(request)

    def authenticate_workspace(self, request):
        raise NotImplementedError
