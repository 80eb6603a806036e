#!/bin/sh
# web: migrate the public schema and every tenant schema that exists (tenants awaiting
# approval, failed or purged have none: apps/tenants/management/commands/migrate_schemas.py
# lists them as skipped), ensure the public tenant, serve with gunicorn. Requests are
# logged once, as JSON, by apps.core.middleware (no gunicorn access log). Workers are replaced
# after WEB_MAX_REQUESTS requests (default 1000, give or take WEB_MAX_REQUESTS_JITTER): a bound
# on leaks in Python; database backends are recycled sooner and more cheaply by
# DB_CONN_MAX_REQUESTS (platform_/settings/base.py), a worker's start costing seconds of CPU.
# worker / beat: Celery (below). Anything else runs as a command (e.g. `manage.py shell`).
set -e
case "$1" in
  web)
    python manage.py migrate_schemas --noinput
    python manage.py setup_platform
    # docker/gunicorn.conf.py: the workers' metrics directory (PROMETHEUS_MULTIPROC_DIR)
    exec gunicorn platform_.wsgi:application -c docker/gunicorn.conf.py --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" --max-requests "${WEB_MAX_REQUESTS:-1000}" \
      --max-requests-jitter "${WEB_MAX_REQUESTS_JITTER:-100}" \
      --forwarded-allow-ips "*"
    ;;
  worker)
    # WORKER_QUEUES: the queues this worker takes, comma-separated (platform_/settings/queues.py:
    # platform, platform.provisioning, platform.webhooks, platform.notifications,
    # platform.settlement); every queue when unset.
    # Metrics (apps/core/metrics/workers.py): the prefork children write their samples to a
    # directory of the worker's own, emptied here before any process imports prometheus_client;
    # the main process serves them on WORKER_METRICS_PORT when set.
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus-worker}"
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    set -- celery -A platform_ worker -l info --concurrency "${WORKER_CONCURRENCY:-2}" \
      --max-tasks-per-child "${WORKER_MAX_TASKS_PER_CHILD:-200}"
    if [ -n "${WORKER_QUEUES:-}" ]; then set -- "$@" -Q "$WORKER_QUEUES"; fi
    exec "$@"
    ;;
  beat)
    # One beat sends the schedule: a second one stands by until the first is gone
    # (apps/core/beat.py holds a PostgreSQL advisory lock), so two replicas are harmless.
    exec celery -A platform_ beat -l info --scheduler apps.core.beat:SingleBeatScheduler
    ;;
  *)
    exec "$@"
    ;;
esac
