"""Label values that stay bounded: the first N values seen since the metrics were reset get
a label of their own, every later one counts as "other" (the totals stay exact; only the
breakdown is capped). Used for the tenant label (apps.core.metrics.tenants) and GraphQL
operation names (apps.graph.monitoring): both are chosen by the world, not by us.

The choice is shared by every process of one server: a per-process cap would not bound
anything in multiprocess mode (a dead worker's files are kept and summed, and each new
worker would choose its own values). So it is kept in a file in PROMETHEUS_MULTIPROC_DIR,
beside the samples and emptied with them; a process reads it once per value it has not
seen yet (under a file lock, appending while there is room) and remembers the answer.
Without a multiprocess directory (one process: development, tests) it lives in the process.
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.conf import settings

OTHER = "other"


class BoundedLabels:
    def __init__(self, file_name: str, limit_setting: str):
        self.file_name = file_name
        self.limit_setting = limit_setting  # the name of the setting holding N (0: no own labels)
        self._lock = threading.Lock()
        self._decided: dict[str, str] = {}  # value -> label, final once decided
        self._chosen: set[str] = set()  # the values labelled, as last read (or, without a directory, chosen here)

    def label(self, value: str) -> str:
        found = self._decided.get(value)
        if found is None:
            with self._lock:
                found = self._decided.get(value) or self._decide(value)
                self._decided[value] = found
        return found

    def _decide(self, value: str) -> str:
        limit = getattr(settings, self.limit_setting)
        if limit <= 0:
            return OTHER
        if value in self._chosen:
            return value
        if len(self._chosen) >= limit:  # full: the file only grows, so nothing to read
            return OTHER
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not directory:
            self._chosen.add(value)
            return value
        with open(os.path.join(directory, self.file_name), "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when closed
            handle.seek(0)
            self._chosen.update(handle.read().split())
            if value in self._chosen:
                return value
            if len(self._chosen) >= limit:
                return OTHER
            handle.write(f"{value}\n")
            handle.flush()
        self._chosen.add(value)
        return value

    def forget(self) -> None:
        """Forget this process's choices (tests that change the limit)."""
        with self._lock:
            self._decided.clear()
            self._chosen.clear()
