"""The identity hub's settings: social login (Kakao, Naver), the tokens other services
verify, custom domains and CORS."""

from corsheaders.defaults import default_headers

from .environment import env

# Kakao and Naver login (apps.accounts.social): our subclasses of allauth's providers, whose
# endpoints come from these base URLs (tests and staging point them at a double).
KAKAO_AUTH_URL = env("KAKAO_AUTH_URL", default="https://kauth.kakao.com").rstrip("/")
KAKAO_API_URL = env("KAKAO_API_URL", default="https://kapi.kakao.com").rstrip("/")
NAVER_AUTH_URL = env("NAVER_AUTH_URL", default="https://nid.naver.com").rstrip("/")
NAVER_API_URL = env("NAVER_API_URL", default="https://openapi.naver.com").rstrip("/")
SOCIAL_PROVIDER_TIMEOUT = env.int("SOCIAL_PROVIDER_TIMEOUT", default=10)  # seconds, the app flow's user-info call
SOCIALACCOUNT_ADAPTER = "apps.accounts.social.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_REQUIRED = True  # Kakao without a business app sends none: the person gives one
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"  # ...and verifies it before the account is usable
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never log into an existing account by e-mail alone
SOCIALACCOUNT_PROVIDERS = {}
for _provider, _class in (("kakao", "KakaoProvider"), ("naver", "NaverProvider")):
    SOCIALACCOUNT_PROVIDERS[_provider] = {"provider_class": f"apps.accounts.social.providers.{_class}"}
    _client_id = env(f"{_provider.upper()}_CLIENT_ID", default="")
    if _client_id:
        SOCIALACCOUNT_PROVIDERS[_provider]["APPS"] = [
            {"client_id": _client_id, "secret": env(f"{_provider.upper()}_SECRET", default="")}]

# Custom domains (apps.tenants.domains): the CNAME target owners point their domain at
# (empty: domains.<BASE_DOMAIN>), the resolvers that verify the TXT record ("ip" or
# "ip:port"; empty: the system's), and how long a verified domain whose record disappeared
# keeps routing before it is disabled.
CUSTOM_DOMAIN_CNAME_TARGET = env("CUSTOM_DOMAIN_CNAME_TARGET", default="")
DNS_RESOLVERS = env.list("DNS_RESOLVERS", default=[])
DNS_TIMEOUT_SECONDS = env.float("DNS_TIMEOUT_SECONDS", default=5.0)
DOMAIN_FAILING_GRACE_HOURS = env.int("DOMAIN_FAILING_GRACE_HOURS", default=72)

# --- Tokens other services verify (apps.accounts.keys, apps.accounts.jwks) ---------------
from datetime import datetime as _datetime  # noqa: E402

from .environment import BASE_DIR as _BASE_DIR  # noqa: E402

# PEMs (private; retired keys may be public only): the first signs, the others still verify
# and stay in /.well-known/jwks.json. Newlines may be written as \n.
JWT_PRIVATE_KEYS = [f"-----BEGIN{_pem}".strip()
                    for _pem in env("JWT_PRIVATE_KEYS", default="").replace("\\n", "\n").split("-----BEGIN")[1:]]
# Without JWT_PRIVATE_KEYS (development, tests): the key generated once and kept here.
# Production has none (platform_/settings/prod.py refuses to start without keys).
JWT_GENERATED_KEY_FILE = str(_BASE_DIR / "var" / "jwt-signing-key.pem")
# HS256 tokens signed with the old shared secret (JWT_SIGNING_KEY) are accepted until this
# moment (ISO 8601, e.g. 2026-12-09T00:00:00+00:00); unset: refused.
_hs256_until = env("JWT_HS256_ACCEPTED_UNTIL", default="")
JWT_HS256_ACCEPTED_UNTIL = _datetime.fromisoformat(_hs256_until) if _hs256_until else None
# How long clients may cache the JWKS (seconds): a new key is published this long before it signs.
JWT_JWKS_MAX_AGE = env.int("JWT_JWKS_MAX_AGE", default=300)

# CORS (django-cors-headers): only the workspace API, only for the workspace's own
# allow-list (apps.workspace.cors answers cors-headers' check_request_enabled signal).
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_HEADERS = (*default_headers, "x-tenant", "idempotency-key")
CORS_EXPOSE_HEADERS = ["X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
CORS_PREFLIGHT_MAX_AGE = 600
