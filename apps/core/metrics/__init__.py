"""Prometheus metrics (django-prometheus and prometheus-client). README "Metrics" says what
an operator scrapes; this package is where each part lives:

- `views`: `/metrics` on every host (no tenant lookup: ANY_HOST_PATHS), who may read it
  (`access`), and the scrape itself: every process's samples plus the database's
  connections, read when scraped (`database`).
- `middleware`: django-prometheus' outermost middleware, which also counts each request
  against its tenant (`tenants`: the label rule that bounds the number of series).
- `workers`: Celery's signals: tasks by name and outcome with their durations, counted in
  the worker processes, and the worker's own HTTP endpoint (WORKER_METRICS_PORT).
- `definitions`: the platform's own metric objects. Apps higher up define theirs next to
  the code that counts (apps/webhooks/metrics.py, apps/notifications/metrics.py,
  apps/ratelimit/metrics.py): core imports no app.

Several processes (gunicorn's workers, Celery's prefork children): with
PROMETHEUS_MULTIPROC_DIR set (gunicorn's master empties it before it forks, see
docker/gunicorn.conf.py; docker/entrypoint.sh does it for a Celery worker), each process
writes its samples to files there and a scrape adds up every process's, whichever
process answers.

This module imports nothing: platform_/celery.py imports `workers` while Django's settings
load, and the URLconf imports `views`.
"""
