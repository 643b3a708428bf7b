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
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "deploy"))
sys.path.insert(0, str(REPO / "Tests" / "Python"))

import fleet  # noqa: E402  (deploy/fleet.py)
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import grpc  # noqa: E402
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402
import inference_pb2  # noqa: E402,F401  (for the tests)
import inference_pb2_grpc  # noqa: E402,F401

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
    """How many calls succeeded (grpc-status 0) on each upstream address (the last one nginx
    tried), from line `since_line` of its access log on; and the number of lines read."""
    lines = Path(access_log).read_text().splitlines()
    counts = {}
    for line in lines[since_line:]:
        if " grpc_status=0 " not in line:
            continue
        match = re.search(r"upstream=((?:[^\s,]+, )*[^\s,]+) ", line)
        if match:
            last = match.group(1).split(", ")[-1]
            counts[last] = counts.get(last, 0) + 1
    return counts, len(lines)


def wait_until_routed(port, access_log, address, model, timeout=30):
    """Calls through nginx on `port` until one succeeds on `address`: nginx tries a replica it
    marked failed again only after fail_timeout, with a live call."""
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = inference_pb2_grpc.InferenceStub(channel)
    deadline = time.monotonic() + timeout
    with channel:
        while time.monotonic() < deadline:
            _, line = upstream_counts(access_log)
            stub.Embed(inference_pb2.EmbedRequest(model=inference_pb2.ModelRef(name=model), texts=["hello"]), timeout=10)
            if address in upstream_counts(access_log, line)[0]:
                return
    raise AssertionError(f"nginx sent no call to {address} within {timeout} s")


def p99_of_seconds(seconds, first, last):
    """The highest per-second p99 (µs) of the seconds `first`..`last` that completed calls."""
    values = [row["p99_us"] for row in seconds if first <= row["second"] <= last and row["completed"]]
    return max(values) if values else None


class HealthWatches:
    """`count` health Watch streams of `service` through `target` on one channel, each read by a
    thread: calls that stay in flight for as long as the test wants, on whichever replica the
    balancer picked. `wait_serving` waits for every stream's first SERVING (they are open on a
    replica); `ended` holds the gRPC code each stream ended with, and the statuses it saw."""

    def __init__(self, target, service, count):
        self._serving_status = health_pb2.HealthCheckResponse.SERVING
        # Its own connection: not shared with the test's other channels to the same target.
        self._channel = grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        stub = health_pb2_grpc.HealthStub(self._channel)
        self.calls, self.statuses, self.ended = [], [[] for _ in range(count)], [None] * count
        self._changed = threading.Condition()
        self._threads = []
        for index in range(count):
            # One at a time, so the balancer's round robin places them on alternate replicas.
            self.calls.append(stub.Watch(health_pb2.HealthCheckRequest(service=service)))
            thread = threading.Thread(target=self._read, args=(index,), daemon=True)
            thread.start()
            self._threads.append(thread)
            self.wait_serving(only=index)

    def _read(self, index):
        code = grpc.StatusCode.OK
        try:
            for response in self.calls[index]:
                with self._changed:
                    self.statuses[index].append(response.status)
                    self._changed.notify_all()
        except grpc.RpcError as error:
            code = error.code()
        with self._changed:
            self.ended[index] = code
            self._changed.notify_all()

    def wait_serving(self, only=None, timeout=30):
        indices = range(len(self.calls)) if only is None else [only]
        with self._changed:
            if not self._changed.wait_for(lambda: all(self.statuses[i] or self.ended[i] for i in indices), timeout):
                raise RuntimeError("a health Watch got no first status")
        assert all(self.statuses[i][:1] == [self._serving_status] for i in indices), self.statuses

    def wait_ended(self, count, timeout=30):
        """Waits until at least `count` streams have ended."""
        with self._changed:
            return self._changed.wait_for(lambda: sum(code is not None for code in self.ended) >= count, timeout)

    def nudge(self):
        """A health Check on the streams' connection. nginx 1.22 holds the RST_STREAM of a stream
        whose replica died until the client connection carries something else (a call or a PING),
        so the client sees the end only then; gRPC keepalive pings do this for real clients."""
        health_pb2_grpc.HealthStub(self._channel).Check(health_pb2.HealthCheckRequest(), timeout=10)

    def close(self):
        """Cancels the streams still open; returns the codes the others ended with before (None
        for a stream that was still open)."""
        with self._changed:
            ended_before = list(self.ended)
        for call in self.calls:
            call.cancel()
        for thread in self._threads:
            thread.join(10)
        self._channel.close()
        return ended_before


def watch_upstreams(access_log, since_line, count, timeout=120):
    """The upstream of each health Watch call nginx logged from line `since_line` on, once it has
    logged `count` (it writes a call's line when the call ends, just after the client sees it end).

    A bounded poll of an observable condition, not a sleep: nginx gives no event when it appends to
    its access log (a regular file), so the log is re-read until the lines are there. The caller
    goes on only once they are; `timeout` is a failure detector, far beyond what a loaded machine
    needs (it was 10 s, which a busy 2-core machine could pass)."""
    deadline = time.monotonic() + timeout
    while True:
        upstreams = []
        for line in Path(access_log).read_text().splitlines()[since_line:]:
            if "/grpc.health.v1.Health/Watch" in line:
                match = re.search(r"upstream=((?:[^\s,]+, )*[^\s,]+) ", line)
                upstreams.append(match.group(1).split(", ")[-1] if match else None)
        if len(upstreams) >= count or time.monotonic() > deadline:
            return upstreams
        time.sleep(0.05)  # between reads of the log; the deadline above is the failure detector
