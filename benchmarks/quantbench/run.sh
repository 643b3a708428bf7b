#!/usr/bin/env bash
# quantbench against h2load on the same closed-loop load: unary grpc.health.v1.Health/Check
# on a release `quantserve serve`, the same connections and calls in flight for both tools.
#
#   benchmarks/quantbench/run.sh
#   ROUNDS=5 CONNECTIONS=2 STREAMS=32 benchmarks/quantbench/run.sh
#
# The server is pinned to core 0 and each load generator in turn to core 1 (taskset), as
# benchmarks/grpc/run.sh does; the order alternates every round. For each run it records the
# calls that succeeded and the CPU seconds the load generator used (getrusage of the child),
# and prints a markdown table of the medians: throughput, the ratio quantbench / h2load, and
# each tool's calls per CPU-second (its cost per call: the calls/s one core of it drives when
# it, not the server, is the bottleneck).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}           # seconds per run
CONNECTIONS=${CONNECTIONS:-4}     # HTTP/2 connections (both tools)
STREAMS=${STREAMS:-16}            # calls in flight per connection (h2load -m, quantbench --streams-per-connection)
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

run_h2load() {  # -> "calls cpu_seconds"
  local cpu
  cpu=$(python3 "$HERE/cpu_time.py" "$work/h2load.out" taskset -c "$LOAD_CPU" h2load -c "$CONNECTIONS" -m "$STREAMS" \
    -D "$DURATION" -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" \
    "http://127.0.0.1:$PORT/grpc.health.v1.Health/Check")
  grep -q ' 0 failed, 0 errored' "$work/h2load.out" || { cat "$work/h2load.out" >&2; echo "h2load saw failures" >&2; exit 1; }
  echo "$(awk '/^requests:/ { print $8 }' "$work/h2load.out") $cpu"
}

run_quantbench() {  # -> "calls cpu_seconds"
  local cpu
  cpu=$(python3 "$HERE/cpu_time.py" "$work/quantbench.json" taskset -c "$LOAD_CPU" "$BENCH_BIN" "127.0.0.1:$PORT" \
    --method health --connections "$CONNECTIONS" --streams-per-connection "$STREAMS" \
    --duration "$DURATION" --warmup 0 --json --quiet)
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(f"quantbench saw failures: {r[\"failures\"]}") if r["failed"] else print(r["succeeded"], sys.argv[2])' \
    "$work/quantbench.json" "$cpu"
}

results="$work/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="h2load quantbench"; else order="quantbench h2load"; fi
  for tool in $order; do
    read -r calls cpu < <("run_$tool")
    printf '%s\t%s\t%s\n' "$tool" "$calls" "$cpu" >>"$results"
    echo "round $round $tool: $calls calls in $DURATION s, $cpu CPU s" >&2
  done
done

python3 - "$results" "$ROUNDS" "$DURATION" "$CONNECTIONS" "$STREAMS" <<'PY'
import statistics, sys
path, rounds, duration, connections, streams = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
runs = {}
for line in open(path):
    tool, calls, cpu = line.split()
    runs.setdefault(tool, []).append((int(calls) / duration, float(cpu), int(calls) / float(cpu)))
def median(tool, i): return statistics.median(run[i] for run in runs[tool])
print(f"grpc.health.v1.Health/Check, closed loop, {connections} connections x {streams} streams "
      f"({int(connections) * int(streams)} calls in flight), {duration:.0f} s per run, median of {rounds} rounds; "
      f"server on one core, load generator on the other")
print()
print("| load generator | calls/s | CPU s per run | load generator CPU use | calls per CPU-second |")
print("| --- | ---: | ---: | ---: | ---: |")
for tool in ("h2load", "quantbench"):
    print(f"| {tool} | {median(tool, 0):.0f} | {median(tool, 1):.2f} | {median(tool, 1) / duration:.0%} | {median(tool, 2):.0f} |")
print(f"| ratio quantbench / h2load | {median('quantbench', 0) / median('h2load', 0):.2f} | "
      f"{median('quantbench', 1) / median('h2load', 1):.2f} | | {median('quantbench', 2) / median('h2load', 2):.2f} |")
PY
