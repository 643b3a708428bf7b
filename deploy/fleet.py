#!/usr/bin/env python3
"""Runs a QuantServe fleet on one machine: N `quantserve serve` replicas on loopback ports over
one model repository, and nginx in front of them (deploy/nginx/quantserve.conf, rendered with the
replicas' ports) as the current user, with its prefix, pid file and logs in a state directory.
No system service is touched.

    deploy/run-fleet.sh --replicas 2 --port 50051 --model-repository models    # (fleet.py run) until Ctrl-C
    deploy/run-fleet.sh swap --state-dir DIR minilm 2                           # rolling hot swap

The standard library only: the tests (Tests/Fleet) drive the same `Fleet` class.
"""
import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = REPO / "deploy" / "nginx" / "quantserve.conf"
STATE_FILE = "fleet.json"
START_TIMEOUT = 120
# The replica logs this line once its port is bound and its models are loaded.
SERVING_LINE = re.compile(r"\bserving\b.*address=|address=.*\bserving\b")
NGINX_READY_LINE = re.compile(r"start worker process")
# After SIGHUP the old worker logs this once the new one runs. It still routes the calls of the
# client connections it holds by the old configuration until it exits (their clients get GOAWAY
# and reconnect to the new worker; streams it still holds are cut at worker_shutdown_timeout).
NGINX_OLD_WORKER_LINE = re.compile(r"(\d+)#\d+: gracefully shutting down")


def free_port(host="127.0.0.1"):
    """A port that was free a moment ago (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class LoggedProcess:
    """A child process whose standard error goes line by line to a log file and to `lines`, which
    `wait_for_line` watches: the events of its start-up and life, not the clock."""

    def __init__(self, arguments, log_path, ready):
        self.arguments = arguments
        self.log_path = Path(log_path)
        self.lines = []
        self.ended = False
        self._changed = threading.Condition()
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        self._reader = threading.Thread(target=self._copy_log, daemon=True)
        self._reader.start()
        self._ready_pattern = ready

    @property
    def pid(self):
        return self.process.pid

    def _copy_log(self):
        with open(self.log_path, "ab") as log:
            for line in self.process.stderr:
                log.write(line)
                log.flush()
                with self._changed:
                    self.lines.append(line.decode(errors="replace"))
                    self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for_line(self, pattern, after=0, timeout=START_TIMEOUT):
        """Waits for a line matching `pattern` among the lines from index `after` on; returns the
        index after it. Raises with the log's tail when the process ends first or on timeout."""
        def match():
            return next((index for index in range(after, len(self.lines)) if pattern.search(self.lines[index])), None)
        with self._changed:
            self._changed.wait_for(lambda: match() is not None or self.ended, timeout)
            found = match()
        if found is None:
            raise RuntimeError(f"{self.arguments[0]}: no line matching {pattern.pattern!r} (exit status "
                               f"{self.process.poll()}); {self.log_path}:\n{self.log_tail()}")
        return found + 1

    def wait_ready(self, timeout=START_TIMEOUT):
        """Waits for the line that says the process is ready (see `wait_for_line`)."""
        return self.wait_for_line(self._ready_pattern, 0, timeout)

    def line_count(self):
        with self._changed:
            return len(self.lines)

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def signal(self, number):
        if self.process.poll() is None:
            self.process.send_signal(number)

    def wait(self, timeout=None):
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code


def render_nginx_config(template, listen_port, replica_ports, state_dir, fail_timeout=5, down_ports=()):
    """The whole nginx.conf: main context with the state directory's pid file and temp paths,
    and `template` (deploy/nginx/quantserve.conf) with the replica list, port and log replaced.
    Replicas on `down_ports` are listed `down`: nginx sends them no call."""
    state_dir = Path(state_dir)
    replicas = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout={fail_timeout}s{' down' if port in down_ports else ''};\n"
                       for port in replica_ports)
    body, count = re.subn(r"(?ms)^\s*# replicas begin\n.*?^\s*# replicas end\n", replicas, template)
    if count != 1:
        raise ValueError("the nginx template has no '# replicas begin' ... '# replicas end' block")
    for marker, line in (("listen", f"listen 127.0.0.1:{listen_port} http2;"),
                         ("access_log", f"access_log {state_dir / 'nginx-access.log'} quantserve_grpc;")):
        body, count = re.subn(rf"(?m)^(\s*)\S.*# fleet: {marker}$", rf"\g<1>{line}", body)
        if count != 1:
            raise ValueError(f"the nginx template has no line marked '# fleet: {marker}'")
    temp = state_dir / "nginx-temp"
    temp_paths = "".join(f"    {kind}_temp_path {temp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = ""
    if os.geteuid() == 0:  # workers of a root master would switch to nobody, who cannot write here
        user = "user root root;\n"
    return (f"# Rendered by deploy/fleet.py from {NGINX_TEMPLATE.relative_to(REPO)}\n{user}"
            f"worker_processes 1;\npid {state_dir / 'nginx.pid'};\nerror_log stderr notice;\n"
            # After a reload, an old worker still holding streams (health Watch) stops within this.
            "worker_shutdown_timeout 10s;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n{temp_paths}"
            + "".join(f"    {line}\n" if line else "\n" for line in body.splitlines()) + "}\n")


class Fleet:
    """Replicas of `quantserve serve` on loopback ports plus nginx in front, all children of this
    process, with everything they write under `state_dir`."""

    def __init__(self, binary, model_repository, replicas=2, port=0, state_dir=None, serve_args=(),
                 nginx="nginx", fail_timeout=5):
        self.binary = str(binary)
        self.model_repository = str(Path(model_repository).resolve())
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="quantserve-fleet-")).resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.serve_args = list(serve_args)
        self.nginx_binary = nginx
        self.fail_timeout = fail_timeout
        self.admin_token_file = self.state_dir / "admin-token"
        self.replicas = [None] * replicas
        self.out_of_rotation = set()
        self.nginx = None

    # MARK: Start and stop

    def start(self):
        """Starts every replica, waits until each serves, then starts nginx and waits for its
        worker. Writes `fleet.json` (ports, pids, paths) into the state directory."""
        if not self.admin_token_file.exists():
            # A token even on loopback: nginx's connections come from 127.0.0.1 too.
            self.admin_token_file.write_text(secrets.token_urlsafe(32) + "\n")
            self.admin_token_file.chmod(0o600)
        for index in range(len(self.replicas)):
            self.start_replica(index, wait=False)
        for replica in self.replicas:
            replica.wait_ready()
        self.start_nginx()
        self.write_state()
        return self

    def start_replica(self, index, wait=True):
        """(Re)starts replica `index` on its port; with `wait`, returns once it serves."""
        arguments = [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.replica_ports[index]),
                     "--model-repository", self.model_repository, "--admin-token-file", str(self.admin_token_file),
                     *self.serve_args]
        self.replicas[index] = LoggedProcess(arguments, self.state_dir / f"replica-{index}.log", SERVING_LINE)
        if wait:
            self.replicas[index].wait_ready()
            self.write_state()
            if index in self.out_of_rotation:
                self.set_rotation(index, True)
        return self.replicas[index]

    def drain_replica(self, index, grace=30):
        """Takes replica `index` out of nginx's rotation (see `set_rotation`), then SIGTERM: it
        finishes its calls in flight and exits. Returns its exit code.

        Out of rotation first because open-source nginx checks health passively and never retries
        a gRPC call it has sent (it streams request bodies): a replica that closed its listener
        while nginx had a connection to it in the accept queue would fail the call sent on it."""
        self.set_rotation(index, False)
        self.replicas[index].signal(signal.SIGTERM)
        return self.replicas[index].wait(grace)

    def set_rotation(self, index, in_rotation):
        """Lists replica `index` in nginx's upstream (or `down`) and reloads nginx; returns once the
        old worker has exited, so that every call from then on is routed by the new list."""
        (self.out_of_rotation.discard if in_rotation else self.out_of_rotation.add)(index)
        mark = self.nginx.line_count()
        self._write_nginx_config()
        self.nginx.signal(signal.SIGHUP)
        after = self.nginx.wait_for_line(NGINX_OLD_WORKER_LINE, mark)
        old_worker = NGINX_OLD_WORKER_LINE.search(self.nginx.lines[after - 1]).group(1)
        self.nginx.wait_for_line(re.compile(rf"worker process {old_worker} exited"), mark)

    def _write_nginx_config(self):
        (self.state_dir / "nginx.conf").write_text(render_nginx_config(
            NGINX_TEMPLATE.read_text(), self.port, self.replica_ports, self.state_dir, self.fail_timeout,
            down_ports={self.replica_ports[index] for index in self.out_of_rotation}))

    def start_nginx(self):
        (self.state_dir / "nginx-temp").mkdir(exist_ok=True)
        self._write_nginx_config()
        arguments = [self.nginx_binary, "-p", str(self.state_dir), "-c", str(self.state_dir / "nginx.conf"),
                     "-e", "stderr", "-g", "daemon off; master_process on;"]
        self.nginx = LoggedProcess(arguments, self.state_dir / "nginx-error.log", NGINX_READY_LINE)
        self.nginx.wait_ready()

    def stop(self, grace=15):
        """Stops nginx (graceful QUIT), then the replicas (SIGTERM: they drain); returns the
        replicas' exit codes (None for one that had to be killed)."""
        if self.nginx:
            self.nginx.signal(signal.SIGQUIT)
            self._wait_or_kill(self.nginx, grace)
        for replica in self.replicas:
            if replica:
                replica.signal(signal.SIGTERM)
        return [self._wait_or_kill(replica, grace) if replica else None for replica in self.replicas]

    @staticmethod
    def _wait_or_kill(child, grace):
        try:
            return child.wait(grace)
        except subprocess.TimeoutExpired:
            child.signal(signal.SIGKILL)
            child.wait()
            return None

    def write_state(self):
        state = {
            "port": self.port,
            "nginx_pid": self.nginx.pid if self.nginx else None,
            "admin_token_file": str(self.admin_token_file),
            "model_repository": self.model_repository,
            "binary": self.binary,
            "replicas": [{"port": port, "pid": replica.pid if replica else None,
                          "log": str(self.state_dir / f"replica-{index}.log")}
                         for index, (port, replica) in enumerate(zip(self.replica_ports, self.replicas))],
        }
        (self.state_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")

    # MARK: Operations

    def rolling_swap(self, model, version):
        """Loads and serves `model` `version` replica by replica (see `rolling_swap`)."""
        return rolling_swap(self.binary, [f"127.0.0.1:{port}" for port in self.replica_ports],
                            self.admin_token_file, model, version)


def rolling_swap(binary, servers, admin_token_file, model, version, log=print):
    """On each server in turn: load `version` (verified: checksums, shapes, self-test) and make it
    serve once ready. Stops at the first replica that fails, so a bad version never spreads past
    one replica (which keeps serving its old version: a failed load changes nothing)."""
    for server in servers:
        command = [binary, "models", "load", model, str(version), "--serve", "--server", server,
                   "--admin-token-file", str(admin_token_file), "--timeout", "120"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{server}: loading {model} {version} failed, later replicas left alone:\n"
                               f"{result.stdout}{result.stderr}")
        log(f"{server}: {model} {version} serving")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the fleet and keep it running until SIGINT or SIGTERM (default)")
    run.add_argument("--replicas", type=int, default=2)
    run.add_argument("--port", type=int, default=50051, help="nginx's port (the fleet's front)")
    run.add_argument("--model-repository", default="models")
    run.add_argument("--binary", default=str(REPO / ".build" / "release" / "quantserve"))
    run.add_argument("--state-dir", help="where logs, pid files and the rendered nginx.conf go (default: a new temp dir)")
    run.add_argument("--nginx", default="nginx")
    run.add_argument("serve_args", nargs="*", help="more `quantserve serve` flags, after --")
    swap = commands.add_parser("swap", help="rolling hot swap of a running fleet to a version in its repository")
    swap.add_argument("--state-dir", required=True)
    swap.add_argument("model")
    swap.add_argument("version", type=int)
    arguments = parser.parse_args(argv)

    if arguments.command == "swap":
        state = json.loads((Path(arguments.state_dir) / STATE_FILE).read_text())
        rolling_swap(state["binary"], [f"127.0.0.1:{replica['port']}" for replica in state["replicas"]],
                     state["admin_token_file"], arguments.model, arguments.version)
        return 0

    if arguments.replicas < 1:
        parser.error("--replicas must be at least 1")
    fleet = Fleet(arguments.binary, arguments.model_repository, arguments.replicas, arguments.port,
                  arguments.state_dir, arguments.serve_args, arguments.nginx)
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    try:
        fleet.start()
        print(f"fleet ready: 127.0.0.1:{fleet.port} -> replicas "
              + ", ".join(f"127.0.0.1:{port}" for port in fleet.replica_ports)
              + f"; state, logs and admin token in {fleet.state_dir}", flush=True)
        stop.wait()
    finally:
        codes = fleet.stop()
        print(f"fleet stopped: replica exit codes {codes}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
