import time

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication

from apps.core.authentication import TenantOnlyAuthentication
from apps.core.logging import bind

from . import selectors

VERIFIED_TOKENS_KEPT = 4096
"""Access tokens whose signature this process has checked, kept until they expire (a
bounded memo, emptied when full): the token arrives with every request of a session, and
decoding and verifying it again cost about a sixth of a cached GET /api/v1/me/."""

_verified: dict[bytes, tuple[float, object]] = {}


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
        bind(user=str(user.public_id), **({"branch": str(token["branch"])} if token.get("branch") else {}))
        return user, token

    def get_validated_token(self, raw_token: bytes):
        """simplejwt's check (signature, type, expiry), once per token and process: a token
        seen before is trusted again until its `exp` (minus the leeway), then checked in
        full, which refuses it as expired. The memo holds only tokens that passed."""
        key = bytes(raw_token)
        known = _verified.get(key)
        if known is not None and time.time() < known[0]:
            return known[1]
        token = super().get_validated_token(raw_token)
        expires = token.payload.get("exp")
        if isinstance(expires, int | float):
            if len(_verified) >= VERIFIED_TOKENS_KEPT:
                _verified.clear()
            leeway = token.get_token_backend().get_leeway().total_seconds()
            _verified[key] = (expires + leeway, token)
        return token


def forget_verified_tokens() -> None:
    """Empty the memo (tests that change the signing key or the clock)."""
    _verified.clear()

