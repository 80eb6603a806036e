"""Production settings: refuse to start without real secrets and hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the platform's hosts (e.g. .example.com).")
for _secret in ("SERVICE_MARKET_WEBHOOK_SECRET", "BILLING_WEBHOOK_SECRET", "PAYMENTS_WEBHOOK_SECRET"):
    if not env(_secret, default=""):
        raise ImproperlyConfigured(f"{_secret} must be set: a Standard Webhooks secret (whsec_...).")
# The sandbox's test cards "pay" real invoices: only on staging, and only when asked for.
BILLING_ALLOW_SANDBOX = env.bool("BILLING_ALLOW_SANDBOX", default=False)
if BILLING_PAYMENT_PROVIDER == "apps.billing.providers.SandboxProvider" and not BILLING_ALLOW_SANDBOX:  # noqa: F405
    raise ImproperlyConfigured("BILLING_PAYMENT_PROVIDER is the sandbox provider (test cards pay invoices): "
                               "configure a real provider, or set BILLING_ALLOW_SANDBOX=true on staging.")
# Likewise for the workspaces' order payments: the sandbox's test cards "pay" real orders.
PAYMENTS_ALLOW_SANDBOX = env.bool("PAYMENTS_ALLOW_SANDBOX", default=False)
if PAYMENTS_PROVIDER == "apps.payments.providers.SandboxMerchantProvider" and not PAYMENTS_ALLOW_SANDBOX:  # noqa: F405
    raise ImproperlyConfigured("PAYMENTS_PROVIDER is the sandbox provider (test cards pay orders): "
                               "configure a real provider, or set PAYMENTS_ALLOW_SANDBOX=true on staging.")
if not WEBHOOKS_ENCRYPTION_KEYS:  # noqa: F405
    raise ImproperlyConfigured("WEBHOOKS_ENCRYPTION_KEYS must be set: Fernet keys for the stored webhook secrets "
                               "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())').")
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SIGNING_KEY", default=SECRET_KEY)  # noqa: F405
if not JWT_PRIVATE_KEYS:  # noqa: F405
    raise ImproperlyConfigured("JWT_PRIVATE_KEYS must be set: the PEM of the RSA key that signs tokens "
                               "(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048).")
JWT_GENERATED_KEY_FILE = ""  # never a generated key in production

# Static files (collected into STATIC_ROOT by the image's build) are served by the web
# process itself, hashed names cached for a year, before a request is routed to a tenant.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": env("STATICFILES_STORAGE",
                                           default="whitenoise.storage.CompressedManifestStaticFilesStorage")}}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links we hand out are https without a port unless told otherwise (apps.core.urls).
PUBLIC_SCHEME = env("PUBLIC_SCHEME", default="https")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = PUBLIC_SCHEME
