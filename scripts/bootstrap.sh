#!/usr/bin/env bash
# Installs everything QuantServe needs on a Debian machine; safe to run again.
#  - Debian packages: libnghttp2-dev, libprotobuf-c-dev, zlib1g-dev (quantbench), protobuf-c-compiler,
#    nghttp2-client, pkg-config, chromium (headless, for the quantbench HTML report test), openssl (TLS test certificates),
#    nginx (the gRPC load balancer of deploy/ and its fleet test), protobuf-compiler (the reflection descriptor set),
#    wrk (the HTTP load of benchmarks/protocols)
#  - a Python virtual environment in .venv with scripts/requirements.txt (interop tests, reference oracles, peers)
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(pkg-config libnghttp2-dev libprotobuf-c-dev zlib1g-dev protobuf-c-compiler protobuf-compiler nghttp2-client chromium openssl nginx wrk)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

VENV=.venv
STAMP="$VENV/.requirements.sha256"
want=$(cat scripts/requirements.txt scripts/requirements-nodeps.txt | sha256sum | cut -d' ' -f1)
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "bootstrap: creating Python virtual environment in $VENV"
  python3 -m venv "$VENV"
fi
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$want" ]]; then
  echo "bootstrap: installing Python packages from scripts/requirements.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/requirements.txt
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r scripts/requirements-nodeps.txt
  echo "$want" > "$STAMP"
fi
