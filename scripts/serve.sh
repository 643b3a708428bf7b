#!/usr/bin/env bash
# Builds and starts the QuantServe server with the default model, installing what is
# missing on first run. Extra arguments go to `quantserve serve` (e.g. --port 50052).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
swift build -c release --product quantserve
scripts/fetch-default-model.sh .build/release/quantserve
exec .build/release/quantserve serve "$@"
