#!/usr/bin/env bash
# Static throughput prediction of the int8 GEMM inner loops with llvm-mca: compiles each x86
# kernel to assembly, takes the basic block with the most multiply instructions (the full-tile
# k-group loop) and runs llvm-mca on it for the CPUs given.
# Needs clang (the Swift toolchain's) and llvm-mca (Debian: apt-get install llvm-16).
# Usage: benchmarks/kernels/mca.sh            (from anywhere; prints the summaries)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mca="${LLVM_MCA:-$(command -v llvm-mca-16 || command -v llvm-mca)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# kernel source, multiply mnemonic, CPUs to model
predict() {
    local source="$1" op="$2"; shift 2
    clang -O3 -S -I "$root/Sources/CQuantServeKernels/include" "$root/Sources/CQuantServeKernels/$source" -o "$work/kernel.s"
    # Split into basic blocks at labels and keep the one with the most $op up to its branch.
    awk -v op="$op" '
        /^\.LBB[0-9_]+:/ { if (count > best) { best = count; text = block } block = ""; count = 0; inblock = 1; next }
        !inblock || /^[ \t]*#/ || /^[ \t]*$/ || /^[ \t]*\./ { next }
        /^[ \t]*j/ { if (count > best) { best = count; text = block } inblock = 0; next }
        { block = block $0 "\n"; if (index($0, op)) count++ }
        END { printf "%s", text }' "$work/kernel.s" > "$work/loop.s"
    echo "### $source: inner loop, $(grep -c "$op" "$work/loop.s") × $op, $(wc -l < "$work/loop.s") instructions"
    for cpu in "$@"; do
        echo "-mcpu=$cpu:"
        "$mca" -mcpu="$cpu" -iterations=1000 "$work/loop.s" | grep -E "Total Cycles|Block RThroughput" | sed 's/^/  /'
    done
}

# The model's own peak, to compare the kernel loop with: 12 independent vpdpbusd zmm (the loop
# of kernel-bench's peak probe).
for i in $(seq 0 11); do echo "vpdpbusd %zmm12, %zmm13, %zmm$i"; done > "$work/peak.s"
echo "### peak probe: 12 independent vpdpbusd zmm"
for cpu in znver4 icelake-server; do
    echo "-mcpu=$cpu:"
    "$mca" -mcpu="$cpu" -iterations=1000 "$work/peak.s" | grep -E "Total Cycles" | sed 's/^/  /'
done
predict gemm_avx512vnni.c vpdpbusd znver4 icelake-server
predict gemm_avx2.c vpmaddwd znver3 znver4 icelake-server
