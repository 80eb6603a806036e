"""What the caller of a tenant API may do here: the API's counterpart of
PlatformBackend.get_all_permissions (apps.accounts.backends), which answers the admin.

An API key (apps.authz.access.KeyCredential) brings its own permissions, workspace-wide;
a person gets their roles (apps.authz.sources) only while an active staff member of this
workspace, and only the active role when the token names one.
"""

from __future__ import annotations

from apps.authz import sources
from apps.authz.access import Access, key_access

from .selectors import is_staff_member_here


def api_access(request) -> Access:
    """Who is asking and what they may do, computed once per request (the permission
    class and the view's querysets share it). In the steady state it costs no query: the
    staff check comes with the token's member check, the roles from their cached snapshot."""
    cached = getattr(request, "_workspace_access", None)
    if cached is not None:
        return cached
    auth = request.auth
    access = key_access(auth)
    if access is None:
        user = request.user
        active_role = auth.get("active_role") if hasattr(auth, "get") else None
        if user.is_authenticated and is_staff_member_here(user=user):
            access = sources.access_for(user=user, active_role=active_role)
        else:
            access = Access(user=user)
    request._workspace_access = access
    return access
