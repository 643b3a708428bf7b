#!/usr/bin/env bash
# Builds what the container image ships (the build stage of deploy/Containerfile runs exactly
# this, and scripts/test.sh runs it on the build machine to check those steps): quantserve and
# quantbench in release mode with the Swift runtime linked in (--static-swift-stdlib), copied to
# OUT/bin. Then checks that every shared library they load comes from a Debian package listed in
# deploy/runtime-packages.txt, the run stage's only packages.
#   deploy/build-release.sh [OUT]     (default OUT: .build/image)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.build/image}
PRODUCTS=(quantserve quantbench)

for product in "${PRODUCTS[@]}"; do
  swift build -c release --static-swift-stdlib --product "$product"
done
BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)
mkdir -p "$OUT/bin"
for product in "${PRODUCTS[@]}"; do
  install -m 0755 "$BIN/$product" "$OUT/bin/$product"
done

# Every library the binaries load, by the Debian package that owns it.
mapfile -t allowed < <(grep -v '^#' deploy/runtime-packages.txt | sed '/^$/d')
status=0
for product in "${PRODUCTS[@]}"; do
  while read -r library; do
    [[ -z $library ]] && continue
    if [[ $library == "not found:"* ]]; then
      echo "build-release: $product needs ${library#not found: }, which is not installed" >&2; status=1; continue
    fi
    package=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [[ -z $package ]] && package=$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1 || true)
    if [[ -z $package ]]; then
      echo "build-release: $product loads $library, which no Debian package owns (a Swift runtime library?)" >&2; status=1
    elif ! printf '%s\n' "${allowed[@]}" | grep -qx "$package"; then
      echo "build-release: $product loads $library from $package, missing from deploy/runtime-packages.txt" >&2; status=1
    fi
  done < <(ldd "$OUT/bin/$product" | awk '/=> not found/ {print "not found: " $1; next} /=>/ {print $3; next} /^\t\// {print $1}')
done
((status == 0)) || exit 1
"$OUT/bin/quantserve" --help >/dev/null   # it runs (the Swift runtime is inside)
echo "build-release: $OUT/bin/{${PRODUCTS[*]}} need only: ${allowed[*]}"
