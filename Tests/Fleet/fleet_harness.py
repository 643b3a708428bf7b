"""What the fleet test and the fleet benchmark (benchmarks/fleet) share: the binaries, a tiny
model repository, and quantbench runs watched as they go.

quantbench draws its progress line (measured second, calls/s, p99, errors so far) only on a
terminal, so a run gets a pseudo-terminal as standard error and `QuantbenchRun.wait_for_second`
waits for that line: the event "the open loop has been measuring for n seconds", not a sleep.
"""
import csv
import json
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "deploy"))
sys.path.insert(0, str(REPO / "Tests" / "Python"))

import fleet  # noqa: E402  (deploy/fleet.py)

QUANTSERVE = Path(os.environ.get("QUANTSERVE_BINARY", REPO / ".build" / "debug" / "quantserve"))
QUANTBENCH = Path(os.environ.get("QUANTBENCH_BINARY", REPO / ".build" / "debug" / "quantbench"))
PROGRESS_LINE = re.compile(rb"(\d+)/(\d+) s +(\d+) calls/s +p99 ([\d.]+) ms +errors (\d+)")


class QuantbenchRun:
    """One `quantbench --json --csv` run started now, with its progress read from a pty."""

    def __init__(self, target, rate, duration, csv_path, method="embed", model="", extra=()):
        self.csv_path = Path(csv_path)
        self.duration = duration
        self.second = 0
        self.errors = 0
        self._changed = threading.Condition()
        self._ended = False
        controller, terminal = pty.openpty()
        arguments = [str(QUANTBENCH), target, "--method", method, "--model", model, "--rate", str(rate),
                     "--duration", str(duration), "--warmup", "0", "--json", "--csv", str(csv_path), *extra]
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        self._controller = controller
        self._reader = threading.Thread(target=self._read_progress, daemon=True)
        self._reader.start()

    def _read_progress(self):
        pending = b""
        while True:
            try:
                chunk = os.read(self._controller, 4096)
            except OSError:  # EIO: quantbench closed its terminal (it exited)
                chunk = b""
            if not chunk:
                break
            pending += chunk
            *lines, pending = re.split(rb"[\r\n]", pending)
            for line in lines:
                match = PROGRESS_LINE.search(line)
                if match:
                    with self._changed:
                        self.second, self.errors = int(match.group(1)), int(match.group(5))
                        self._changed.notify_all()
        os.close(self._controller)
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for_second(self, second, timeout=60):
        """Waits until quantbench has measured `second` seconds; returns the second reached.
        Raises when quantbench ends first or nothing comes within `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self.second >= second or self._ended, timeout)
            if self.second < second:
                raise RuntimeError(f"quantbench ended or stalled at second {self.second} before second {second} "
                                   f"(exit status {self.process.poll()})")
            return self.second

    def finish(self, timeout=120):
        """Waits for the end; returns (summary JSON, CSV rows as dicts of ints)."""
        stdout, _ = self.process.communicate(timeout=timeout)
        self._reader.join(timeout)
        if self.process.returncode != 0:
            raise RuntimeError(f"quantbench exited {self.process.returncode}: {stdout.decode(errors='replace')}")
        with open(self.csv_path) as rows:
            seconds = [{key: int(value) for key, value in row.items()} for row in csv.DictReader(rows)]
        return json.loads(stdout), seconds


def make_tiny_repository(root, model="tiny"):
    """A repository with version 1 of a tiny model, and version 2 quantized beside it (outside the
    repository, to move in at swap time). Returns (repository, staged version 2 folder)."""
    from tiny_model import quantize_tiny_model
    repository = Path(root) / "repository"
    quantize_tiny_model(QUANTSERVE, repository / model / "1", seed=1)
    staged = quantize_tiny_model(QUANTSERVE, Path(root) / "staged" / "2", seed=2)
    return repository, staged


def upstream_counts(access_log, since_line=0):
    """How many calls nginx passed to each upstream address (the last one tried), from line
    `since_line` of its access log on; and the number of lines read."""
    lines = Path(access_log).read_text().splitlines()
    counts = {}
    for line in lines[since_line:]:
        match = re.search(r"upstream=(\S+(?:, \S+)*) ", line)
        if match:
            last = match.group(1).split(", ")[-1]
            counts[last] = counts.get(last, 0) + 1
    return counts, len(lines)


def p99_of_seconds(seconds, first, last):
    """The highest per-second p99 (µs) of the seconds `first`..`last` that completed calls."""
    values = [row["p99_us"] for row in seconds if first <= row["second"] <= last and row["completed"]]
    return max(values) if values else None
