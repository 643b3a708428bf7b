#!/usr/bin/env bash
# Builds and starts the QuantServe server with the default model, installing what is
# missing on first run. Extra arguments go to `quantserve serve` (e.g. --port 50052).
#   scripts/serve.sh                   MiniLM (English) as the default model `minilm`
#   scripts/serve.sh --multilingual    also multilingual-e5-small (Chinese, English and ~100 more
#                                      languages; intents, sentiment and FAQ answers) as `multilingual`
set -euo pipefail
cd "$(dirname "$0")/.."

MULTILINGUAL=0
if [[ ${1:-} == "--multilingual" ]]; then MULTILINGUAL=1; shift; fi
scripts/bootstrap.sh --runtime
swift build -c release --product quantserve
scripts/fetch-default-model.sh .build/release/quantserve
if ((MULTILINGUAL)); then scripts/fetch-multilingual-model.sh .build/release/quantserve; fi
exec .build/release/quantserve serve "$@"
