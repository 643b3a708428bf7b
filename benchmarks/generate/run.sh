#!/usr/bin/env bash
# Measures QuantServe's SmolLM2 decoder (generate-bench) and llama.cpp (llama-bench,
# llama-batched-bench) side by side in one run on the same GGUF, and prints the issue-12 table:
# prefill 512 tokens and single-stream decode at 1 and 2 threads, aggregate decode of 16 streams
# (prompt 128, generate 128) at 2 threads, each with its ratio. Raw records go to
# benchmarks/results/generate-side-by-side-<time>.jsonl. Builds llama.cpp first if needed
# (build-llama-cpp.sh, ~25 min the first time).
#   benchmarks/generate/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
GGUF=$(.venv/bin/python scripts/model-packages.py smollm2)
(cd "$HERE" && swift build -c release --product generate-bench >&2)
BENCH="$(cd "$HERE" && swift build -c release --show-bin-path)/generate-bench"
mkdir -p benchmarks/results
OUT="benchmarks/results/generate-side-by-side-$(date +%Y%m%d-%H%M%S).jsonl"
echo "generate side by side: writing $OUT" >&2
CPU=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
printf '{"note": "cpu", "model": "%s", "cores": %d, "flags": "%s"}\n' "$CPU" "$(nproc)" \
  "$(grep -o -m1 avx512_vnni /proc/cpuinfo || echo "no avx512_vnni")" | tee -a "$OUT" >&2
.venv/bin/python "$HERE/llama_cpp_peer.py" --only bench batched --results "$OUT" >&2
"$BENCH" --model "$GGUF" --threads 1 2 --four-bit | tee -a "$OUT" >&2
.venv/bin/python "$HERE/side_by_side_table.py" "$OUT"
