#!/usr/bin/env bash
# Builds and starts the QuantServe server with the default model, installing what is
# missing on first run. Extra arguments go to `quantserve serve` (e.g. --port 50052).
#   scripts/serve.sh                   MiniLM (English) as the default model `minilm`, and the decoder
#                                      SmolLM2-135M-Instruct as `smollm2` for Generate
#   scripts/serve.sh --no-generate     without SmolLM2 (saves its load time and memory; an existing
#                                      models/smollm2 still loads: remove it to stop serving it)
#   scripts/serve.sh --multilingual    also multilingual-e5-small (Chinese, English and ~100 more
#                                      languages; intents, sentiment and FAQ answers) as `multilingual`
set -euo pipefail
cd "$(dirname "$0")/.."

MULTILINGUAL=0
GENERATE=1
while [[ ${1:-} == "--multilingual" || ${1:-} == "--no-generate" ]]; do
  if [[ $1 == "--multilingual" ]]; then MULTILINGUAL=1; else GENERATE=0; fi
  shift
done
scripts/bootstrap.sh --runtime
swift build -c release --product quantserve
scripts/fetch-default-model.sh .build/release/quantserve
if ((GENERATE)); then scripts/fetch-smollm2.sh .build/release/quantserve; fi
if ((MULTILINGUAL)); then scripts/fetch-multilingual-model.sh .build/release/quantserve; fi
exec .build/release/quantserve serve "$@"
