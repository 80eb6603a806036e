"""What the platform's own apps are configured with: tenant lifecycle and provisioning,
domain events, billing, order payments, rate limits, outbound webhooks, notifications.
Imported by base.py (one namespace for every environment); framework and infrastructure
settings stay in base.py. Every variable is documented in `.env.example`."""

from .environment import BASE_DIR as _BASE_DIR
from .environment import env

# --- Tenants (apps.tenants, apps.onboarding) -------------------------------------------
# What provisioning puts into a new tenant schema, in order (apps.tenants.services).
PROVISIONING_STEPS = [
    "apps.roletemplates.provisioning.tenant_roles",
    "apps.industry.services.provisioning_apply_template",
    # message templates per event (after the industry template's own, which win)
    "apps.notifications.provisioning.seed_default_templates",
    # the workspace's webhook signing secret (the owner sees it once)
    "apps.webhooks.provisioning.issue_signing_secret",
    # the academy's message templates (attendance, cancelled and moved sessions, offers), academies only
    "apps.academy.provisioning.seed_academy_templates",
    # the restaurant's message templates (the owner told when a branch stops taking orders), food only
    "apps.food.provisioning.seed_food_templates",
    "apps.billing.subscriptions.provisioning_start_subscription",
]
# New tenant schemas are copied from a migrated template schema (apps.tenants.schema_template,
# ~0.3 s instead of ~5 s of migrations); False migrates each new schema (django-tenants).
TENANT_SCHEMA_FROM_TEMPLATE = env.bool("TENANT_SCHEMA_FROM_TEMPLATE", default=True)
TENANT_TEMPLATE_SCHEMA = "_tenant_template"  # no tenant slug can produce it (they start with a letter)
# Domain events (apps.events): payloads checked against the catalogue's schemas while
# developing and testing; the beat sweep dispatches events left undispatched this long.
EVENTS_VALIDATE_PAYLOADS = env.bool("EVENTS_VALIDATE_PAYLOADS", default=False)
EVENTS_SWEEP_AFTER_SECONDS = env.int("EVENTS_SWEEP_AFTER_SECONDS", default=30)
# How long a host -> tenant lookup stays cached (invalidated on every change anyway).
TENANT_ROUTING_CACHE_SECONDS = env.int("TENANT_ROUTING_CACHE_SECONDS", default=300)
# How long a process serves the routing it read without asking Redis whether it changed: a
# tenant suspended, moved or renamed by another process is seen by this one that much later
# (0: every request reads the versions; one Redis round trip each).
TENANT_ROUTING_LOCAL_SECONDS = env.float("TENANT_ROUTING_LOCAL_SECONDS", default=2.0)
# Values a web process keeps in its memory besides Redis (apps.core.cache, local=True: a
# tenant's routing and plan limits, flags, access snapshots); beyond this many the least
# recently used go. About 3 KB each: 25,000 is 75 MB at most per process, room for 10,000
# tenants' routing and limits.
CACHE_LOCAL_MAX_ENTRIES = env.int("CACHE_LOCAL_MAX_ENTRIES", default=25_000)
# A web worker starts with the routing and plan limits of the tenants' hosts that Redis
# holds (apps.tenants.routing.routing_preload; 10,000 tenants: about 0.35 s of CPU, 26-43 MB):
# without, most requests of a new worker at many tenants each read them from Redis first.
TENANT_ROUTING_PRELOAD = env.bool("TENANT_ROUTING_PRELOAD", default=True)
# What customers read of a catalog (the open categories, items and an item, apps.catalog) is
# answered from Redis until a catalog write commits, this long at most (0: never cached).
CATALOG_OPEN_CACHE_SECONDS = env.int("CATALOG_OPEN_CACHE_SECONDS", default=600)
# Soft-deleted tenants can be restored for this long; then beat purges their schema.
TENANT_RETENTION_DAYS = env.int("TENANT_RETENTION_DAYS", default=30)
# Demo tenants (kind demo) last this long unless the service market gives an end date;
# their owner is told this many days before, then beat suspends them.
TENANT_DEMO_DAYS = env.int("TENANT_DEMO_DAYS", default=14)
TENANT_DEMO_NOTICE_DAYS = env.int("TENANT_DEMO_NOTICE_DAYS", default=3)
# Onboarding four-eyes rule: one person may not approve two stages of the same tenant.
# False relaxes it for small teams; each approval it would have refused is then audited.
ONBOARDING_FOUR_EYES = env.bool("ONBOARDING_FOUR_EYES", default=True)

# --- Billing (apps.billing) -------------------------------------------------------------
BILLING_PAYMENT_PROVIDER = env("BILLING_PAYMENT_PROVIDER", default="apps.billing.providers.SandboxProvider")
# Standard Webhooks secret shared with the payment provider ("whsec_" + base64).
BILLING_WEBHOOK_SECRET = env("BILLING_WEBHOOK_SECRET", default="")
# Where the sandbox provider posts its webhooks; empty: the platform's own endpoint on the
# public host (built by apps.core.urls).
BILLING_SANDBOX_WEBHOOK_URL = env("BILLING_SANDBOX_WEBHOOK_URL", default="")
BILLING_TAX_RATE = env.float("BILLING_TAX_RATE", default=0.10)  # Korean VAT
# The currency of the workspaces' catalogs, orders and payments (integer minor units).
COMMERCE_CURRENCY = env("COMMERCE_CURRENCY", default="KRW")
# A flat delivery fee on delivery orders until a business module sets its own rules.
ORDERS_DELIVERY_FEE = env.int("ORDERS_DELIVERY_FEE", default=0)
BILLING_DUE_DAYS = env.int("BILLING_DUE_DAYS", default=7)
# Who issues the invoices: the seller block of the printable invoice (empty parts are left out).
BILLING_ISSUER = {
    "name": env("BILLING_ISSUER_NAME", default="Platform Co., Ltd."),
    "registration_number": env("BILLING_ISSUER_REGISTRATION_NUMBER", default=""),  # business registration no.
    "address": env("BILLING_ISSUER_ADDRESS", default=""),
    "email": env("BILLING_ISSUER_EMAIL", default=""),
    "representative": env("BILLING_ISSUER_REPRESENTATIVE", default=""),  # 대표자, on tax invoices
}
# Dunning: retry a failed payment this many days after the first failure, then suspend
# the tenant when the grace period ends unpaid.
BILLING_DUNNING_RETRY_DAYS = [int(d) for d in env.list("BILLING_DUNNING_RETRY_DAYS", default=["1", "3", "5"])]
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=7)
# Usage alerts (apps.billing.usage_alerts): the owner is e-mailed when a metered quantity
# (API calls this month, staff, branches, storage) reaches these percentages of its plan
# limit, once per threshold per month.
USAGE_ALERT_THRESHOLDS = sorted(int(p) for p in env.list("USAGE_ALERT_THRESHOLDS", default=["80", "100"]))

# --- Order payments (apps.payments): each workspace is the merchant --------------------
PAYMENTS_PROVIDER = env("PAYMENTS_PROVIDER", default="apps.payments.providers.SandboxMerchantProvider")
# Standard Webhooks secret shared with the merchant payment provider ("whsec_" + base64).
PAYMENTS_WEBHOOK_SECRET = env("PAYMENTS_WEBHOOK_SECRET", default="")
# The sandbox provider's fee, in percent of each captured payment (recorded for settlement).
PAYMENTS_SANDBOX_FEE_RATE = env("PAYMENTS_SANDBOX_FEE_RATE", default="3.3")

# --- Settlement (apps.settlement) -----------------------------------------------------
# VAT on the platform's commission, in percent (the commission is the platform's supply).
SETTLEMENT_VAT_RATE = env("SETTLEMENT_VAT_RATE", default="10")
# A period is settled this long after its midnight, so that a payment recorded in the
# period's last second has committed.
SETTLEMENT_GRACE_MINUTES = env.int("SETTLEMENT_GRACE_MINUTES", default=15)
# A tenant's periods settled per task at most (a tenant catching up after a long pause).
SETTLEMENT_MAX_PERIODS_PER_TASK = 400

# API rate limits per minute (apps.ratelimit); the tenant-wide limit comes from its plan.
RATELIMIT_USER_PER_MINUTE = env.int("RATELIMIT_USER_PER_MINUTE", default=300)
RATELIMIT_API_KEY_PER_MINUTE = env.int("RATELIMIT_API_KEY_PER_MINUTE", default=600)
RATELIMIT_ANON_PER_MINUTE = env.int("RATELIMIT_ANON_PER_MINUTE", default=120)
# Where a tenant's limits come from ({"api_requests_per_minute", "api_requests_per_month"}):
# its plan and add-ons. Named here (the composition root) so that ratelimit, which only
# counts, sits below billing, which owns plans and reads the monthly usage it counts.
RATELIMIT_TENANT_LIMITS = "apps.billing.limits.tenant_limits"
# Redis unreachable: API requests (and failed logins) go uncounted and are let through
# (true), or are refused with 503 service_unavailable (false) until it answers again.
RATELIMIT_FAIL_OPEN = env.bool("RATELIMIT_FAIL_OPEN", default=True)

# --- Outbound webhooks (apps.webhooks) -------------------------------------------------
# Production refuses endpoints on private, loopback and link-local addresses (SSRF);
# development and tests deliver to loopback receivers.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOKS_SECRET_OVERLAP_HOURS = env.int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24)  # old and new both sign
WEBHOOKS_TIMEOUT_SECONDS = 15
WEBHOOKS_DNS_TIMEOUT_SECONDS = 5  # a host whose lookup hangs is a timeout (retried)
WEBHOOKS_REPLAY_MAX_DAYS = 30  # how far back "send again since" may reach
WEBHOOKS_WARN_AFTER_DAYS = 3  # failing this long: the owner is e-mailed
WEBHOOKS_DISABLE_AFTER_DAYS = 5  # then the endpoint is disabled
# Fernet keys for the stored signing secrets: the first encrypts, all decrypt (rotation).
# Without any, a key is derived from SECRET_KEY (prod requires them).
WEBHOOKS_ENCRYPTION_KEYS = env.list("WEBHOOKS_ENCRYPTION_KEYS", default=[])

# --- Notifications (apps.notifications) -----------------------------------------------
# SMS and Kakao AlimTalk providers: the sandbox records messages (shown in the admin);
# apps.notifications.channels.solapi.SolapiProvider sends through Solapi.
NOTIFICATIONS_SMS_PROVIDER = env("NOTIFICATIONS_SMS_PROVIDER",
                                 default="apps.notifications.channels.sandbox.SandboxProvider")
NOTIFICATIONS_ALIMTALK_PROVIDER = env("NOTIFICATIONS_ALIMTALK_PROVIDER",
                                      default="apps.notifications.channels.sandbox.SandboxProvider")
NOTIFICATIONS_SMS_SENDER = env("NOTIFICATIONS_SMS_SENDER", default="")  # the registered sending number
# SMS / AlimTalk wait for the end of these local hours of the workspace ("" for none).
NOTIFICATIONS_QUIET_HOURS = env("NOTIFICATIONS_QUIET_HOURS", default="21:00-08:00")
SOLAPI_API_KEY = env("SOLAPI_API_KEY", default="")
SOLAPI_API_SECRET = env("SOLAPI_API_SECRET", default="")
SOLAPI_KAKAO_PF_ID = env("SOLAPI_KAKAO_PF_ID", default="")

# --- Academy (apps.academy) -----------------------------------------------------------
ACADEMY_OFFER_HOURS = 24  # a freed seat offered to the first on the waitlist this long
ACADEMY_SESSION_HORIZON_DAYS = 28  # sessions generated this far ahead (daily beat)
ACADEMY_CHECK_IN_OPENS_MINUTES = 30  # kiosk check-in opens this long before a session
ACADEMY_LATE_AFTER_MINUTES = 10  # a check-in this long after the start counts as late

# Who may read /metrics and the workers' metrics (apps/core/metrics/access.py): a bearer token,
# or these client networks.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
PROMETHEUS_EXPORT_MIGRATIONS = False  # no database query at start
# At most this many tenants get their own `tenant` label on the per-tenant counters; the rest
# count under "other" (0: none labelled). Why and how: apps/core/metrics/tenants.py.
METRICS_TENANT_LABELS = env.int("METRICS_TENANT_LABELS", default=1000)
# Likewise for the `operation` label of the GraphQL counters (operation names are the clients').
METRICS_GRAPHQL_OPERATION_LABELS = env.int("METRICS_GRAPHQL_OPERATION_LABELS", default=200)
# A Celery worker serves its own metrics on this port when set (0: not served), from its
# main process, to the same callers as /metrics (apps/core/metrics/workers.py).
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDRESS = env("WORKER_METRICS_ADDRESS", default="127.0.0.1")
# The key of the logs' keyed hashes of e-mails and phone numbers (apps/core/logmask.py).
LOG_MASK_KEY = env("LOG_MASK_KEY", default="")

# --- Data exports (apps.workspace.export) ----------------------------------------------
# Where export files are kept (one folder per tenant schema; never under MEDIA_ROOT: they
# are served only through a signed link), how long a link works once issued (seconds), and
# how many days a file is kept before the daily prune removes it.
EXPORTS_ROOT = env("EXPORTS_ROOT", default=str(_BASE_DIR / "var" / "exports"))
EXPORT_LINK_MAX_AGE = env.int("EXPORT_LINK_MAX_AGE", default=3600)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)

# --- Failed tasks and retention (apps.ops.failed_tasks, apps.ops.retention, apps.audit.retention) ---
# Fernet keys for the failed tasks' arguments kept for "Retry": the first encrypts, all
# decrypt (rotation). Without any, a key is derived from SECRET_KEY.
FAILED_TASKS_ENCRYPTION_KEYS = env.list("FAILED_TASKS_ENCRYPTION_KEYS", default=[])
# Retention (seed 004 §8.6: operational logs 6 months). The daily beat (apps.ops.schedules)
# archives audit events older than AUDIT_RETENTION_DAYS to ARCHIVE_ROOT (gzipped JSON lines,
# one file per chain segment, with a signed checkpoint row) and deletes them from the
# database; deletes failed tasks dismissed or retried, and inbound webhooks processed or
# rejected, longer ago than their periods. 0 turns a rule off.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
FAILED_TASKS_RETENTION_DAYS = env.int("FAILED_TASKS_RETENTION_DAYS", default=180)
INBOUND_RETENTION_DAYS = env.int("INBOUND_RETENTION_DAYS", default=180)
ARCHIVE_ROOT = env("ARCHIVE_ROOT", default=str(_BASE_DIR / "var" / "archive"))
# The HMAC key that signs audit checkpoints (empty: derived from SECRET_KEY). Keep it, or
# the archived segments can no longer be verified.
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", default="")

# --- Backups (apps.backups) ------------------------------------------------------------
# Where tenant backups are written (one folder per tenant slug): `manage.py tenant_backup`
# without --output, the portal's "Back up now" and the scheduled backups.
BACKUP_ROOT = env("BACKUP_ROOT", default=str(_BASE_DIR / "var" / "backups"))
# The HMAC key that signs each backup's manifest (empty: derived from SECRET_KEY). A backup
# restores only where this key (or SECRET_KEY) is the one that signed it.
BACKUP_SIGNING_KEY = env("BACKUP_SIGNING_KEY", default="")
# Daily backups of tenants on a paid plan: how many are kept; per plan code (0: none made),
# e.g. BACKUP_PLAN_KEEP=starter=3,enterprise=30. Manual and pre-restore backups are kept
# BACKUP_KEEP_DAYS.
BACKUP_SCHEDULED_KEEP = env.int("BACKUP_SCHEDULED_KEEP", default=7)
BACKUP_PLAN_KEEP = {code: int(keep) for code, keep in env.dict("BACKUP_PLAN_KEEP", default={}).items()}
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=30)

# --- GraphQL (apps.graph, `/graphql/` on tenant hosts) -----------------------------------
# Introspection and the GraphiQL page: on unless turned off (production may hide its schema:
# GRAPHQL_INTROSPECTION=false, GRAPHQL_IDE=false). Every query is bounded by its depth, its
# number of tokens and aliases and its size in bytes; past them it is refused with a clear error.
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=True)
GRAPHQL_IDE = env.bool("GRAPHQL_IDE", default=True)
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=8)
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=2000)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=50)  # each alias of a list is one more list read
GRAPHQL_MAX_BYTES = env.int("GRAPHQL_MAX_BYTES", default=20000)
