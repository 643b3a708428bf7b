#!/usr/bin/env python3
"""Summarizes one soak run (benchmarks/soak/run.sh) as markdown and judges it.

Reads from --out: rss.csv (time,rss_kb,cpu_ticks,load1, one row a second), events.txt (Unix
times of load_start, load_end, sigterm), WORKLOAD.json
(quantbench --json summaries), WORKLOAD-seconds.csv (quantbench --csv), rates.txt,
swaps.csv and swapper.err (swapper.py), server.log. Prints the run's figures; exits 1 when a
call or a swap failed, a load generator or the swapper exited non-zero, RSS grew beyond the
limits given, or the server did not exit 0 within its grace period after SIGTERM.
"""
import argparse
import csv
import json
import os
import sys
from pathlib import Path

import numpy as np


def rows(path):
    with path.open() as file:
        return list(csv.DictReader(file))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workloads", nargs="+", required=True)
    parser.add_argument("--rss-growth-limit-mb", type=float, required=True)
    parser.add_argument("--rss-slope-limit-mb-per-min", type=float, required=True)
    parser.add_argument("--bench-status", type=int, required=True)
    parser.add_argument("--swapper-status", type=int, required=True)
    parser.add_argument("--server-status", required=True, help="the server's exit status, or 'timeout'")
    parser.add_argument("--stop-seconds", type=float, required=True)
    parser.add_argument("--grace-period", type=float, required=True)
    args = parser.parse_args()
    out = args.out
    problems = []
    lines = []

    # Load: rates, durations, load average.
    summaries = {w: json.loads((out / f"{w}.json").read_text() or "null") for w in args.workloads}
    if any(s is None for s in summaries.values()):
        problems.append("a quantbench run printed no summary: " + ", ".join(w for w, s in summaries.items() if s is None))
    duration = max((s["measured_seconds"] for s in summaries.values() if s), default=0.0)
    events = dict((name, float(time)) for name, time in (line.split() for line in (out / "events.txt").read_text().splitlines()))
    samples = rows(out / "rss.csv")
    during = [s for s in samples if events["load_start"] <= float(s["time"]) <= events["load_end"]]
    seconds = np.array([float(s["time"]) - events["load_start"] for s in during])
    rss_mb = np.array([int(s["rss_kb"]) / 1024 for s in during])
    load1 = np.array([float(s["load1"]) for s in during])
    ticks = np.array([int(s["cpu_ticks"]) for s in during])
    cpu_share = (ticks[-1] - ticks[0]) / os.sysconf("SC_CLK_TCK") / max(seconds[-1] - seconds[0], 1e-9)
    lines.append(f"- duration {duration:.0f} s, open loop, Poisson arrivals; the server's serving version swapped between 1 and 2")
    lines.append(f"- machine load average (1 min): {load1[0]:.1f} at start, {load1.mean():.1f} mean, {load1.max():.1f} max, "
                 f"{load1[-1]:.1f} at end ({os.cpu_count()} cores); server CPU {cpu_share * 100:.0f} % of one core on average")

    # RSS.
    half = seconds >= seconds[-1] / 2
    slope = float(np.polyfit(seconds[half], rss_mb[half], 1)[0] * 60) if half.sum() >= 2 else float("nan")
    growth = rss_mb[-1] - rss_mb[0]
    at_max = int(np.argmax(rss_mb))
    lines.append(f"- RSS (MB): start {rss_mb[0]:.1f}, max {rss_mb[at_max]:.1f} (at {seconds[at_max]:.0f} s), end {rss_mb[-1]:.1f}; "
                 f"end - start {growth:+.1f} (limit {args.rss_growth_limit_mb:g}); slope over the last half {slope:+.2f} MB/min "
                 f"(limit {args.rss_slope_limit_mb_per_min:g}); {len(during)} samples during the load")
    before_stop = [int(s["rss_kb"]) / 1024 for s in samples if events["load_end"] < float(s["time"]) < events["sigterm"]]
    if before_stop:
        lines.append(f"- RSS after the load, before SIGTERM: {before_stop[-1]:.1f} MB")
    # The longest stretch in which RSS never rose 1 MB above where it began: a leak per call or per
    # swap leaves none long, while allocator high-water steps (bursts of queued calls) do.
    ceiling_broken = [int(np.argmax(rss_mb[i:] > rss_mb[i] + 1.0)) or len(rss_mb) - i for i in range(len(rss_mb))]
    flat_start = int(np.argmax(ceiling_broken))
    flat_end = flat_start + ceiling_broken[flat_start] - 1
    swap_times = [float(s["second"]) for s in rows(out / "swaps.csv")] if (out / "swaps.csv").exists() else []
    swaps_within = sum(seconds[flat_start] <= t <= seconds[flat_end] for t in swap_times)
    lines.append(f"- longest stretch without RSS growth (under 1 MB): {seconds[flat_end] - seconds[flat_start]:.0f} s "
                 f"({seconds[flat_start]:.0f} s to {seconds[flat_end]:.0f} s, at {rss_mb[flat_start]:.1f} MB, {swaps_within} swaps within)")
    if growth > args.rss_growth_limit_mb:
        problems.append(f"RSS grew {growth:.1f} MB, beyond {args.rss_growth_limit_mb:g} MB")
    if slope > args.rss_slope_limit_mb_per_min:
        problems.append(f"RSS slope over the last half {slope:.2f} MB/min, beyond {args.rss_slope_limit_mb_per_min:g} MB/min")

    # Calls.
    lines.append("")
    lines.append("| workload | rate asked | achieved | sent | succeeded | failed | failures by status | p50 ms | p99 ms | p99.9 ms | max ms |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    total = failed = 0
    rates = dict(zip(args.workloads, (out / "rates.txt").read_text().split()))
    for workload, summary in summaries.items():
        if summary is None:
            continue
        latency = summary["latency_microseconds"]
        total += summary["sent"]
        failed += summary["failed"]
        by_status = ", ".join(f"{k} {v}" for k, v in sorted(summary["failures"].items())) or "-"
        lines.append(f"| {workload} | {rates[workload]}/s | {summary['throughput_per_second']:.1f}/s | {summary['sent']} | {summary['succeeded']} | "
                     f"{summary['failed']} | {by_status} | {latency['p50'] / 1000:.1f} | {latency['p99'] / 1000:.1f} | "
                     f"{latency['p999'] / 1000:.1f} | {latency['max'] / 1000:.1f} |")
        if summary["failed"]:
            when = [r["second"] for r in rows(out / f"{workload}-seconds.csv") if int(r["errors"])]
            problems.append(f"{summary['failed']} {workload} calls failed ({by_status}) in seconds {', '.join(when)}")
        if summary["sent"] != summary["succeeded"] + summary["failed"]:
            problems.append(f"{workload}: {summary['sent']} sent but {summary['succeeded']} succeeded and {summary['failed']} failed")
    lines.append("")
    lines.append(f"- calls: {total} sent, {failed} failed")
    if args.bench_status:
        problems.append(f"a quantbench process exited {args.bench_status}")

    # Swaps.
    swaps = rows(out / "swaps.csv") if (out / "swaps.csv").exists() else []
    failed_swaps = [s for s in swaps if s["ok"] != "1"]
    command_seconds = [float(s["command_seconds"]) for s in swaps]
    swapper_notes = (out / "swapper.err").read_text().strip().splitlines() if (out / "swapper.err").exists() else []
    lines.append(f"- hot swaps: {len(swaps)} done, {len(failed_swaps)} failed"
                 + (f"; `models serve` took {np.median(command_seconds):.2f} s median, {max(command_seconds):.2f} s max" if swaps else ""))
    lines += [f"  - {note}" for note in swapper_notes]
    if failed_swaps or args.swapper_status:
        problems.append(f"{len(failed_swaps)} swaps failed (swapper exited {args.swapper_status})")
    if not swaps and duration > 0:
        problems.append("no swap was made")

    # Shutdown and the server's log.
    lines.append(f"- SIGTERM: server exit status {args.server_status} after {args.stop_seconds:.2f} s (grace period {args.grace_period:g} s)")
    if args.server_status != "0" or args.stop_seconds > args.grace_period + 5:
        problems.append(f"the server did not exit 0 within its grace period (status {args.server_status}, {args.stop_seconds:.2f} s)")
    log = (out / "server.log").read_text().splitlines()
    loud = [line for line in log if any(f" {level} " in line for level in ("warning", "error", "critical"))]
    lines.append(f"- server log: {len(log)} lines, {len(loud)} at warning or above")
    lines += [f"  - `{line}`" for line in loud[:10]]

    lines.append("")
    lines.append("PASS" if not problems else "FAIL:")
    lines += [f"- {problem}" for problem in problems]
    print("\n".join(lines))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
