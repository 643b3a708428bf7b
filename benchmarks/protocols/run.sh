#!/usr/bin/env bash
# Protocol overhead: the same embedding load (one text per request from the bundled
# customer-service corpus, CONCURRENCY requests in flight, closed loop) against ONE
# `quantserve serve` and its model, through
#   1. gRPC `inference.v1.Inference/Embed` (quantbench),
#   2. KServe v2 `inference.GRPCInferenceService/ModelInfer` (slot: quantbench cannot call it yet),
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

RESULTS="$WORK/results.jsonl"
for round in $(seq "$ROUNDS"); do
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
by_protocol = defaultdict(list)
for r in rows:
    by_protocol[r["protocol"]].append(r)
print(f"{sys.argv[2]} in flight, {sys.argv[3]} s per run, {len(native)} round(s); median over rounds\n")
print("| protocol | requests/s | p99 ms | vs gRPC Embed | errors |")
print("|---|---:|---:|---:|---:|")
median = lambda xs: sorted(xs)[len(xs) // 2]
for protocol in ["gRPC Embed", "KServe ModelInfer", "/v1/embeddings float", "/v1/embeddings base64"]:
    runs = by_protocol.get(protocol)
    if not runs:
        print(f"| {protocol} | n/a | n/a | n/a | quantbench cannot call ModelInfer yet |")
        continue
    ratio = median([r["rps"] / native[r["round"]] for r in runs])
    print(f"| {protocol} | {median([r['rps'] for r in runs]):.1f} | {median([r['p99_us'] for r in runs]) / 1000:.1f} "
          f"| {ratio:.3f} | {sum(r['errors'] for r in runs)} |")
PY
