"""HTTP benchmarks through the real web server: gunicorn (sync workers, DEBUG off) against
the perf database, driven by wrk, with latency percentiles and worker memory.

    with perf_database():            # _setup: the throwaway database (DATABASE_URL set)
        ...create data...
        with Gunicorn("tests.perf.settings_perf") as server:
            figures = server.wrk("/api/v1/perf/ok/", host="acme.localhost")
            memory = server.worker_rss_mb()

wrk comes from Debian (`bash tests/tools/ensure_system_tools.sh perf` installs it). Every
response must be 2xx: a run that saw anything else (a 429, a 404, a redirect) or a socket
error raises instead of reporting the latency of refusals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from _setup import ROOT

WORKERS = 2
# Connections wrk keeps open: two per worker keeps both busy without queueing much.
CONNECTIONS = int(os.environ.get("PERF_CONNECTIONS", 4))
DURATION = os.environ.get("PERF_DURATION", "10s")  # per measured run (wrk -d)
LOGS = ROOT / "test-artifacts"

# wrk's Lua hooks: count non-2xx responses per thread, and print one JSON line at the end.
_WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non_2xx = 0; first_status = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then
    if non_2xx == 0 then first_status = status end
    non_2xx = non_2xx + 1
  end
end
function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, thread in ipairs(threads) do
    local count = thread:get("non_2xx")
    if count > 0 and first == 0 then first = thread:get("first_status") end
    bad = bad + count
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "first_non_2xx": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, bad, first, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


class HttpBenchmarkError(RuntimeError):
    pass


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        subprocess.run(["bash", str(ROOT / "tests" / "tools" / "ensure_system_tools.sh"), "perf"], check=False)
        found = shutil.which("wrk")
    if found is None:
        raise HttpBenchmarkError("wrk is not installed: run `bash tests/tools/ensure_system_tools.sh perf` "
                                 "(apt-get install wrk)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def cpu_ns(pid: int) -> int:
    """CPU time a process's threads have had so far, in ns (/proc schedstat: precise, unlike
    the 10 ms ticks of /proc/<pid>/stat); 0 once it is gone."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


class Gunicorn:
    """gunicorn `platform_.wsgi` with `settings` (a settings module), 2 sync workers, on a
    free port; the environment (DATABASE_URL, CACHE_KEY_PREFIX...) is this process's.
    `root`: another checkout of the project to serve (a before/after comparison)."""

    def __init__(self, settings: str, *, ready_path: str = "/health/live/", ready_host: str = "localhost",
                 workers: int = WORKERS, env: dict | None = None, root: Path = ROOT):
        self.settings, self.workers, self.root = settings, workers, Path(root)
        self.ready_path, self.ready_host = ready_path, ready_host
        self.port = _free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.env.pop("PYTEST_XDIST_WORKER", None)
        LOGS.mkdir(exist_ok=True)
        self.log = LOGS / f"perf-gunicorn-{settings.rsplit('.', 1)[-1]}-{os.getpid()}.log"
        self.process: subprocess.Popen | None = None
        self.wrk_binary = ensure_wrk()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Gunicorn:
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "platform_.wsgi", "--workers", str(self.workers),
                 "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
                cwd=self.root, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        request = urllib.request.Request(self.url(self.ready_path), headers={"Host": self.ready_host})
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HttpBenchmarkError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if 200 <= response.status < 300 and len(self.worker_pids()) == self.workers:
                        return
            except (OSError, urllib.error.URLError) as exc:
                last = exc
            time.sleep(0.2)
        raise HttpBenchmarkError(f"gunicorn not ready ({last}):\n{self.log.read_text()[-3000:]}")

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def worker_rss_mb(self) -> list[float]:
        return [mb for mb in (rss_mb(pid) for pid in self.worker_pids()) if mb is not None]

    def worker_cpu_ns(self) -> int:
        return sum(cpu_ns(pid) for pid in self.worker_pids())

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def wrk(self, path: str, *, host: str, headers: dict | None = None, duration: str = DURATION,
            connections: int = CONNECTIONS, threads: int = 1) -> dict:
        """One wrk run against `path` on `host`: req/s and latency percentiles in ms.
        `cpu_ms`: the workers' CPU time per request, which load elsewhere on the machine
        disturbs far less than req/s. Raises when any response was not 2xx or a socket error
        occurred."""
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_WRK_SCRIPT)
        command = [self.wrk_binary, "-t", str(threads), "-c", str(connections), "-d", duration,
                   "-s", script.name, "-H", f"Host: {host}"]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        cpu_before = self.worker_cpu_ns()
        try:
            result = subprocess.run([*command, self.url(path)], capture_output=True, text=True, timeout=600)
        finally:
            os.unlink(script.name)
        cpu = self.worker_cpu_ns() - cpu_before
        line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
        if result.returncode != 0 or line is None:
            raise HttpBenchmarkError(f"wrk failed on {host}{path}:\n{result.stdout}\n{result.stderr}")
        raw = json.loads(line.removeprefix("WRK_JSON "))
        if raw["non_2xx"] or raw["socket_errors"] or not raw["requests"]:
            raise HttpBenchmarkError(
                f"{host}{path}: {raw['non_2xx']} of {raw['requests']} responses were not 2xx (first: "
                f"{raw['first_non_2xx']}), {raw['socket_errors']} socket errors; see {self.log}")
        return {
            "requests": raw["requests"],
            "req_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": round(raw["p50_us"] / 1000, 2),
            "p90_ms": round(raw["p90_us"] / 1000, 2),
            "p99_ms": round(raw["p99_us"] / 1000, 2),
            "mean_ms": round(raw["mean_us"] / 1000, 2),
            "cpu_ms": round(cpu / 1e6 / raw["requests"], 3),
        }

    def get(self, path: str, *, host: str, headers: dict | None = None) -> tuple[int, bytes]:
        """One request (checking a path answers before benchmarking it)."""
        request = urllib.request.Request(self.url(path), headers={"Host": host, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
