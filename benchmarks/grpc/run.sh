#!/usr/bin/env bash
# Side-by-side benchmark of QuantServe's gRPC server against grpc-swift-2, in one run.
#
#   benchmarks/grpc/run.sh                 # unary health Check, defaults below
#   METHOD=echo ROUNDS=3 benchmarks/grpc/run.sh
#
# Builds `quantserve` and `quantbench` (root package) and `grpc-swift-peer` (this package) in
# release, starts both servers pinned to core 0 (taskset -c 0), and drives each in turn from
# core 1 with h2load (throughput) and quantbench (throughput and HdrHistogram latency
# percentiles), alternating the order every round. Prints a markdown table of the medians
# over the rounds and the ratios QuantServe / grpc-swift-2.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
METHOD=${METHOD:-health}          # health | echo (empty EchoRequest)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}           # seconds measured per tool and server
WARMUP=${WARMUP:-2}
CONCURRENCY=${CONCURRENCY:-64}    # quantbench calls in flight
CONNECTIONS=${CONNECTIONS:-4}     # connections (both tools)
H2LOAD_STREAMS=${H2LOAD_STREAMS:-16}  # h2load streams per connection (-m)
QS_PORT=${QS_PORT:-50061}
PEER_PORT=${PEER_PORT:-50062}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}

command -v h2load >/dev/null || { echo "h2load not found: apt-get install nghttp2-client" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset not found (util-linux)" >&2; exit 1; }

echo "building release binaries..." >&2
(cd "$ROOT" && swift build -c release --product quantserve >&2 && swift build -c release --product quantbench >&2)
(cd "$HERE" && swift build -c release --product grpc-swift-peer >&2)
QS_BIN="$ROOT/.build/release/quantserve"
BENCH_BIN="$ROOT/.build/release/quantbench"
PEER_BIN="$HERE/.build/release/grpc-swift-peer"

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

taskset -c "$SERVER_CPU" "$QS_BIN" serve --host 127.0.0.1 --port "$QS_PORT" --enable-echo --log-level warning >"$work/quantserve.log" 2>&1 &
pids+=($!)
taskset -c "$SERVER_CPU" "$PEER_BIN" --host 127.0.0.1 --port "$PEER_PORT" >"$work/peer.log" 2>&1 &
pids+=($!)

wait_for_port() {
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on port $1" >&2; exit 1
}
wait_for_port "$QS_PORT"
wait_for_port "$PEER_PORT"

case "$METHOD" in
  health) path=/grpc.health.v1.Health/Check ;;
  echo) path=/testing.v1.Echo/Get ;;
  *) echo "METHOD must be health or echo" >&2; exit 1 ;;
esac
# An empty request message, gRPC-framed: not compressed, length 0.
printf '\x00\x00\x00\x00\x00' >"$work/request.bin"

run_h2load() {  # port -> requests/s
  taskset -c "$LOAD_CPU" h2load -c "$CONNECTIONS" -m "$H2LOAD_STREAMS" -D "$DURATION" --warm-up-time "$WARMUP" \
    -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin" \
    "http://127.0.0.1:$1$path" >"$work/h2load.out" 2>&1
  grep -q ' 0 failed, 0 errored' "$work/h2load.out" || { cat "$work/h2load.out" >&2; echo "h2load saw failures" >&2; exit 1; }
  awk '/^finished in/ { gsub(",", "", $4); print $4 }' "$work/h2load.out"
}

run_quantbench() {  # port -> JSON report
  taskset -c "$LOAD_CPU" "$BENCH_BIN" "127.0.0.1:$1" --method "$METHOD" --concurrency "$CONCURRENCY" \
    --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --json
}

cat >"$work/summary.py" <<'PY'
import json, sys
r = json.load(sys.stdin)
latency = r["latency_microseconds"]
print(f"{r['requests_per_second']:.0f} req/s, p50 {latency['p50']:.0f} us, p99 {latency['p99']:.0f} us, {r['failed']} failed")
PY

results="$work/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="quantserve grpc-swift-2"; else order="grpc-swift-2 quantserve"; fi
  for server in $order; do
    port=$QS_PORT; [[ $server == grpc-swift-2 ]] && port=$PEER_PORT
    rps_h2load=$(run_h2load "$port")
    report=$(run_quantbench "$port")
    printf '%s\t%s\t%s\n' "$server" "$rps_h2load" "$report" >>"$results"
    echo "round $round $server: h2load $rps_h2load req/s; quantbench $(echo "$report" | python3 "$work/summary.py")" >&2
  done
done

python3 - "$results" "$METHOD" "$path" "$ROUNDS" "$CONCURRENCY" "$CONNECTIONS" "$H2LOAD_STREAMS" <<'PY'
import json, statistics, sys
path, method, rpc, rounds, concurrency, connections, streams = sys.argv[1:]
rows = {}
for line in open(path):
    server, h2load_rps, report = line.rstrip("\n").split("\t", 2)
    r = json.loads(report)
    rows.setdefault(server, []).append((float(h2load_rps), r["requests_per_second"], r["latency_microseconds"]["p50"],
                                        r["latency_microseconds"]["p99"], r["failed"]))
def median(server, i): return statistics.median(row[i] for row in rows[server])
print(f"{rpc} ({method}), median of {rounds} rounds; servers on one core, load on another; "
      f"h2load -c {connections} -m {streams}; quantbench closed loop {concurrency} in flight over {connections} connections")
print()
print("| server | h2load req/s | quantbench req/s | p50 µs | p99 µs | failed |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for server in ("quantserve", "grpc-swift-2"):
    print(f"| {server} | {median(server, 0):.0f} | {median(server, 1):.0f} | {median(server, 2):.0f} | {median(server, 3):.0f} | {sum(r[4] for r in rows[server])} |")
q, g = "quantserve", "grpc-swift-2"
print(f"| ratio quantserve / grpc-swift-2 | {median(q, 0) / median(g, 0):.2f}x | {median(q, 1) / median(g, 1):.2f}x "
      f"| {median(q, 2) / median(g, 2):.2f} | {median(q, 3) / median(g, 3):.2f} | |")
PY
