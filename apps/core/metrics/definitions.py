"""The platform's own metric objects (prometheus-client), besides django-prometheus'
request metrics. Only the three `platform_tenant_*` counters carry a tenant label, and its
values are bounded (apps.core.metrics.tenants). Created when first imported: in a process
with PROMETHEUS_MULTIPROC_DIR, that directory must exist by then."""

from prometheus_client import Counter, Histogram

# --- Per tenant (label values: apps.core.metrics.tenants.tenant_label) ---------------------
TENANT_REQUESTS = Counter(
    "platform_tenant_requests_total",
    "HTTP responses by tenant and status class (2xx, 3xx, 4xx, 5xx): requests and errors per tenant.",
    ["tenant", "status_class"])
TENANT_REQUEST_SECONDS = Counter(
    "platform_tenant_request_seconds_total",
    "Seconds spent answering the tenant's requests (divided by the requests: the mean latency).",
    ["tenant"])
TENANT_TASKS = Counter(
    "platform_tenant_tasks_total", "Celery tasks run in the tenant's schema, by outcome.", ["tenant", "outcome"])

# --- GraphQL (apps.graph.monitoring; operation names bounded as the tenants) -------------
GRAPHQL_OPERATIONS = Counter(
    "platform_graphql_operations_total",
    "GraphQL operations by operation name (\"anonymous\" when unnamed, \"other\" beyond "
    "METRICS_GRAPHQL_OPERATION_LABELS), type (query, mutation) and outcome (ok, error: a refusal or fault "
    "in the answer).", ["operation", "type", "outcome"])
GRAPHQL_SECONDS = Counter(
    "platform_graphql_operation_seconds_total",
    "Seconds spent executing GraphQL operations, by operation name (divided by the operations: the mean).",
    ["operation"])

# --- Celery tasks (apps.core.metrics.workers), counted in the worker processes ------------
TASKS = Counter("platform_celery_tasks_total",
                "Celery tasks by task name and outcome (succeeded, failed, retried, rejected, ignored, "
                "revoked, unknown).", ["task", "outcome"])
TASK_SECONDS = Histogram("platform_celery_task_duration_seconds", "How long Celery tasks ran, by task name.",
                         ["task"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900))

# --- Database (apps.core.metrics.database) ----------------------------------------------
DB_CONNECTIONS_OPENED = Counter("platform_db_connections_opened_total",
                                "Database connections opened by the platform's processes.")
