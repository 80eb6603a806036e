"""`make run` (manage.py rundev) stops, naming the culprit, when one of its processes
dies or the web server never starts listening; it never looks alive while serving nothing."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from apps.core.management.commands.rundev import Process, default_processes, parse_process
from tests.plugin import ROOT, _free_port, subprocess_env

PYTHON = shlex.quote(sys.executable)


def _rundev(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "rundev", *args], cwd=ROOT, env=subprocess_env(),
                          capture_output=True, text=True, timeout=timeout)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_process_that_dies_stops_the_others_and_fails_naming_it(tmp_path: Path):
    pid_file = tmp_path / "sleeper.pid"
    sleeper = f"""{PYTHON} -c 'import os, time
open("{pid_file}", "w").write(str(os.getpid()))
time.sleep(120)'"""
    dies = f"""{PYTHON} -c 'import os, sys, time
while not os.path.exists("{pid_file}"):
    time.sleep(0.1)
sys.exit(3)'"""
    started = time.monotonic()

    result = _rundev("--process", f"web={sleeper}", "--process", f"worker={dies}")

    assert result.returncode != 0
    assert "worker exited with code 3" in result.stderr
    assert "stopped web, worker" in result.stderr
    assert time.monotonic() - started < 60
    assert _gone(int(pid_file.read_text())), "the other process must be stopped"


def test_a_web_server_that_never_listens_fails_after_the_startup_timeout():
    port = _free_port()

    result = _rundev("--process", f"web:{port}={PYTHON} -c 'import time; time.sleep(120)'",
                     "--startup-timeout", "3")

    assert result.returncode != 0
    assert f"web is running but did not start listening on 127.0.0.1:{port} within 3 s" in result.stderr


def test_running_processes_stop_cleanly_on_sigterm():
    port = _free_port()
    server = f"{PYTHON} -m http.server --bind 127.0.0.1 {port}"
    process = subprocess.Popen([sys.executable, "manage.py", "rundev", "--process", f"web:{port}={server}",
                                "--startup-timeout", "60"], cwd=ROOT, env=subprocess_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        from tests.plugin import _wait_for_port

        _wait_for_port(port, process, Path(os.devnull), seconds=60)
        time.sleep(1)  # a few supervision rounds with everything healthy
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "Stopped web." in stdout


def test_process_specs():
    assert parse_process("web:8001=python -m http.server 8001") == Process(
        "web", ["python", "-m", "http.server", "8001"], port=8001)
    for bad in ("web", "=python", "web:x=python", "web="):
        with pytest.raises(CommandError):
            parse_process(bad)
    assert [(p.name, p.port is not None) for p in default_processes()] == [
        ("web", True), ("worker", False), ("beat", False)]
