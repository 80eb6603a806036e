"""Where the workers' time goes: py-spy samples each gunicorn worker while a measured run
lasts (raw "collapsed" stacks, idle samples left out: CPU only), and `compare` puts two
labels side by side per function, in CPU ms per request (a function counts once per
stack it appears in: inclusive time). py-spy is not a dependency of the project:

    .venv/bin/pip install py-spy
"""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

RATE = 250  # samples per second per worker
_FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(__file__).resolve().parents[2] / ".venv" / "bin")) \
        or shutil.which("py-spy")
    if not found:
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    return found


@contextmanager
def sampled(pids: list[int], directory: Path, label: str):
    """py-spy on every pid while the block runs (stopped with SIGINT: it writes its file)."""
    directory.mkdir(parents=True, exist_ok=True)
    spy = py_spy()
    count = len(list(directory.glob(f"{label}-*.txt")))
    procs = [subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw",
                               "--nonblocking", "--output", str(directory / f"{label}-{count + n}.txt")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for n, pid in enumerate(pids)]
    try:
        yield
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            proc.wait(timeout=60)


def clear(directory: Path) -> None:
    """Start a directory afresh: `compare` adds up every file of a label in it."""
    shutil.rmtree(directory, ignore_errors=True)


def _functions(line: str) -> set[str]:
    stack, _, _count = line.rpartition(" ")
    names = set()
    for frame in stack.split(";"):
        match = _FRAME.match(frame)
        if match:
            file = match["file"]
            file = file.split("site-packages/")[-1].split("/work/")[-1]
            names.add(f"{match['name']} ({file})")
    return names


def totals(directory: Path, label: str) -> tuple[int, collections.Counter]:
    """Samples in all, and per function (inclusive), over every file of `label`."""
    total, per_function = 0, collections.Counter()
    for path in directory.glob(f"{label}-*.txt"):
        for line in path.read_text().splitlines():
            count = line.rpartition(" ")[2]
            if not count.isdigit():  # a frame's name that held a line break: the rest of it
                continue
            samples = int(count)
            total += samples
            for name in _functions(line):
                per_function[name] += samples
    return total, per_function


def compare(directory: Path, requests: dict[str, int], top: int = 25) -> dict:
    """Per label, CPU ms per request in all; per function, ms per request under each label,
    the `top` functions whose cost differs most between the two labels first."""
    (first, first_requests), (second, second_requests) = requests.items()
    (first_total, a), (second_total, b) = totals(directory, first), totals(directory, second)

    def ms(samples: int, n: int) -> float:
        return round(samples / RATE * 1000 / n, 3) if n else 0.0

    rows = sorted(set(a) | set(b), key=lambda name: -abs(ms(b[name], second_requests) - ms(a[name], first_requests)))
    return {
        "cpu_ms_per_request": {first: ms(first_total, first_requests), second: ms(second_total, second_requests)},
        "functions": [{"function": name, first: ms(a[name], first_requests), second: ms(b[name], second_requests)}
                      for name in rows[:top]],
    }
