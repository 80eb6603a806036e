from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication

from apps.core.authentication import TenantOnlyAuthentication

from . import selectors


class TenantJWTAuthentication(TenantOnlyAuthentication, JWTAuthentication):
    """Bearer JWTs that work only on their own tenant's host, for active members only."""

    def authenticate_workspace(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        token = self.get_validated_token(raw_token)
        # Not at the top: DRF imports this module while rest_framework.views, which the
        # error classes need, is loading.
        from .errors import MembershipInactive, TokenTenantMismatch

        tenant = getattr(request, "tenant", None)
        if tenant is None or token.get("tenant") != tenant.slug:
            raise AuthenticationFailed(TokenTenantMismatch.message, code=TokenTenantMismatch.code)
        user = selectors.member_for_token(public_id=token.get("sub"), tenant=tenant)
        if user is None:
            raise AuthenticationFailed(MembershipInactive.message, code=MembershipInactive.code)
        return user, token
