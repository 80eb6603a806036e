"""gunicorn's settings file (docker/entrypoint.sh: `-c docker/gunicorn.conf.py`); the other
options stay on the command line. With PROMETHEUS_MULTIPROC_DIR set, each worker writes its
metrics to files there and /metrics adds them up (apps/core/metrics.py): a worker that
exits has its live gauges' files marked dead, so they stop counting."""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
