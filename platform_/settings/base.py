"""Settings shared by every environment. Everything configurable comes from the
environment (django-environ); `.env.example` documents each variable."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from .business import *  # noqa: F401,F403  (the platform apps' own settings)
from .environment import BASE_DIR, env
from .identity import *  # noqa: F401,F403  (social login, tokens others verify, domains, CORS)
from .queues import celery_queues

# No defaults for secrets, data stores or demo logins here: development and tests get
# theirs from platform_/settings/local.py, production from the environment (prod.py checks).
SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)

# The public (platform) host; tenants live on `<slug>.<BASE_DOMAIN>`.
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -------------------------------------------------------------------
# Public schema: the platform. Tenant schemas: everything a business owns.
SHARED_APPS = [
    # The admin theme (both admin sites) first: its admin templates win over Django's and
    # over django-tenants' colour-coded app list.
    "unfold",
    # Our apps come before django_tenants so that our `create_tenant` command (the
    # provisioning service) replaces the library's.
    "apps.core",
    "apps.tenants",
    "django_tenants",
    "apps.accounts",
    "apps.audit",
    "apps.billing",
    "apps.flags",
    "apps.ratelimit",
    "apps.industry",
    "apps.inbound",
    "apps.market",
    "apps.onboarding",
    "apps.ops",
    "apps.backups",  # per-tenant backup and restore (one schema plus its public rows)
    "apps.announcements",
    "apps.roletemplates",
    "apps.directory",  # the public directory of listed businesses (commerce, public tables)
    "apps.settlement",  # what the platform owes each tenant, period by period (commerce, public tables)
    "apps.site",  # the composition root: admin sites' wiring, home pages, seed_demo
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by us, no CDN
    "django_filters",
    "phonenumber_field",  # its Korean messages
    "guardian",
    "corsheaders",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "django_celery_beat",
]
TENANT_APPS = [
    # Sessions live per schema so that a session is bound to its host's tenant.
    "django.contrib.sessions",
    "django.contrib.admin",
    "guardian",
    "apps.rbac",
    "apps.branches",
    "apps.staff",
    "apps.crm",
    "apps.workspace",
    "apps.apikeys",
    # commerce
    "apps.catalog",
    "apps.coupons",
    "apps.orders",
    "apps.payments",
    "apps.reviews",
    "apps.consumers",
    # the domain-event outbox (apps.events), and what subscribes to it
    "apps.events",
    "apps.notifications",
    "apps.webhooks",
    # business modules on top of commerce
    "apps.academy",
    "apps.food",
    "apps.graph",  # GraphQL over the apps above (no tables)
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

# django-tenants' developer colour-coding of shared/tenant apps in the admin: never.
TENANT_COLOR_ADMIN_APPS = False

# --- Admin theme (django-unfold; one settings dict per site, apps.core.admin_sites) ---
# Titles, the sidebar (apps.core.admin_navigation) and a tenant's brand colours come from
# the sites and their policies (apps.site); these are what both share, and each look.
_UNFOLD_SHARED = {
    "SITE_URL": "/",
    "SHOW_LANGUAGES": True,  # the language switch in the user menu (Django's set_language)
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "BORDER_RADIUS": "6px",
    "STYLES": ["apps.site.theme.stylesheet"],
    "SIDEBAR": {"show_search": False, "show_all_applications": False},
}
UNFOLD_OPS = {
    **_UNFOLD_SHARED,
    "SITE_SYMBOL": "hub",
    "SITE_FAVICONS": [{"rel": "icon", "type": "image/svg+xml", "href": "apps.site.theme.favicon"}],
    "COLORS": {"primary": "apps.site.theme.ops_primary"},  # neutral: the platform's own look
}
UNFOLD_TENANT = {
    **_UNFOLD_SHARED,
    "SITE_SYMBOL": "storefront",
    "ACCOUNT": {"navigation": "apps.site.navigation.tenant_account_links"},  # password, sessions and devices
    # the workspace's colours, name and logo per request: apps.site.admin_sites.TenantPolicy
}

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "platform_.urls_public"
ROOT_URLCONF = "platform_.urls_tenant"
TENANT_LIMIT_SET_CALLS = True
# Absolute URLs we hand out (e-mails, API responses, checkout, webhooks; apps.core.urls):
# the scheme and the port people reach the platform on (empty: the scheme's default, as
# behind a proxy on 80/443). A request over TLS (SECURE_PROXY_SSL_HEADER) gets https anyway.
PUBLIC_SCHEME = env("PUBLIC_SCHEME", default="http")
PUBLIC_PORT = int(env("PUBLIC_PORT", default="") or 0) or None
# Service market (seeds/003): Standard Webhooks secret ("whsec_" + base64) for its webhooks.
SERVICE_MARKET_WEBHOOK_SECRET = env("SERVICE_MARKET_WEBHOOK_SECRET", default="")

MIDDLEWARE = [
    "apps.core.metrics.middleware.PrometheusBeforeMiddleware",  # /metrics and per-tenant counts (apps/core/metrics)
    "apps.core.middleware.RequestIdMiddleware",
    "apps.tenants.middleware.TenantRoutingMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # per workspace allow-list (apps.workspace.cors)
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.ratelimit.middleware.RateLimitHeadersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.site.middleware.AdminTimeZoneMiddleware",  # admin pages in the workspace's time zone
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.core.middleware.PlatformErrorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # account pages (allauth, the staff invitation) in the host's admin look
                "apps.site.context.admin_look",
                # HQ's announcements on tenant admin pages (read only where shown)
                "apps.site.context.announcements",
            ],
        },
    },
]

WSGI_APPLICATION = "platform_.wsgi.application"
ASGI_APPLICATION = "platform_.asgi.application"

# --- Data stores ----------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL")
}
# django-tenants backend that skips redundant SET search_path (apps/core/db_backend).
DATABASES["default"]["ENGINE"] = "apps.core.db_backend"
# Session pooling only: transaction pooling would leak search_path between tenants.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# ... and closed after this many requests (apps/core/db.py; 0: never by count). A backend keeps
# the catalog of every tenant schema it has read (30-70 KB each) for life, and age alone lets a
# busy worker's connection read thousands: 500 bounds it near 2 + 500 x 0.07 = 37 MB, while a
# reconnect (~20 ms) costs 0.04 ms a request and hits 0.2% of them, outside p99
# (tests/perf/soak_tenants.py measures both). Behind PgBouncer, its server_lifetime does this.
DATABASES["default"]["CONN_MAX_REQUESTS"] = env.int("DB_CONN_MAX_REQUESTS", default=500)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="platform"),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }
}

# --- Identity -----------------------------------------------------------------------
# Admin messages live in the session (server side), not in a cookie: some show a secret
# once (a new API key's or webhook endpoint's).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.PlatformBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"  # after allauth's log-in: the host's admin (workspace admin, ops portal)
# Lockout after repeated failures (seeds/000 User.incLoginAttempts).
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=2 * 60 * 60)
# ...and per client address (an IPv6 /64), so nobody can lock strangers out wholesale:
# this many failures per window, then refused until the window ends (Zulip: 5 per 30 min).
LOGIN_IP_MAX_FAILURES = env.int("LOGIN_IP_MAX_FAILURES", default=5)
LOGIN_IP_WINDOW_SECONDS = env.int("LOGIN_IP_WINDOW_SECONDS", default=30 * 60)
# Proxies (addresses or networks) whose X-Forwarded-For names the client (apps.core.net);
# empty: the client is REMOTE_ADDR, and the header is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# django-guardian: our users are email-only, so no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = False

# allauth: email login, mandatory verification, invite-based by default.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_OPEN = env.bool("ACCOUNT_SIGNUP_OPEN", default=False)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = PUBLIC_SCHEME
ACCOUNT_RATE_LIMITS = {"login_failed": None}  # our own lockout counts failures
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1  # accept the previous/next 30-second code (clock drift); each code works once

# Sessions: host-only cookies and per-schema tables make a session host-bound.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.accounts.authentication.TenantJWTAuthentication",
                                       "apps.apikeys.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["apps.core.filters.FilterBackend"],
    "EXCEPTION_HANDLER": "apps.core.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["apps.ratelimit.throttling.PlanRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "public_id",
    "USER_ID_CLAIM": "sub",
    "TOKEN_TYPE_CLAIM": "type",
}
# Phone numbers (django-phonenumber-field): national numbers are Korean; stored as E.164.
PHONENUMBER_DEFAULT_REGION = "KR"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"
SPECTACULAR_SETTINGS = {
    "TITLE": "Platform API",
    "DESCRIPTION": "Tenant and consumer API. Every error has the shape "
    '{"error": {"code": "...", "message": "...", "details": {...}}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # ~150 operations: the tags folded (one click opens one) and a filter box, so the page
    # draws at once instead of every operation
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "filter": True, "deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    # The default hook, then the registry of error codes in the error schema.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "apps.core.openapi.document_error_codes"],
    # Several models have a `kind`: each enum gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {"OrderKindEnum": "apps.orders.models.Order.Kind",
                            "CouponKindEnum": "apps.coupons.models.Coupon.Kind",
                            "ItemKindEnum": "apps.catalog.models.Item.Kind",
                            "SettlementStatusEnum": "apps.settlement.models.SettlementBatch.Status"},
}

# --- Celery -------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
vars().update(celery_queues(env("CELERY_QUEUE", default="platform")))  # platform_/settings/queues.py
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "apps.core.beat:SingleBeatScheduler"  # one beat at a time
CELERY_TIMEZONE = "UTC"
# Workers log through LOGGING (JSON, request ids, personal data masked), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every task is limited to CELERY_TASK_TIME_LIMIT seconds (a hard kill), and a message a
# worker took but did not acknowledge (acks_late: it died) goes back to the queue after the
# broker's visibility timeout, which must outlast the longest task, or a task still running
# would be delivered a second time (tests/test_task_safety.py checks both).
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
# Every worker looks for such messages every 10 s (kombu's default: every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
                                   "unacked_restore_interval": 10, "unacked_restore_throttle": 1}

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# --- Email --------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Platform <no-reply@localhost>")
# Or any django-anymail backend, e.g. anymail.backends.sendgrid.EmailBackend with
# ANYMAIL={"SENDGRID_API_KEY": "..."} (JSON).
if env("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
ANYMAIL = env.json("ANYMAIL", default={})

# --- Demo (make run) ----------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")
# The demo HQ login's authenticator secret (base32); `manage.py demo_totp` prints its code.
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="")
# Port of the development web server (`make run`).
LOCAL_WEB_PORT = env.int("PORT", default=8000)

# --- Logging: JSON lines with request id, tenant and user --------------------------
# Every record is written once, by the root handler; every request is one record
# ("apps.core.requests", from apps.core.middleware). LOG_FORMAT=text for people (dev).
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "apps.core.logging.RequestContextFilter"},
                # personal data and secrets masked in every record (apps/core/logmask.py)
                "pii": {"()": "apps.core.logmask.PiiMaskingFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s %(user)s",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context", "pii"]},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console and mail_admins handlers on "django" would repeat as text
        # what the root handler writes.
        "django": {"handlers": [], "level": LOG_LEVEL},
        # Our request line replaces runserver's access lines (django.server) and
        # django.request's "Not Found: ..." warnings; its errors (tracebacks) stay.
        "django.server": {"handlers": ["null"], "propagate": False},
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
    },
}
