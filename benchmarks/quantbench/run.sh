#!/usr/bin/env bash
# quantbench against h2load on the same closed-loop load: unary grpc.health.v1.Health/Check
# on a release `quantserve serve`, the same connections and calls in flight for both tools.
#
#   benchmarks/quantbench/run.sh
#   ROUNDS=5 SHAPES="2x32 8x8" benchmarks/quantbench/run.sh
#
# The server is pinned to core 0 and each load generator in turn to core 1 (taskset), as
# benchmarks/grpc/run.sh does; the order alternates every round. For each run it records the
# calls that succeeded and the CPU seconds the load generator used (getrusage of the child),
# and the server's CPU seconds over the run (/proc/PID/stat), and prints a markdown table of
# the medians: throughput, the ratio quantbench / h2load, each tool's calls per CPU-second
# (its cost per call: the calls/s one core of it drives when it, not the server, is the
# bottleneck), and the server's CPU time per call under each tool's traffic.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}           # seconds per run
SHAPES=${SHAPES:-"1x64 4x16"}     # connections x calls in flight per connection (h2load -c x -m, quantbench --connections x --streams-per-connection)
PORT=${PORT:-50081}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}

command -v h2load >/dev/null || { echo "h2load not found: apt-get install nghttp2-client" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset not found (util-linux)" >&2; exit 1; }

echo "building release binaries..." >&2
(cd "$ROOT" && swift build -c release --product quantserve >&2 && swift build -c release --product quantbench >&2)
QS_BIN="$ROOT/.build/release/quantserve"
BENCH_BIN="$ROOT/.build/release/quantbench"

work=$(mktemp -d)
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# An empty models folder: health Check needs no model, and the server starts at once.
mkdir -p "$work/models"
taskset -c "$SERVER_CPU" "$QS_BIN" serve --host 127.0.0.1 --port "$PORT" --model-repository "$work/models" \
  --log-level warning >"$work/quantserve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || { cat "$work/quantserve.log" >&2; echo "quantserve did not start" >&2; exit 1; }

# The request: an empty HealthCheckRequest, gRPC-framed (not compressed, length 0).
printf '\x00\x00\x00\x00\x00' >"$work/request.bin"

run_h2load() {  # connections streams -> "calls cpu_seconds"
  local cpu
  cpu=$(python3 "$HERE/cpu_time.py" "$work/h2load.out" taskset -c "$LOAD_CPU" h2load -c "$1" -m "$2" \
    -D "$DURATION" -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" \
    "http://127.0.0.1:$PORT/grpc.health.v1.Health/Check")
  grep -q ' 0 failed, 0 errored' "$work/h2load.out" || { cat "$work/h2load.out" >&2; echo "h2load saw failures" >&2; exit 1; }
  echo "$(awk '/^requests:/ { print $8 }' "$work/h2load.out") $cpu"
}

run_quantbench() {  # connections streams -> "calls cpu_seconds"
  local cpu
  cpu=$(python3 "$HERE/cpu_time.py" "$work/quantbench.json" taskset -c "$LOAD_CPU" "$BENCH_BIN" "127.0.0.1:$PORT" \
    --method health --connections "$1" --streams-per-connection "$2" \
    --duration "$DURATION" --warmup 0 --json --quiet)
  python3 - "$work/quantbench.json" "$cpu" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
if report["failed"]:
    sys.exit(f"quantbench saw failures: {report['failures']}")
print(report["succeeded"], sys.argv[2])
PY
}

server_cpu_ticks() {  # utime + stime of the server, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$server_pid/stat"
}
TICKS=$(getconf CLK_TCK)

results="$work/results.tsv"
for shape in $SHAPES; do
  connections=${shape%x*}
  streams=${shape#*x}
  for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 == 1 )); then order="h2load quantbench"; else order="quantbench h2load"; fi
    for tool in $order; do
      before=$(server_cpu_ticks)
      read -r calls cpu < <("run_$tool" "$connections" "$streams")
      server_cpu=$(python3 -c "import sys; print((int(sys.argv[2]) - int(sys.argv[1])) / int(sys.argv[3]))" "$before" "$(server_cpu_ticks)" "$TICKS")
      printf '%s\t%s\t%s\t%s\t%s\n' "$shape" "$tool" "$calls" "$cpu" "$server_cpu" >>"$results"
      echo "$shape round $round $tool: $calls calls in $DURATION s, $cpu CPU s, server $server_cpu CPU s" >&2
    done
  done
done

python3 - "$results" "$ROUNDS" "$DURATION" <<'PY'
import statistics, sys
path, rounds, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
runs = {}
for line in open(path):
    shape, tool, calls, cpu, server_cpu = line.split()
    calls, cpu, server_cpu = int(calls), float(cpu), float(server_cpu)
    runs.setdefault((shape, tool), []).append((calls / duration, cpu / duration, calls / cpu, server_cpu / duration, server_cpu / calls * 1e6))
def median(shape, tool, i): return statistics.median(run[i] for run in runs[(shape, tool)])
print(f"grpc.health.v1.Health/Check, closed loop, {duration:.0f} s per run, median of {rounds} rounds; "
      "quantserve on core 0, the load generator on core 1")
print()
print("| connections x streams | load generator | calls/s | its CPU use | its calls per CPU-second | server CPU use | server CPU µs per call |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for shape in dict.fromkeys(shape for shape, _ in runs):
    for tool in ("h2load", "quantbench"):
        print(f"| {shape} | {tool} | {median(shape, tool, 0):.0f} | {median(shape, tool, 1):.0%} | {median(shape, tool, 2):.0f} "
              f"| {median(shape, tool, 3):.0%} | {median(shape, tool, 4):.1f} |")
    q, h = (lambda i: median(shape, "quantbench", i)), (lambda i: median(shape, "h2load", i))
    print(f"| {shape} | ratio quantbench / h2load | {q(0) / h(0):.2f} | | {q(2) / h(2):.2f} | | {q(4) / h(4):.2f} |")
PY
