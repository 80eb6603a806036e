"""Run the web server, a Celery worker and Celery beat together (`make run`).

Ctrl-C stops all three. If one of them exits, or the web server does not start listening,
the others are stopped and the command fails naming it: a `make run` that looks alive
while serving nothing is worse than one that stops.
"""

from __future__ import annotations

import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


@dataclass(frozen=True)
class Process:
    name: str
    argv: list[str]
    port: int | None = None  # must accept connections on 127.0.0.1 within the startup timeout


def default_processes() -> list[Process]:
    python = sys.executable
    manage = str(settings.BASE_DIR / "manage.py")
    port = settings.LOCAL_WEB_PORT
    return [
        Process("web", [python, manage, "runserver", f"127.0.0.1:{port}"], port=port),
        Process("worker", [python, "-m", "celery", "-A", "platform_", "worker", "-l", "info", "-c", "2"]),  # all queues
        Process("beat", [python, "-m", "celery", "-A", "platform_", "beat", "-l", "info",
                         "--scheduler", "apps.core.beat:SingleBeatScheduler"]),
    ]


def parse_process(value: str) -> Process:
    """NAME[:PORT]=COMMAND, e.g. `web:8001=python -m http.server 8001`."""
    head, sep, command = value.partition("=")
    name, _colon, port = head.partition(":")
    if not sep or not name.strip() or not command.strip() or (port and not port.isdigit()):
        raise CommandError(f"--process {value!r}: expected NAME[:PORT]=COMMAND")
    return Process(name.strip(), shlex.split(command), port=int(port) if port else None)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Command(BaseCommand):
    help = "Run web server, Celery worker and beat for development (Ctrl-C stops all three)."
    requires_system_checks = []  # runserver runs them; nothing here needs the apps checked twice

    def add_arguments(self, parser):
        parser.add_argument("--process", action="append", type=parse_process, default=[],
                            metavar="NAME[:PORT]=COMMAND",
                            help="Run this instead of web, worker and beat (repeatable); with PORT, it "
                                 "must listen there within the startup timeout.")
        parser.add_argument("--startup-timeout", type=float, default=180.0, metavar="SECONDS",
                            help="How long the web server may take to start listening (default 180).")

    def handle(self, *args, **options):
        processes = options["process"] or default_processes()
        failure = self.supervise(processes, startup_timeout=options["startup_timeout"])
        names = ", ".join(process.name for process in processes)
        if failure:
            raise CommandError(f"{failure}; stopped {names}.")
        self.stdout.write(f"Stopped {names}.")

    def supervise(self, processes: list[Process], *, startup_timeout: float) -> str | None:
        """Run `processes` until a signal asks to stop (returns None) or one of them fails
        (returns what happened). Every process is stopped on return."""
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        running: dict[str, subprocess.Popen] = {}
        not_listening = {process.name: process.port for process in processes if process.port}
        deadline = time.monotonic() + startup_timeout
        failure = None
        try:
            for process in processes:
                try:
                    running[process.name] = subprocess.Popen(process.argv)
                except OSError as exc:
                    failure = f"{process.name} could not start ({exc})"
                    break
            while not stopping and failure is None:
                time.sleep(0.5)
                if stopping:  # Ctrl-C also reaches the children: their exit is no failure
                    break
                for name, popen in running.items():
                    if popen.poll() is not None:
                        failure = f"{name} exited with code {popen.returncode}"
                        break
                for name, port in list(not_listening.items()):
                    if _listening(port):
                        del not_listening[name]
                    elif failure is None and time.monotonic() > deadline:
                        failure = (f"{name} is running but did not start listening on 127.0.0.1:{port} "
                                   f"within {startup_timeout:g} s")
            if failure:
                self.stderr.write(f"{failure}: stopping the others.")
        finally:
            for popen in running.values():
                if popen.poll() is None:
                    popen.terminate()
            for popen in running.values():
                try:
                    popen.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    popen.kill()
                    popen.wait()
        return failure
