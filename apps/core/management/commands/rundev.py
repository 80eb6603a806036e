"""Run the web server, a Celery worker and Celery beat together; Ctrl-C stops all three."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run web server, Celery worker and beat for development (Ctrl-C stops all three)."

    def handle(self, *args, **options):
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"127.0.0.1:{settings.LOCAL_WEB_PORT}"],
            "worker": [python, "-m", "celery", "-A", "platform_", "worker", "-l", "info", "-c", "2",
                       "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
            "beat": [python, "-m", "celery", "-A", "platform_", "beat", "-l", "info",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        }
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with {process.returncode}; stopping the others")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped web, worker and beat.")
