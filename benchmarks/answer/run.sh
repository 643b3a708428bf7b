#!/usr/bin/env bash
# Knowledge-base search latency on one core: QuantServe's exact int8-prefiltered search
# (answer-bench) beside numpy's fp32 brute force, 100,000 entries of 384 dimensions, top 5,
# random and clustered embeddings, in one run. Raw lines go to benchmarks/results/answer-<time>.jsonl.
#
#   benchmarks/answer/run.sh [ENTRIES]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ENTRIES=${1:-100000}
cd "$ROOT"
scripts/bootstrap.sh >/dev/null
(cd "$HERE" && swift build -c release --product answer-bench >&2)
BENCH="$(cd "$HERE" && swift build -c release --show-bin-path)/answer-bench"
mkdir -p benchmarks/results
OUT="benchmarks/results/answer-$(date +%Y%m%d-%H%M%S).jsonl"
printf '{"note": "cpu", "model": "%s"}\n' "$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" | tee -a "$OUT"
for layout in random clustered; do
  taskset -c 0 "$BENCH" --entries "$ENTRIES" --layout "$layout" | tee -a "$OUT"
  taskset -c 0 .venv/bin/python "$HERE/numpy_search.py" --entries "$ENTRIES" --layout "$layout" | tee -a "$OUT"
done
