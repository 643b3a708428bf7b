"""The attack harness: a real `quantserve serve` on a free loopback port, a well-behaved grpcio
client that keeps probing it, and the helpers attacks are written with.

Nothing is built here: the binary is `.build/debug/quantserve` (scripts/test.sh builds it).
Attackers connect from 127.0.0.2, the well-behaved client from 127.0.0.1, as a hostile host and
a good one would: per-address limits then tell them apart. See README.md for the fixture API.
"""
import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "Python"))
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import echo_pb2  # noqa: E402,F401  (attacks encode Echo requests)
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402
import inference_pb2  # noqa: E402
import inference_pb2_grpc  # noqa: E402

# QUANTSERVE_BINARY points the suite at another build (e.g. an older one, to measure "before").
BINARY = Path(os.environ.get("QUANTSERVE_BINARY", REPO / ".build" / "debug" / "quantserve"))
ATTACKER_ADDRESS = "127.0.0.2"
CLIENT_ADDRESS = "127.0.0.1"
PROBE_DEADLINE = 1.0
PROBE_INTERVAL = 0.25
GRACE_PERIOD = 5

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0, 1, 2, 3, 4, 6, 7, 8, 9
END_STREAM, END_HEADERS = 0x1, 0x4
ENHANCE_YOUR_CALM = 11


# MARK: Frames by hand

def frame(kind, flags=0, stream_id=0, payload=b""):
    """One HTTP/2 frame as bytes."""
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream_id & 0x7FFFFFFF) + payload


def parse_frames(data):
    """Every complete frame in `data` (after the server's side of the handshake: no preface)."""
    frames, offset = [], 0
    while len(data) - offset >= 9:
        length = int.from_bytes(data[offset:offset + 3], "big")
        if len(data) - offset - 9 < length:
            break
        kind, flags = data[offset + 3], data[offset + 4]
        stream_id = int.from_bytes(data[offset + 5:offset + 9], "big") & 0x7FFFFFFF
        frames.append((kind, flags, stream_id, bytes(data[offset + 9:offset + 9 + length])))
        offset += 9 + length
    return frames


def goaway_code(data):
    """The error code of the first GOAWAY in `data`, or None."""
    for kind, _, _, payload in parse_frames(data):
        if kind == GOAWAY and len(payload) >= 8:
            return int.from_bytes(payload[4:8], "big")
    return None


def hpack_literal(name, value):
    """A header field as an HPACK literal without indexing (no Huffman); bytes in, bytes out."""
    def string(raw):
        return hpack_integer(len(raw), 7) + raw
    return b"\x00" + string(name) + string(value)


def hpack_integer(value, prefix_bits):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([value])
    out, value = [limit], value - limit
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    return bytes(out + [value])


def grpc_request_block(path, extra=()):
    """The header block of a gRPC request to `path` (bytes), HPACK literals only."""
    fields = [(b":method", b"POST"), (b":scheme", b"http"), (b":path", path), (b":authority", b"127.0.0.1"),
              (b"content-type", b"application/grpc"), (b"te", b"trailers"), *extra]
    return b"".join(hpack_literal(name, value) for name, value in fields)


def grpc_message(serialized):
    """A gRPC length-prefixed message."""
    return b"\x00" + struct.pack(">I", len(serialized)) + serialized


# MARK: Attackers

def attacker_socket(port, timeout=3.0):
    """A TCP connection to the server from the attacker's address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((ATTACKER_ADDRESS, 0))
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    return sock


def send_quietly(sock, data):
    """Sends `data`; False when the server has closed the connection (or the send timed out)."""
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def read_until_closed(sock, timeout=5.0, limit=64 * 1024 * 1024):
    """Everything the server sends until it closes; (bytes, closed) — closed False on timeout."""
    received = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(received) < limit:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except OSError:
            return bytes(received), True
        if not chunk:
            return bytes(received), True
        received += chunk
    return bytes(received), False


def during(seconds):
    """Iterates until `seconds` have passed: `for _ in during(8): attack once`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        yield


# MARK: The well-behaved client

class WellBehavedClient:
    """A grpcio client from 127.0.0.1: one long-lived channel, plus a fresh one per probe."""

    def __init__(self, port):
        self.target = f"{CLIENT_ADDRESS}:{port}"
        self.channel = grpc.insecure_channel(self.target)
        self.health = health_pb2_grpc.HealthStub(self.channel)
        self.inference = inference_pb2_grpc.InferenceStub(self.channel)

    def probe(self):
        """Health Check and Embed on the long-lived channel and a Check on a new one, each
        within PROBE_DEADLINE; returns the failures as strings."""
        failures = []
        calls = [
            ("Check", lambda: self.health.Check(health_pb2.HealthCheckRequest(), timeout=PROBE_DEADLINE)),
            ("Embed", lambda: self.inference.Embed(inference_pb2.EmbedRequest(texts=["where is my order?"]),
                                                   timeout=PROBE_DEADLINE)),
            ("Check on a new connection", self._fresh_check),
        ]
        for name, call in calls:
            started = time.monotonic()
            try:
                call()
            except grpc.RpcError as error:
                failures.append(f"{name}: {error.code().name} after {time.monotonic() - started:.2f} s ({error.details()})")
        return failures

    def _fresh_check(self):
        with grpc.insecure_channel(self.target) as channel:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=PROBE_DEADLINE)

    def close(self):
        self.channel.close()


# MARK: The server under test

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Watch:
    """What the prober saw while an attack ran (see `ServerUnderTest.watch`)."""

    def __init__(self):
        self.failures = []
        self.rounds = 0
        self.max_rss_mb = 0.0
        self.max_log_bytes = 0


class ServerUnderTest:
    """`quantserve serve` with the default model, its own log file, and its measurements."""

    def __init__(self, log_dir, extra_args=()):
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: build it first (swift build --product quantserve)")
        self.port = free_port()
        self.log_path = Path(log_dir) / "quantserve.log"
        self._log = open(self.log_path, "wb")
        arguments = [str(BINARY), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                     "--model-repository", str(REPO / "models"), "--default-model", "minilm",
                     "--grace-period", str(GRACE_PERIOD), *extra_args]
        self.process = subprocess.Popen(arguments, stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO)
        self.client = WellBehavedClient(self.port)
        self._wait_until_serving()
        self.start_rss_mb = self.rss_mb()

    def _wait_until_serving(self, timeout=120):
        """Waits for the event itself: the health Watch of the default model reporting SERVING."""
        request = health_pb2.HealthCheckRequest(service="minilm")
        try:
            for response in self.client.health.Watch(request, timeout=timeout, wait_for_ready=True):
                if response.status == health_pb2.HealthCheckResponse.SERVING:
                    return
        except grpc.RpcError as error:
            raise RuntimeError(f"the server did not serve ({error.code().name}; exit status "
                               f"{self.process.poll()}):\n{self.log_tail()}") from error
        raise RuntimeError(f"the health watch ended before the server served:\n{self.log_tail()}")

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def log_bytes(self):
        return os.path.getsize(self.log_path)

    def log_tail(self, lines=40):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    @contextlib.contextmanager
    def watch(self, rss_headroom_mb=300, log_limit_bytes=2 * 1024 * 1024, min_rounds=4):
        """Probes the server every PROBE_INTERVAL while the block runs, then asserts that every
        probe answered within PROBE_DEADLINE, that RSS stayed within start + `rss_headroom_mb`,
        the log within `log_limit_bytes`, and that the server is still running."""
        watch, stop = Watch(), threading.Event()

        def probe_loop():
            while not stop.is_set():
                started = time.monotonic()
                watch.failures += [f"round {watch.rounds}: {failure}" for failure in self.client.probe()]
                watch.rounds += 1
                watch.max_rss_mb = max(watch.max_rss_mb, self.rss_mb())
                watch.max_log_bytes = max(watch.max_log_bytes, self.log_bytes())
                stop.wait(max(0.0, PROBE_INTERVAL - (time.monotonic() - started)))

        prober = threading.Thread(target=probe_loop, daemon=True)
        prober.start()
        try:
            yield watch
        finally:
            stop.set()
            prober.join()
        print(f"[watch] rounds {watch.rounds}, RSS {self.start_rss_mb:.0f} -> max {watch.max_rss_mb:.0f} MB, "
              f"log max {watch.max_log_bytes} bytes, failures {len(watch.failures)}")
        assert self.process.poll() is None, f"the server died:\n{self.log_tail()}"
        assert not watch.failures, "the well-behaved client was not served:\n" + "\n".join(watch.failures[:20])
        assert watch.rounds >= min_rounds, f"only {watch.rounds} probe rounds ran"
        assert watch.max_rss_mb <= self.start_rss_mb + rss_headroom_mb, \
            f"RSS grew from {self.start_rss_mb:.0f} MB to {watch.max_rss_mb:.0f} MB (bound +{rss_headroom_mb} MB)"
        assert watch.max_log_bytes <= log_limit_bytes, \
            f"the log grew to {watch.max_log_bytes} bytes (bound {log_limit_bytes}):\n{self.log_tail(10)}"

    def terminate(self):
        """SIGTERM; returns (exit code, seconds taken), killing it after the grace period + 5 s."""
        self.client.close()
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=GRACE_PERIOD + 5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        self._log.close()
        return code, time.monotonic() - started
