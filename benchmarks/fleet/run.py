#!/usr/bin/env python3
"""The fleet figures in one run: quantbench open loop (Embed, tiny model) against one replica
directly, then against 2 replicas through nginx, then through nginx during a rolling hot swap, a
SIGTERM drain and a SIGKILL. Prints a Markdown table; see README.md here.

    .venv/bin/python benchmarks/fleet/run.py [--rate 200] [--duration 10]

Uses release binaries (QUANTSERVE_BINARY / QUANTBENCH_BINARY override) and the same harness
as Tests/Fleet.
"""
import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for name in ("QUANTSERVE", "QUANTBENCH"):
    os.environ.setdefault(f"{name}_BINARY", str(REPO / ".build" / "release" / name.lower()))
sys.path.insert(0, str(REPO / "Tests" / "Fleet"))

from fleet_harness import QuantbenchRun, fleet, make_tiny_repository, p99_of_seconds, wait_until_routed  # noqa: E402

MODEL = "tiny"


def milliseconds(microseconds):
    return f"{microseconds / 1000:.2f}" if microseconds is not None else "-"


def row(name, summary, note=""):
    latency = summary["latency_microseconds"]
    failures = ", ".join(f"{code} {count}" for code, count in sorted(summary["failures"].items())) or "0"
    return (f"| {name} | {summary['succeeded'] + summary['failed']} | {failures} | {summary['throughput_per_second']:.0f} "
            f"| {milliseconds(latency['p50'])} | {milliseconds(latency['p99'])} | {note} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10)
    options = parser.parse_args()
    event_second = max(2, options.duration // 3)
    root = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    repository, staged_version_2 = make_tiny_repository(root, MODEL)
    under_test = fleet.Fleet(os.environ["QUANTSERVE_BINARY"], repository, replicas=2, state_dir=root / "state",
                             serve_args=["--default-model", MODEL, "--grace-period", "5"]).start()
    rows = []

    def load(name, target):
        return QuantbenchRun(target, options.rate, options.duration, root / f"{name}.csv", method="embed", model=MODEL)

    try:
        direct, _ = load("direct", f"127.0.0.1:{under_test.replica_ports[0]}").finish()
        rows.append(row("1 replica, direct", direct))
        front = f"127.0.0.1:{under_test.port}"
        proxied, _ = load("nginx", front).finish()
        rows.append(row("2 replicas through nginx", proxied))

        staged_version_2.rename(repository / MODEL / "2")
        swap = load("swap", front)
        swap.wait_for_second(event_second)
        started = swap.second
        under_test.rolling_swap(MODEL, 2)
        ended = swap.second
        summary, seconds = swap.finish()
        # CSV rows are 0-based seconds: the swap ran within rows started..ended.
        before, during = p99_of_seconds(seconds, 0, started - 1), p99_of_seconds(seconds, started, ended)
        rows.append(row("rolling hot swap", summary,
                        f"highest per-second p99 {milliseconds(before)} ms in the {started} s before the swap, "
                        f"{milliseconds(during)} ms in the {ended - started + 1} s of the swap"))

        access_log = under_test.state_dir / "nginx-access.log"

        def restart(index):
            under_test.start_replica(index)  # serving, then back in rotation if it was taken out
            # nginx routes to a replica it saw fail again once fail_timeout has passed; losing the
            # other replica before that would leave it no live upstream.
            wait_until_routed(under_test.port, access_log, f"127.0.0.1:{under_test.replica_ports[index]}", MODEL)

        drain = load("drain", front)
        drain.wait_for_second(event_second)
        code = under_test.drain_replica(0)
        summary, _ = drain.finish()
        rows.append(row("replica 1 out of rotation, then SIGTERM", summary, f"replica exit status {code}"))
        restart(0)

        bare = load("bare-sigterm", front)
        bare.wait_for_second(event_second)
        under_test.replicas[0].signal(signal.SIGTERM)
        code = under_test.replicas[0].wait(30)
        summary, _ = bare.finish()
        rows.append(row("replica 1 SIGTERM while in rotation", summary, f"replica exit status {code}"))
        restart(0)

        kill = load("kill", front)
        kill.wait_for_second(event_second)
        under_test.replicas[1].signal(signal.SIGKILL)
        under_test.replicas[1].wait(30)
        summary, _ = kill.finish()
        rows.append(row("replica 2 killed (SIGKILL)", summary))
    finally:
        under_test.stop()

    print(f"open loop {options.rate} calls/s, {options.duration} s each, Embed of 1 corpus text on the tiny model, "
          f"events at second {event_second}; all but the first row through nginx in front of 2 replicas; logs in {root}\n")
    print("| run | calls | failed | calls/s | p50 ms | p99 ms | notes |\n| --- | ---: | --- | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
