#!/bin/sh
# web: migrate the public schema and every tenant schema that exists (tenants awaiting
# approval, failed or purged have none: apps/tenants/management/commands/migrate_schemas.py
# lists them as skipped), ensure the public tenant, serve with gunicorn. Requests are
# logged once, as JSON, by apps.core.middleware (no gunicorn access log). Workers are replaced
# after WEB_MAX_REQUESTS requests (default 1000, give or take WEB_MAX_REQUESTS_JITTER): a bound
# on leaks in Python; database backends are recycled sooner and more cheaply by
# DB_CONN_MAX_REQUESTS (platform_/settings/base.py), a worker's start costing seconds of CPU.
# worker / beat: Celery. Anything else runs as a command (e.g. `manage.py shell`).
set -e
case "$1" in
  web)
    python manage.py migrate_schemas --noinput
    python manage.py setup_platform
    exec gunicorn platform_.wsgi:application --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" --max-requests "${WEB_MAX_REQUESTS:-1000}" \
      --max-requests-jitter "${WEB_MAX_REQUESTS_JITTER:-100}" \
      --forwarded-allow-ips "*"
    ;;
  worker)
    exec celery -A platform_ worker -l info --concurrency "${WORKER_CONCURRENCY:-2}" \
      --max-tasks-per-child 200 -Q "${CELERY_QUEUE:-platform}"
    ;;
  beat)
    exec celery -A platform_ beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler
    ;;
  *)
    exec "$@"
    ;;
esac
