"""`Authorization: Api-Key <prefix>.<secret>`: a workspace integration acting with the
key's permissions (workspace-wide) on the key's own tenant only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from apps.core.authentication import TenantOnlyAuthentication

KEYWORD = b"api-key"


class ApiKeyPrincipal:
    """Stands in for request.user when a key authenticates: no identity, only the key's
    permissions (never staff, never a member)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None
    email = ""
    public_id = None

    def __init__(self, api_key):
        self.api_key = api_key

    def __str__(self):
        return f"api-key:{self.api_key.prefix}"

    def has_perm(self, perm, obj=None) -> bool:
        return perm in self.api_key.permission_names

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)

    def has_module_perms(self, app_label) -> bool:
        return any(name.startswith(f"{app_label}.") for name in self.api_key.permission_names)

    def get_all_permissions(self, obj=None) -> set[str]:
        return set(self.api_key.permission_names)


class ApiKeyAuthentication(TenantOnlyAuthentication):
    """Keys live in the workspace's schema: never consulted on the public host."""

    def authenticate_workspace(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        from .errors import ApiKeyRejected
        from .services import api_key_authenticate

        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the key as “Authorization: Api-Key <key>”."), code=ApiKeyRejected.code)

        try:
            api_key = api_key_authenticate(raw=parts[1].decode("latin-1"))
        except ApiKeyRejected as rejected:
            raise AuthenticationFailed(rejected.message, code=rejected.code) from None
        return ApiKeyPrincipal(api_key), api_key

    def authenticate_header(self, request):
        return "Api-Key"
