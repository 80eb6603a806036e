from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from apps.accounts.errors import HubScopeMissing

from .errors import InvalidApiKey
from .models import PlatformApiKey
from .services import apikey_authenticate


class PlatformApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>` (or `X-API-Key: <key>`): the request acts as that key."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        raw = header[len(self.keyword) + 1:] if header.startswith(f"{self.keyword} ") else request.headers.get(
            "X-API-Key", "")
        if not raw:
            return None
        try:
            key = apikey_authenticate(raw=raw)
        except InvalidApiKey as exc:
            raise AuthenticationFailed(exc.message, code=exc.code) from exc
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), key

    def authenticate_header(self, request):
        return self.keyword


class HasPlatformApiKey(BasePermission):
    """A platform API key holding the view's `platform_scope` (PlatformApiKey.Scope);
    another key: 403 `scope_missing`."""

    def has_permission(self, request, view):
        if not isinstance(request.auth, PlatformApiKey):
            return False
        scope = view.platform_scope
        if scope not in request.auth.scopes:
            raise HubScopeMissing(scope)
        return True
