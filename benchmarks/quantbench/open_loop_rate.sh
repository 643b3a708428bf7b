#!/usr/bin/env bash
# The open loop keeps its schedule: quantbench --rate R against a release `quantserve serve`
# (unary grpc.health.v1.Health/Check), and the achieved send rate and throughput must be within
# TOLERANCE (default 2 %) of R. A wall-clock measurement: run it on a quiet machine. The test
# suite checks only what does not depend on timing precision (every scheduled call is sent,
# and latency counts from the schedule; Tests/QuantBenchTests/OpenLoopTests.swift).
#
#   benchmarks/quantbench/open_loop_rate.sh
#   RATES="500 2000" DURATION=5 benchmarks/quantbench/open_loop_rate.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RATES=${RATES:-"500 2000"}
DURATION=${DURATION:-3}   # seconds measured per rate, after a 0.5 s warmup
TOLERANCE=${TOLERANCE:-0.02}
PORT=${PORT:-50082}

echo "building release binaries..." >&2
(cd "$ROOT" && swift build -c release --product quantserve >&2 && swift build -c release --product quantbench >&2)
work=$(mktemp -d)
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/models"  # health Check needs no model
"$ROOT/.build/release/quantserve" serve --host 127.0.0.1 --port "$PORT" --model-repository "$work/models" \
  --log-level warning >"$work/quantserve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done  # a script, not a test: polling the port is its start-up wait

status=0
echo "| rate | sent | achieved send rate | throughput | within ${TOLERANCE} |"
echo "|---|---|---|---|---|"
for rate in $RATES; do
  "$ROOT/.build/release/quantbench" "127.0.0.1:$PORT" --method health --rate "$rate" \
    --duration "$DURATION" --warmup 0.5 --json --quiet >"$work/run.json"
  python3 - "$work/run.json" "$rate" "$TOLERANCE" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
rate, tolerance = float(sys.argv[2]), float(sys.argv[3])
send, done = report["achieved_send_rate_per_second"], report["throughput_per_second"]
ok = report["failed"] == 0 and abs(send - rate) <= tolerance * rate and abs(done - rate) <= tolerance * rate
print(f"| {rate:g} | {report['sent']} | {send:.1f} | {done:.1f} | {'yes' if ok else 'NO'} |")
sys.exit(0 if ok else 1)
PY
done
exit $status
