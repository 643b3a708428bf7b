#!/usr/bin/env bash
# Protocol overhead: the same embedding load (one text per request from the bundled
# customer-service corpus, CONCURRENCY requests in flight, closed loop) against ONE
# `quantserve serve` and its model, through
#   1. gRPC `inference.v1.Inference/Embed` (quantbench),
#   2. KServe v2 `inference.GRPCInferenceService/ModelInfer`, side by side with Embed from the same
#      client (h2load sending one pre-encoded request body, one text, over CONNECTIONS connections),
#   3. OpenAI-compatible `POST /v1/embeddings`, float and base64 encodings (wrk + embeddings.lua),
# in ROUNDS rounds, protocols in turn. Prints a markdown table of requests/s and p99 and each
# protocol's throughput relative to gRPC Embed in the same round.
#
#   benchmarks/protocols/run.sh
#   DURATION=10 ROUNDS=1 BUILD=0 benchmarks/protocols/run.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-20}        # seconds measured per run
WARMUP=${WARMUP:-5}             # seconds of load before each measured run
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-64}  # requests in flight (HTTP/1.1: one connection each)
CONNECTIONS=${CONNECTIONS:-4}   # HTTP/2 connections quantbench spreads them over
CONFIGURATION=${CONFIGURATION:-release}   # swift build configuration of the binaries
GRPC_PORT=${GRPC_PORT:-50481}
HTTP_PORT=${HTTP_PORT:-50482}
MODEL=${MODEL:-minilm}
CORPUS="$ROOT/Sources/quantbench/Corpus/customer-service.jsonl"
cd "$ROOT"

[[ -f models/minilm/1/quantserve.json ]] || scripts/fetch-default-model.sh
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/bootstrap.sh" >&2; exit 1; }
if [[ ${BUILD:-1} != 0 ]]; then  # BUILD=0: use the binaries already built
  swift build -c "$CONFIGURATION" --product quantserve >&2
  swift build -c "$CONFIGURATION" --product quantbench >&2
fi
BIN=$(swift build -c "$CONFIGURATION" --show-bin-path)

WORK=$(mktemp -d)
"$BIN/quantserve" serve --port "$GRPC_PORT" --http-port "$HTTP_PORT" --model-repository models --log-level warning \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 600); do  # until the model serves over HTTP (the health route answers 200)
  curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done

grpc_embed() {  # seconds -> quantbench JSON
  "$BIN/quantbench" "127.0.0.1:$GRPC_PORT" --method embed --texts-per-request 1 --seed 1 --model "$MODEL" --no-truncate \
    --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$1" --quiet --json
}

openai_embeddings() {  # encoding seconds -> one JSON line
  wrk -t 2 -c "$CONCURRENCY" -d "${WARMUP}s" -s "$HERE/embeddings.lua" "http://127.0.0.1:$HTTP_PORT" \
    -- "$CORPUS" "$MODEL" "$1" >/dev/null
  wrk -t 2 -c "$CONCURRENCY" -d "${2}s" -s "$HERE/embeddings.lua" "http://127.0.0.1:$HTTP_PORT" \
    -- "$CORPUS" "$MODEL" "$1" | tail -1
}

# h2load: the same text as one pre-encoded body for Embed and for ModelInfer (checked OK first).
TEXT="My parcel was supposed to arrive on Monday and the tracking has not changed since Friday"
.venv/bin/python "$HERE/grpc_bodies.py" "127.0.0.1:$GRPC_PORT" "$MODEL" "$TEXT" "$WORK" >&2
h2load_grpc() {  # body path seconds -> one JSON line (requests/s, p99 from h2load's per-request log)
  h2load -c "$CONNECTIONS" -m $((CONCURRENCY / CONNECTIONS)) -D "$3" --warm-up-time "$WARMUP" -d "$WORK/$1.body" \
    -H 'content-type: application/grpc' -H 'te: trailers' --log-file "$WORK/$1.log" \
    "http://127.0.0.1:$GRPC_PORT$2" >"$WORK/$1.out"
  "${PYTHON:-python3}" - "$WORK/$1.out" "$WORK/$1.log" <<'PY'
import json, re, sys
out = open(sys.argv[1]).read()
rps = float(re.search(r"finished in [0-9.]+s, ([0-9.]+) req/s", out).group(1))
failed = int(re.search(r"requests: .* (\d+) failed", out).group(1))
latencies = sorted(int(line.split()[2]) for line in open(sys.argv[2]) if line.strip())
print(json.dumps({"rps": rps, "p99_us": latencies[len(latencies) * 99 // 100], "errors": failed}))
PY
}

RESULTS="$WORK/results.jsonl"
for round in $(seq "$ROUNDS"); do
  for pair in "embed /inference.v1.Inference/Embed|gRPC Embed (h2load)" "modelinfer /inference.GRPCInferenceService/ModelInfer|KServe ModelInfer (h2load)"; do
    body=${pair%% *}; rest=${pair#* }; path=${rest%%|*}; label=${rest#*|}
    h2load_grpc "$body" "$path" "$DURATION" | "${PYTHON:-python3}" -c '
import json, sys
r = json.loads(sys.stdin.read()); r.update(round=int(sys.argv[1]), protocol=sys.argv[2]); print(json.dumps(r))' "$round" "$label" >>"$RESULTS"
  done
  grpc_embed "$DURATION" | "${PYTHON:-python3}" -c '
import json, sys
r = json.load(sys.stdin)
print(json.dumps({"round": int(sys.argv[1]), "protocol": "gRPC Embed", "rps": r["requests_per_second"],
                  "p99_us": r["latency_microseconds"]["p99"], "errors": r["failed"]}))' "$round" >>"$RESULTS"
  for encoding in float base64; do
    openai_embeddings "$encoding" "$DURATION" | "${PYTHON:-python3}" -c '
import json, sys
r = json.loads(sys.stdin.read())
print(json.dumps({"round": int(sys.argv[1]), "protocol": "/v1/embeddings " + sys.argv[2], "rps": r["requests_per_second"],
                  "p99_us": r["p99_us"], "errors": r["non_2xx"] + r["socket_errors"]}))' "$round" "$encoding" >>"$RESULTS"
  done
done

"${PYTHON:-python3}" - "$RESULTS" "$CONCURRENCY" "$DURATION" <<'PY'
import json, sys
from collections import defaultdict
rows = [json.loads(line) for line in open(sys.argv[1])]
native = {r["round"]: r["rps"] for r in rows if r["protocol"] == "gRPC Embed"}
native_h2load = {r["round"]: r["rps"] for r in rows if r["protocol"] == "gRPC Embed (h2load)"}
by_protocol = defaultdict(list)
for r in rows:
    by_protocol[r["protocol"]].append(r)
print(f"{sys.argv[2]} in flight, {sys.argv[3]} s per run, {len(native)} round(s); median over rounds\n")
print("| protocol | requests/s | p99 ms | vs gRPC Embed (same client) | errors |")
print("|---|---:|---:|---:|---:|")
median = lambda xs: sorted(xs)[len(xs) // 2]
for protocol in ["gRPC Embed", "/v1/embeddings float", "/v1/embeddings base64", "gRPC Embed (h2load)", "KServe ModelInfer (h2load)"]:
    runs = by_protocol[protocol]
    baseline = native_h2load if "h2load" in protocol else native
    ratio = median([r["rps"] / baseline[r["round"]] for r in runs])
    print(f"| {protocol} | {median([r['rps'] for r in runs]):.1f} | {median([r['p99_us'] for r in runs]) / 1000:.1f} "
          f"| {ratio:.3f} | {sum(r['errors'] for r in runs)} |")
PY
