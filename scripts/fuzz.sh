#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (with ASan) and runs each for a bounded time: first every
# committed regression input (fuzz/regressions/<target>/), then fuzzing from the committed seeds
# (fuzz/corpus/<target>/) into a temporary working corpus, so the committed one never grows.
# Exits non-zero on any crash, broken invariant, leak, timeout or out-of-memory, printing the
# reproducer's path. Needs the default model (scripts/fetch-default-model.sh) for the tokenizer.
#
# Usage: scripts/fuzz.sh [target...]        (all targets when none is named)
#   FUZZ_SECONDS   seconds of fuzzing per target (default 20)
# One target, longer, keeping what it finds: see "Fuzzing" in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(grpc-deframer http2-server protobuf-requests safetensors-header manifest tokenizer)
TARGETS=("${@:-${ALL_TARGETS[@]}}")
SECONDS_EACH=${FUZZ_SECONDS:-20}
SCRATCH=.build-fuzz
# Every crash, timeout and leak stops the run; inputs are cut at 64 KiB.
LIMITS=(-timeout=10 -rss_limit_mb=2048 -max_len=65536)

# lld: gold fails on libFuzzer's objects. -enable-testing: the targets @testable import internals.
swift build --package-path fuzz --scratch-path "$SCRATCH" -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -use-ld=lld
BIN=$(swift build --package-path fuzz --scratch-path "$SCRATCH" -c release --show-bin-path)
ARTIFACTS="$SCRATCH/artifacts"
mkdir -p "$ARTIFACTS"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

failed=()
for target in "${TARGETS[@]}"; do
    fuzzer="$BIN/$target"
    [[ -x "$fuzzer" ]] || { echo "fuzz: no fuzzer named $target (targets: ${ALL_TARGETS[*]})" >&2; exit 2; }
    log="$ARTIFACTS/$target.log"
    regressions=(fuzz/regressions/"$target"/*)
    if [[ -e "${regressions[0]}" ]]; then
        echo "fuzz: $target: ${#regressions[@]} regression inputs"
        if ! "$fuzzer" "${LIMITS[@]}" "${regressions[@]}" > "$log" 2>&1; then
            tail -n 40 "$log" >&2
            echo "fuzz: $target FAILED on a committed regression input (log: $log)" >&2
            failed+=("$target")
            continue
        fi
    fi
    echo "fuzz: $target: ${SECONDS_EACH}s from $(ls fuzz/corpus/"$target" | wc -l) seeds"
    mkdir -p "$WORK/$target"
    if ! "$fuzzer" "${LIMITS[@]}" -max_total_time="$SECONDS_EACH" \
            -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$target-" \
            "$WORK/$target" "fuzz/corpus/$target" > "$log" 2>&1; then
        tail -n 40 "$log" >&2
        reproducer=$(grep -o "Test unit written to .*" "$log" | tail -n 1 | sed 's/Test unit written to //')
        echo "fuzz: $target FAILED; reproducer: ${reproducer:-see $log}" >&2
        echo "fuzz: replay it with: $fuzzer ${reproducer:-<input>}; commit it under fuzz/regressions/$target/" >&2
        failed+=("$target")
        continue
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | tr '\n' ' ' | sed "s/^/fuzz: $target: /; s/\$/\n/"
done

if (( ${#failed[@]} > 0 )); then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: all ${#TARGETS[@]} fuzzers passed"
