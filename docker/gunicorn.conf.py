"""gunicorn's settings file (docker/entrypoint.sh: `-c docker/gunicorn.conf.py`); the other
options stay on the command line. Metrics of several workers (apps/core/metrics): the
master sets PROMETHEUS_MULTIPROC_DIR (default /tmp/prometheus-web) and empties it before it
forks any worker, so each worker writes its samples to files there and /metrics adds them
up (the choice of tenants and GraphQL operations with their own label, *-labels.txt, is
reset with them); a worker that exits has its live gauges' files marked dead."""

import os
import shutil


def on_starting(server):
    # Set here, in the master, before any worker imports prometheus_client: forked workers
    # inherit it (the app is not preloaded).
    directory = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus-web")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
